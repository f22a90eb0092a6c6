// A retention sweep meets a subject hold placed by email (Art. 17(3)(e)): the police or a court
// names a person, the sweep finds a CRM record or a customer by id. Each built-in adapter reports
// the record's email, so the sweep sees the hold before filing: the held person's records are not
// filed (counted `held`), the others are; once the hold is released a later sweep files them.
// Judged by the simulators' oracles and the store; the hold may predate a secret rotation.
import { afterEach, describe, expect, it } from "vitest";
import { monthsBefore } from "../../src/engine/sweep-cutoff.js";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";
import { clock, NOW, settleAll, sweepRequests } from "./sweep-helpers.js";

const CRMS = ["hubspot", "pipedrive", "zoho", "capsule"] as const;
const BILLING = ["stripe", "chargebee"] as const;
const OLD = "sweep-holds-old-secret-0123456789";
const NEW = "sweep-holds-new-secret-0123456789";
const TIME_SCALE = 0.001;
const DAY = 86_400_000;

let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

const person = (name: string) => ({ email: `${name}@people.test`, name: `Sweep ${name}` });

describe("a sweep and a subject hold placed by email", () => {
  it("prospect sweep: the held person's CRM records are not filed until the hold is released (hold placed before a secret rotation)", async () => {
    const c = clock();
    sims = await startSimulators({
      providers: [...CRMS],
      transport: "nock",
      pageSize: 3,
      timeScale: TIME_SCALE,
      now: c.now,
    });
    for (const name of ["held", "free"])
      await sims.seedSubject(person(name), {
        records: 1,
        stage: "prospect",
        createdAt: monthsBefore(NOW, 30),
      });
    const before = { held: await sims.remaining(person("held")), free: await sims.remaining(person("free")) };
    const store = memoryStore();
    const options = {
      adapters: sims.adapters(),
      store,
      now: c.now,
      pollInterval: 10,
      retry: { initialInterval: 10 },
    };
    // The hold is placed under the old secret; the sweep runs after a rotation.
    const old = createFanout({ ...options, secret: OLD });
    const hold = await old.holdSubject(
      { email: person("held").email },
      { reason: "police request", reference: "POL-2026-118" },
    );
    const fanout = createFanout({ ...options, secret: NEW, previousSecrets: [OLD] });

    const dry = await fanout.sweep({ policy: "prospect", olderThan: "24mo", dryRun: true });
    for (const crm of CRMS) expect(dry.adapters[crm], crm).toMatchObject({ found: 2, held: 1, unchecked: 0 });
    expect(dry.adapters.hubspot!.fingerprints).toHaveLength(1);

    const events: unknown[] = [];
    fanout.on("*", (e) => events.push(e));
    const result = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    for (const crm of CRMS)
      expect(result.adapters[crm], crm).toMatchObject({
        state: "completed",
        found: 2,
        filed: 1,
        held: 1,
        unchecked: 0,
      });
    expect(result).toMatchObject({ held: 4, unchecked: 0, filed: 4 });
    expect(events.find((e) => (e as { type: string }).type === "sweep.completed")).toMatchObject({
      held: 4,
      unchecked: 0,
    });
    // Nothing stored, logged or emitted names the person.
    expect(JSON.stringify([events, await store.listSweeps!(), result])).not.toMatch(/people\.test/);

    const filed = await sweepRequests(store);
    expect(filed).toHaveLength(4);
    // The filed requests carry the record id alone, never the email.
    for (const r of filed) expect((await fanout.status(r.id)).subject).not.toBe(hold.subject);
    expect(
      (
        await settleAll(
          fanout,
          c,
          filed.map((r) => r.id),
        )
      ).every((s) => s === "completed"),
    ).toBe(true);
    // Oracles: the free person is gone everywhere, the held person untouched everywhere.
    const afterFirst = {
      held: await sims.remaining(person("held")),
      free: await sims.remaining(person("free")),
    };
    for (const crm of CRMS) {
      expect(afterFirst.free[crm], `free in ${crm}`).toBe(0);
      expect(afterFirst.held[crm], `held in ${crm}`).toBe(before.held[crm]);
    }

    // Still held: nothing more is filed. Released: the next sweep files the held person's records.
    expect(await fanout.sweep({ policy: "prospect", olderThan: "24mo" })).toMatchObject({
      filed: 0,
      held: 4,
    });
    await fanout.releaseHold(hold.id);
    const again = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(again).toMatchObject({ found: 4, filed: 4, held: 0 });
    const later = (await sweepRequests(store)).filter((r) => !filed.some((f) => f.id === r.id));
    expect(later).toHaveLength(4);
    expect(
      (
        await settleAll(
          fanout,
          c,
          later.map((r) => r.id),
        )
      ).every((s) => s === "completed"),
    ).toBe(true);
    const afterRelease = await sims.remaining(person("held"));
    for (const crm of CRMS) expect(afterRelease[crm], `held in ${crm} after release`).toBe(0);
  });

  it("inactive sweep: a closed customer held by email keeps its Stripe and Chargebee accounts", async () => {
    const c = clock();
    sims = await startSimulators({
      providers: [...BILLING],
      transport: "nock",
      pageSize: 5,
      timeScale: TIME_SCALE,
      now: c.now,
    });
    for (const name of ["held", "free"])
      await sims.seedSubject(person(name), {
        records: 1,
        stage: "closed",
        createdAt: NOW - 900 * DAY,
        lastActivityAt: NOW - 200 * DAY,
      });
    const store = memoryStore();
    const fanout = createFanout({
      adapters: sims.adapters(),
      store,
      secret: NEW,
      now: c.now,
      pollInterval: 1000,
    });
    await fanout.holdSubject({ email: person("held").email }, { reason: "litigation", reference: "CASE-7" });
    const result = await fanout.sweep({ policy: "inactive", olderThan: "90d" });
    for (const b of BILLING) {
      const part = result.adapters[b]!;
      expect(part.held, b).toBeGreaterThan(0);
      expect(part.filed, b).toBe(part.found - part.held);
      expect(part.unchecked, b).toBe(0);
    }
    const filed = await sweepRequests(store);
    expect(
      (
        await settleAll(
          fanout,
          c,
          filed.map((r) => r.id),
        )
      ).every((s) => s === "completed"),
    ).toBe(true);
    for (const b of BILLING) {
      expect(sims.oracle(b, person("held")).byType.customer?.live, `held at ${b}`).toBeGreaterThan(0);
      expect(sims.oracle(b, person("free")).byType.customer?.live ?? 0, `free at ${b}`).toBe(0);
    }
  });
});
