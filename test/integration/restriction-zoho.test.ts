// Art. 18 restriction against Zoho's simulator on a shared clock: the restriction puts records in
// Zoho's recycle bin, which Zoho empties after 60 days; a restriction request that stays open for
// 150 days keeps them intact by renewing, and lifting restores them.
import { afterEach, describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";

const DAY = 86_400_000;
const PERSON = { email: "rosa.restrict@acme.test", name: "Rosa Restrict" };

let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

describe("a restriction request at Zoho across 150 days", () => {
  it("nothing is destroyed by the bin while it stays restricted; lifting restores the records", async () => {
    let t = Date.parse("2026-12-01T09:00:00Z");
    const now = () => t;
    sims = await startSimulators({ providers: ["zoho"], transport: "nock", pageSize: 5, now });
    await sims.seedSubject(PERSON, { records: 3 });
    const seeded = sims.oracle("zoho", PERSON);
    const zoho = sims.adapters()[0] as SubprocessorAdapter;
    const fanout = createFanout({
      adapters: [zoho],
      store: memoryStore(),
      secret: "zoho-restrict-0123456789",
      now,
    });
    const req = await fanout.restrict({ email: PERSON.email }, { reason: "accuracy contested" });
    await fanout.drain();
    expect((await fanout.status(req.id)).state).toBe("restricted");
    for (let day = 1; day <= 150; day++) {
      t += DAY;
      await fanout.drain();
      const view = sims.oracle("zoho", PERSON);
      expect(view.live + view.trashed, `day ${day}`).toBe(seeded.live + seeded.trashed);
    }
    const status = await fanout.status(req.id);
    expect(status.state).toBe("restricted");
    expect(status.branches[0]!.restriction.renewals).toBeGreaterThanOrEqual(2);
    await fanout.lift(req.id, {
      reason: "accuracy verified",
      subjectInformedAt: t - DAY,
      informedBy: "email",
    });
    await fanout.drain();
    expect((await fanout.status(req.id)).state).toBe("lifted");
    expect(sims.oracle("zoho", PERSON)).toMatchObject({ live: seeded.live, trashed: seeded.trashed });
  });
});
