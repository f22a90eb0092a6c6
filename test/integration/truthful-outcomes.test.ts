// Truthful outcomes against all seven provider simulators, judged by their oracles (DESIGN §10.1):
// a subject known only by phone, and Zoho's recycle bin across a 120-day window on a shared clock.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";

const DAY = 86_400_000;
const PERSON = { email: "rita.phone@acme.test", phone: "+44 20 7946 0321", name: "Rita Phone" };
const SECRET = "truthful-outcomes-secret-0123456789";

let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

/** A clock that tests move by hand, shared by the fanout and the simulators. */
function clock(start = Date.parse("2026-12-01T09:00:00Z")) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("a subject known only by phone, against all seven simulators", () => {
  it("no branch claims not_found, erased, anonymized or scheduled while its oracle shows live data", async () => {
    sims = await startSimulators({ transport: "nock", pageSize: 5, timeScale: 0.001 });
    await sims.seedSubject(PERSON, { records: 4 });
    const before = await sims.remaining(PERSON);
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: SECRET,
      pollInterval: 20,
    });
    const req = await fanout.erase({ phone: PERSON.phone }, { reason: "account-closed" });
    for (let i = 0; i < 400; i++) {
      await fanout.drain();
      const s = await fanout.status(req.id);
      if (s.state === "completed" || s.state === "needs_attention") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const status = await fanout.status(req.id);
    expect(status.state).toBe("completed");
    const after = await sims.remaining(PERSON);
    // Postmark cannot look a person up by phone: it says so instead of "not found".
    expect(status.branches.find((b) => b.adapter === "postmark")).toMatchObject({
      outcome: "manual_required",
      reasonCode: "NO_USABLE_IDENTIFIER",
    });
    expect(after.postmark).toBe(before.postmark);
    const claims = new Set(["not_found", "erased", "anonymized", "scheduled"]);
    for (const b of status.branches) {
      const live = after[b.adapter] ?? 0;
      if (b.outcome && claims.has(b.outcome)) {
        expect(
          live,
          `${b.adapter} says ${b.outcome} with ${live} live records (had ${before[b.adapter]})`,
        ).toBe(0);
      }
      // Every branch states what it searched, or that it could not search.
      if (b.reasonCode !== "NO_USABLE_IDENTIFIER")
        expect(b.coverage?.searchedBy, b.adapter).toContain("phone");
    }
    const receipt = await fanout.receipt(req.id).catch(() => null);
    if (receipt) expect(JSON.stringify(receipt)).not.toContain(PERSON.phone.replace(/\D/g, "").slice(-7));
  });
});

describe("Zoho's recycle bin across a 120-day retention window", () => {
  it("the data is intact on day 119 (renewed before the bin's 60 days), and erased by the library at the pivot", async () => {
    const c = clock();
    sims = await startSimulators({ providers: ["zoho"], transport: "nock", pageSize: 5, now: c.now });
    await sims.seedSubject(PERSON, { records: 3 });
    const seeded = sims.oracle("zoho", PERSON);
    const zoho = sims.adapters()[0] as SubprocessorAdapter;
    expect(zoho.capabilities.restrictionExpiresAfter).toBe("60d");
    const fanout = createFanout({ adapters: [zoho], store: memoryStore(), secret: SECRET, now: c.now });
    const req = await fanout.erase({ email: PERSON.email }, { after: "120d" });
    await fanout.drain();
    expect((await fanout.status(req.id)).branches[0]!.restriction.state).toBe("applied");
    for (let day = 1; day <= 119; day++) {
      c.advance(DAY);
      await fanout.drain();
      const view = sims.oracle("zoho", PERSON);
      // Restricted records wait in the bin (trashed), none destroyed by Zoho's purge.
      expect(view.live + view.trashed, `day ${day}`).toBe(seeded.live + seeded.trashed);
    }
    const waiting = await fanout.status(req.id);
    expect(waiting.state).toBe("waiting");
    expect(waiting.branches[0]!.restriction.renewals).toBe(2);
    c.advance(DAY);
    for (let i = 0; i < 10 && (await fanout.status(req.id)).state !== "completed"; i++) {
      await fanout.drain();
      c.advance(60_000);
    }
    const done = await fanout.status(req.id);
    expect(done.state).toBe("completed");
    expect(done.branches[0]!.outcome).toBe("erased");
    expect((await fanout.receipt(req.id)).branches[0]!.deleted).toBeGreaterThan(0);
    expect(sims.oracle("zoho", PERSON)).toMatchObject({ live: 0, trashed: 0 });
  });
});

