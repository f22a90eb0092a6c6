// A retention sweep meets a retention rule (#16 × #17): an `inactive` sweep at Stripe files an
// erasure for a customer whose subscriptions ended long ago, and the fanout's rule keeps that
// customer's invoices and charges for 7 years; judged by the Stripe simulator's oracle on a shared
// clock. The other customers (recently active, still paying) are untouched.
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-01T09:00:00Z");
const SECRET = "sweep-retention-secret-0123456789";
const NL = "NL AWR art. 52 (7 years)";
const person = (name: string) => ({ email: `${name}@customers.test`, name: `Sweep ${name}` });

let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

describe("an inactive sweep at Stripe under a 7-year retention rule", () => {
  it("erases the closed customer, keeps its invoices and charges and schedules their erasure for when the retention ends", async () => {
    let t = NOW;
    const now = () => t;
    sims = await startSimulators({ providers: ["stripe"], transport: "nock", pageSize: 5, now });
    const closed = person("closed");
    await sims.seedSubject(closed, {
      records: 3,
      stage: "closed",
      createdAt: NOW - 900 * DAY,
      lastActivityAt: NOW - 200 * DAY,
    });
    await sims.seedSubject(person("recent"), {
      records: 1,
      stage: "closed",
      createdAt: NOW - 900 * DAY,
      lastActivityAt: NOW - 10 * DAY,
    });
    await sims.seedSubject(person("paying"), { records: 1, stage: "customer", createdAt: NOW - 900 * DAY });
    const seeded = sims.oracle("stripe", closed);
    expect(seeded.byType.invoice?.live).toBeGreaterThan(0);
    expect(seeded.byType.charge?.live).toBeGreaterThan(0);

    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: SECRET,
      now,
      pollInterval: 1000,
      retention: [{ adapter: "stripe", types: ["invoice", "charge"], basis: NL, for: "7 years" }],
    });
    const result = await fanout.sweep({ policy: "inactive", olderThan: "90d" });
    expect(result).toMatchObject({ found: 1, filed: 1 });
    const [request] = (await fanout.list()).items;
    for (let i = 0; i < 60; i++) {
      await fanout.drain();
      const s = await fanout.status(request!.id);
      if (s.state === "completed" || s.state === "needs_attention") break;
      t += 60_000;
    }
    const status = await fanout.status(request!.id);
    expect(status.state, JSON.stringify(status.attention)).toBe("completed");
    expect(status.deadline.basis).toBe("controller");

    // Oracle: the customer is gone, its invoices and charges are kept; the others are untouched.
    const after = sims.oracle("stripe", closed);
    expect(after.byType.customer?.live ?? 0).toBe(0);
    expect(after.byType.invoice?.live).toBe(seeded.byType.invoice?.live);
    expect(after.byType.charge?.live).toBe(seeded.byType.charge?.live);
    expect(sims.oracle("stripe", person("recent")).byType.customer?.live).toBe(1);
    expect(sims.oracle("stripe", person("paying")).byType.customer?.live).toBe(1);

    const receipt = await fanout.receipt(request!.id);
    expect(receipt.retention.kept.map((k) => k.type).sort()).toEqual(["charge", "invoice"]);
    expect(receipt.retention.followUps).toEqual([
      { requestId: expect.any(String), until: expect.any(String), adapters: ["stripe"] },
    ]);
    expect((await fanout.status(receipt.retention.followUps[0]!.requestId)).state).toBe("waiting");
  });
});
