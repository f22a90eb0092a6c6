import { describe, expect, it } from "vitest";
import { monthsBefore, sweepCutoff } from "../../src/engine/sweep-cutoff.js";
import { createFanout, defineAdapter, memoryStore, type SagaStore } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { SECRET } from "./helpers.js";
import { FakeCrm } from "./sweep-fake.js";

const MONTH = 30 * 86_400_000;

function setup(store: SagaStore = memoryStore(), clock = fakeClock()) {
  const crm = new FakeCrm();
  const now = clock.now();
  const old = crm.add(150, "prospect", monthsBefore(now, 30));
  const young = crm.add(20, "prospect", now - 6 * MONTH);
  const customers = crm.add(20, "customer", monthsBefore(now, 40));
  const fanout = (adapterCrm = crm) =>
    createFanout({
      adapters: [adapterCrm.adapter()],
      store,
      secret: SECRET,
      now: clock.now,
      random: () => 0.5,
    });
  return { crm, old, young, customers, store, clock, fanout };
}

async function sweepRequests(store: SagaStore) {
  const all = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all.filter((r) => r.idempotencyKey?.startsWith("sweep:"));
}

describe("fanout.sweep", () => {
  it("dry run: counts and fingerprints only, nothing filed, no cursor kept", async () => {
    const { old, store, fanout } = setup();
    const f = fanout();
    const result = await f.sweep({ policy: "prospect", olderThan: "24mo", dryRun: true });
    expect(result).toMatchObject({ dryRun: true, found: old.length, filed: 0 });
    const part = result.adapters.crm!;
    expect(part.fingerprints).toHaveLength(old.length);
    expect(part.fingerprints!.every((f) => /^sub_[0-9a-f]{32}$/.test(f))).toBe(true);
    expect(JSON.stringify(result)).not.toContain(old[0]);
    expect(await sweepRequests(store)).toEqual([]);
    expect(await store.listSweeps!()).toEqual([]);
  });

  it("files one erasure per expired record, on that adapter alone, and the erasures run to completion", async () => {
    const { crm, old, young, customers, store, fanout } = setup();
    const f = fanout();
    const dry = await f.sweep({ policy: "prospect", olderThan: "24mo", dryRun: true });
    const events: string[] = [];
    f.on("*", (e) => events.push(e.type));
    const result = await f.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result).toMatchObject({ found: old.length, filed: old.length, existing: 0 });
    expect(result.adapters.crm).toMatchObject({ state: "completed", resumed: false });
    const requests = await sweepRequests(store);
    expect(requests).toHaveLength(old.length);
    // The request's fingerprint is the one the dry run showed; the stored key holds no record id.
    expect(new Set(requests.map((r) => r.fingerprint))).toEqual(new Set(dry.adapters.crm!.fingerprints));
    expect(requests.some((r) => old.some((id) => r.idempotencyKey!.includes(id)))).toBe(false);
    const branches = await store.getBranches(requests[0]!.id);
    expect(branches.map((b) => b.adapterId)).toEqual(["crm"]);
    expect(requests[0]!.doc).toMatchObject({ adapters: ["crm"], reason: "retention-sweep:prospect" });
    expect(events).toContain("sweep.started");
    expect(events.filter((e) => e === "sweep.progress").length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)).toBe("sweep.completed");
    await f.drain();
    // Oracle: exactly the old prospects are gone; young prospects and customers untouched.
    expect(old.every((id) => crm.people.get(id)!.deleted)).toBe(true);
    expect([...young, ...customers].some((id) => crm.people.get(id)!.deleted)).toBe(false);
    expect([...crm.applied.values()].every((n) => n === 1)).toBe(true);
    expect((await f.status(requests[0]!.id)).state).toBe("completed");
    expect((await store.listSweeps!())[0]).toMatchObject({ state: "done", cursor: null });
  });

  it("a record that became a customer after the dry run is not filed", async () => {
    const { crm, old, store, fanout } = setup();
    const f = fanout();
    await f.sweep({ policy: "prospect", olderThan: "24mo", dryRun: true });
    crm.people.get(old[3]!)!.stage = "customer";
    const result = await f.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result.filed).toBe(old.length - 1);
    await f.drain();
    expect(crm.people.get(old[3]!)!.deleted).toBe(false);
    expect(await sweepRequests(store)).toHaveLength(old.length - 1);
  });

  it("a crash between filing and saving the cursor resumes from the last cursor and files nothing twice", async () => {
    const base = memoryStore();
    let saves = 0;
    // The process "dies" at its second cursor save: the second batch is filed, its cursor is not.
    const dying: SagaStore = {
      ...base,
      async saveSweep(owner, now, progress) {
        if (++saves === 2) throw new Error("SIGKILL");
        return base.saveSweep!(owner, now, progress);
      },
    };
    const clock = fakeClock();
    const first = setup(dying, clock);
    const crashed = await first.fanout().sweep({ policy: "prospect", olderThan: "24mo" });
    expect(crashed.adapters.crm!.state).toBe("failed");
    const filedBefore = (await sweepRequests(base)).length;
    expect(filedBefore).toBe(150);
    // The dead sweep's claim runs out; a new process (same store) takes the run up.
    clock.advance(60_000);
    const second = createFanout({
      adapters: [first.crm.adapter()],
      store: base,
      secret: SECRET,
      now: clock.now,
    });
    const resumed = await second.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(resumed.adapters.crm).toMatchObject({ state: "completed", resumed: true });
    // It listed from the first batch's cursor: the second batch again (already filed), then the rest.
    expect(first.crm.listings).toEqual([undefined, first.old[99]]);
    // Counts are the run's: the crashed batch shows as `existing` (its filings outlived the crash).
    expect(resumed.adapters.crm).toMatchObject({ found: 150, filed: 100, existing: 50 });
    const requests = await sweepRequests(base);
    expect(requests).toHaveLength(first.old.length);
    expect(new Set(requests.map((r) => r.idempotencyKey)).size).toBe(first.old.length);
    await second.drain();
    expect([...first.crm.applied.values()].every((n) => n === 1)).toBe(true);
    expect(first.crm.applied.size).toBe(first.old.length);
  });

  it("retries a failed listing from the last cursor; an unretryable failure leaves the run resumable", async () => {
    const { crm, old, store, fanout } = setup();
    crm.failAt = { index: 120, code: "PROVIDER_UNAVAILABLE" };
    const f = fanout();
    const result = await f.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result.adapters.crm).toMatchObject({ state: "completed", filed: old.length, existing: 0 });
    expect(crm.listings).toEqual([undefined, old[119]]);

    const other = setup();
    other.crm.failAt = { index: 50, code: "AUTHENTICATION" };
    const g = other.fanout();
    const failed = await g.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(failed.adapters.crm).toMatchObject({
      state: "failed",
      filed: 50,
      error: { code: "AUTHENTICATION" },
    });
    expect((await other.store.listSweeps!())[0]).toMatchObject({ state: "running", owner: null });
    const again = await g.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(again.adapters.crm).toMatchObject({ state: "completed", resumed: true, filed: other.old.length });
    expect(await sweepRequests(other.store)).toHaveLength(other.old.length);
    expect(store).toBeDefined();
  });

  it("stops on its signal and the next sweep resumes; a second sweep of the same policy meanwhile is busy", async () => {
    const { crm, old, fanout } = setup();
    const f = fanout();
    const stop = new AbortController();
    f.on("sweep.progress", () => stop.abort());
    const stopped = await f.sweep({ policy: "prospect", olderThan: "24mo", signal: stop.signal });
    expect(stopped.adapters.crm!.state).toBe("stopped");
    const rest = await f.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(rest.adapters.crm).toMatchObject({ state: "completed", resumed: true, filed: old.length });
    expect(crm.listings[1]).toBe(old[99]);
  });

  it("a run interrupted before a secret rotation resumes from its sealed cursor under the new secret", async () => {
    const { crm, old, store, clock, fanout } = setup();
    const stop = new AbortController();
    const f = fanout();
    f.on("sweep.progress", () => stop.abort());
    expect(
      (await f.sweep({ policy: "prospect", olderThan: "24mo", signal: stop.signal })).adapters.crm!.state,
    ).toBe("stopped");
    const rotated = createFanout({
      adapters: [crm.adapter()],
      store,
      secret: "a-rotated-secret-0123456789abcdef",
      previousSecrets: [SECRET],
      now: clock.now,
    });
    const rest = await rotated.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(rest.adapters.crm).toMatchObject({
      state: "completed",
      resumed: true,
      filed: old.length,
      existing: 0,
    });
    expect(crm.listings).toEqual([undefined, old[99]]);
    expect(await sweepRequests(store)).toHaveLength(old.length);
    expect((await store.listSweeps!())[0]).toMatchObject({ state: "done", cursor: null });
  });

  it("a cursor sealed with a secret the fanout no longer has is a CONFIGURATION error naming the run", async () => {
    const { crm, store, clock, fanout } = setup();
    const stop = new AbortController();
    const f = fanout();
    f.on("sweep.progress", () => stop.abort());
    await f.sweep({ policy: "prospect", olderThan: "24mo", signal: stop.signal });
    const other = createFanout({
      adapters: [crm.adapter()],
      store,
      secret: "a-rotated-secret-0123456789abcdef",
      now: clock.now,
    });
    await expect(other.sweep({ policy: "prospect", olderThan: "24mo" })).rejects.toMatchObject({
      code: "CONFIGURATION",
      message: expect.stringMatching(/prospect:crm sweep run.*previousSecrets/),
    });
  });

  it("refuses bad options before listing anything", async () => {
    const { fanout, crm } = setup();
    const f = fanout();
    await expect(f.sweep({ policy: "archive" as never, olderThan: "24mo" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    // The error names the argument (for a form to point at), never echoes anything else.
    await expect(f.sweep({ policy: "prospect", olderThan: "24m" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringMatching(/^olderThan .*24mo/),
      details: { argument: "olderThan" },
    });
    await expect(f.sweep({ policy: "prospect", olderThan: "2h" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringMatching(/^olderThan .*one day/),
      details: { argument: "olderThan" },
    });
    await expect(f.sweep({ policy: "inactive", olderThan: "90d", adapters: ["crm"] })).rejects.toThrow(
      /does not answer the inactive policy/,
    );
    await expect(
      f.sweep({ policy: "prospect", olderThan: "24mo", adapters: ["nope"] }),
    ).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(crm.listings).toEqual([]);
    // No adapter answers the policy: nothing to do.
    expect((await f.sweep({ policy: "inactive", olderThan: "90d" })).adapters).toEqual({});
  });

  it("says what is wrong with an adapters list, naming the argument", async () => {
    const { crm, store, clock } = setup();
    const mailer = defineAdapter({
      id: "mailer",
      locate: async () => ({ refs: [] }),
      export: async () => ({ records: [] }),
      delete: async () => ({ outcome: "not_found", deleted: 0 }),
      status: async () => ({ state: "done", remaining: 0 }),
    });
    const f = createFanout({ adapters: [crm.adapter(), mailer], store, secret: SECRET, now: clock.now });
    const refused = (adapters: unknown, message: string | RegExp) =>
      expect(
        f.sweep({ policy: "prospect", olderThan: "24mo", adapters: adapters as never }),
      ).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: typeof message === "string" ? message : expect.stringMatching(message),
        details: { argument: "adapters" },
      });
    const notAList = "adapters must be a non-empty list of adapter ids";
    await refused([], notAList);
    await refused("crm", notAList);
    await refused(["crm", 7], notAList);
    // An unknown id is quoted, cut to 40 characters (it may be anything a form sent).
    await refused(
      [`${"x".repeat(40)}TAIL`],
      `adapters names "${"x".repeat(40)}", which this fanout does not have`,
    );
    await refused(
      ["mailer"],
      "mailer does not answer the prospect policy (it answers: none; see docs/sweeps.md)",
    );
    await expect(f.sweep({ policy: "inactive", olderThan: "90d", adapters: ["crm"] })).rejects.toMatchObject({
      message: "crm does not answer the inactive policy (it answers: prospect; see docs/sweeps.md)",
      details: { argument: "adapters" },
    });
    expect(crm.listings).toEqual([]);
    // Without a list: only the adapters that answer the policy; a list naming one twice runs it once.
    expect(Object.keys((await f.sweep({ policy: "prospect", olderThan: "24mo" })).adapters)).toEqual(["crm"]);
    const listings = crm.listings.length;
    const named = await f.sweep({ policy: "prospect", olderThan: "24mo", adapters: ["crm", "crm"] });
    expect(Object.keys(named.adapters)).toEqual(["crm"]);
    expect(crm.listings.length).toBeGreaterThan(listings);
  });

  it("counts months on the calendar", () => {
    const now = Date.parse("2026-03-31T10:00:00Z");
    expect(new Date(sweepCutoff("1mo", now)).toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(new Date(sweepCutoff("24mo", now)).toISOString()).toBe("2024-03-31T10:00:00.000Z");
    expect(sweepCutoff("2y", now)).toBe(sweepCutoff("P2Y", now));
    expect(sweepCutoff("1y6mo", now)).toBe(sweepCutoff("18 months", now));
    expect(sweepCutoff("90d", now)).toBe(now - 90 * 86_400_000);
    expect(sweepCutoff(new Date("2020-01-01T00:00:00Z"), now)).toBe(Date.parse("2020-01-01T00:00:00Z"));
  });
});