describe("Zoho's recycle bin across a 365-day legal hold", () => {
  it("renewals keep the restricted records out of Zoho's purge for a whole year; release lets the erasure finish", async () => {
    const c = clock();
    sims = await startSimulators({ providers: ["zoho"], transport: "nock", pageSize: 5, now: c.now });
    await sims.seedSubject(PERSON, { records: 2 });
    const seeded = sims.oracle("zoho", PERSON);
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: SECRET,
      now: c.now,
    });
    const req = await fanout.erase({ email: PERSON.email });
    await fanout.hold(req.id, "police request 2026-118");
    await fanout.drain();
    expect((await fanout.status(req.id)).state).toBe("held");
    for (let day = 1; day <= 365; day++) {
      c.advance(DAY);
      await fanout.drain();
      const view = sims.oracle("zoho", PERSON);
      expect(view.live + view.trashed, `day ${day}`).toBe(seeded.live + seeded.trashed);
    }
    expect((await fanout.status(req.id)).branches[0]!.restriction.renewals).toBeGreaterThanOrEqual(6);
    await fanout.release(req.id);
    for (let i = 0; i < 10 && (await fanout.status(req.id)).state !== "completed"; i++) {
      await fanout.drain();
      c.advance(60_000);
    }
    expect((await fanout.status(req.id)).branches[0]!.outcome).toBe("erased");
    expect(sims.oracle("zoho", PERSON)).toMatchObject({ live: 0, trashed: 0 });
  });
});

describe("providers' purges checked after their ETAs, on a shared clock", () => {
  it.each([
    ["hubspot", "verified"],
    // Pipedrive's API does not show trashed persons: nothing live is left, the purge itself cannot be seen.
    ["pipedrive", "unverifiable"],
  ] as const)(
    "%s: scheduled, answered at once, then checked after the ETA: %s",
    async (provider, expected) => {
      const c = clock();
      sims = await startSimulators({ providers: [provider], transport: "nock", pageSize: 5, now: c.now });
      await sims.seedSubject(PERSON, { records: 3 });
      const fanout = createFanout({
        adapters: sims.adapters(),
        store: memoryStore(),
        secret: SECRET,
        now: c.now,
        pollInterval: 1000,
      });
      const req = await fanout.erase({ email: PERSON.email });
      for (let i = 0; i < 20 && (await fanout.status(req.id)).state !== "completed"; i++) {
        await fanout.drain();
        c.advance(60_000);
      }
      const answered = await fanout.status(req.id);
      expect(answered.state).toBe("completed");
      const branch = answered.branches[0]!;
      expect(branch.outcome).toBe("scheduled");
      expect(branch.purge?.state).toBe("pending");
      expect((await fanout.receipt(req.id)).deadlineMet).toBeNull();
      // Day by day past the ETA: the provider empties its trash/recycle bin on the shared clock.
      const eta = Date.parse(branch.purge!.dueBy);
      while (c.now() < eta + 2 * DAY) {
        c.advance(DAY);
        await fanout.drain();
      }
      const checked = await fanout.status(req.id);
      expect(checked.attention).toBeNull();
      expect(checked.state).toBe("completed");
      expect(checked.branches[0]!.purge?.state).toBe(expected);
      // The simulator did purge (its oracle sees the trash): the engine only claims what the adapter saw.
      expect(sims.oracle(provider, PERSON)).toMatchObject({ live: 0, trashed: 0 });
      const receipt = await fanout.receipt(req.id);
      if (expected === "verified") expect(receipt.purge.verifiedAt).not.toBeNull();
      else expect(receipt.purge).toMatchObject({ verifiedAt: null, unverifiable: [provider] });
      // Verified a day after a 30-day purge: past the 30-day due date, so not met. A purge that cannot
      // be observed, promised for the due date itself, cannot be shown either way: not claimed.
      expect(receipt.deadlineMet).toBe(expected === "verified" ? false : null);
    },
  );
});

describe("an export while an erasure of the same person waits", () => {
  it("includes the Zoho records the erasure moved to the recycle bin, instead of exporting none", async () => {
    const c = clock();
    sims = await startSimulators({ providers: ["zoho"], transport: "nock", pageSize: 5, now: c.now });
    await sims.seedSubject(PERSON, { records: 3 });
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: SECRET,
      now: c.now,
    });
    await fanout.erase({ email: PERSON.email }, { after: "90d" });
    await fanout.drain();
    const view = sims.oracle("zoho", PERSON);
    expect(view.live).toBe(0); // everything restricted: in Zoho's recycle bin
    expect(view.trashed).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), "gf-export-restricted-"));
    try {
      const exp = await fanout.export({ email: PERSON.email }, { to: join(dir, "pkg") });
      expect(exp.state).toBe("completed");
      const zoho = exp.manifest!.adapters.zoho!;
      expect(zoho.status).toBe("exported");
      expect(zoho.restricted).toBeGreaterThan(0);
      expect(zoho.records).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("includes them too while a restriction request (Art. 18) of the same person is in place", async () => {
    const c = clock();
    sims = await startSimulators({ providers: ["zoho"], transport: "nock", pageSize: 5, now: c.now });
    await sims.seedSubject(PERSON, { records: 3 });
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: SECRET,
      now: c.now,
    });
    const restriction = await fanout.restrict({ email: PERSON.email }, { reason: "accuracy contested" });
    await fanout.drain();
    expect((await fanout.status(restriction.id)).state).toBe("restricted");
    expect(sims.oracle("zoho", PERSON).live).toBe(0); // in Zoho's recycle bin
    const dir = mkdtempSync(join(tmpdir(), "gf-export-restricted-"));
    try {
      const exp = await fanout.export({ email: PERSON.email }, { to: join(dir, "pkg") });
      expect(exp.state).toBe("completed");
      const zoho = exp.manifest!.adapters.zoho!;
      expect(zoho.restricted).toBeGreaterThan(0);
      expect(zoho.records).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
