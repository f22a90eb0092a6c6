// Invoices kept 7 years on a legal basis at Stripe and Chargebee, judged by the simulators'
// oracles on a shared clock: everything else erased now, the invoices on the day the retention ends.
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore, type RetentionRule } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";
import type { ChargebeeSimulator } from "../../src/testing/simulators/chargebee/index.js";

const DAY = 86_400_000;
const PERSON = { email: "vera.billing@acme.test", name: "Vera Billing" };
const SECRET = "retention-billing-secret-0123456789";
const NL = "NL AWR art. 52 (7 years)";
const RULES: RetentionRule[] = [
  { adapter: "stripe", types: ["invoice", "charge"], basis: NL, for: "7 years" },
  { adapter: "chargebee", types: ["invoice", "credit_note", "transaction"], basis: NL, for: "7 years" },
];

let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

function clock(start = Date.parse("2026-12-01T09:00:00Z")) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), set: (at: number) => (t = at) };
}

/** Works the request, moving the clock a little between rounds (provider jobs run on it). */
async function work(fanout: ReturnType<typeof createFanout>, id: string, c: ReturnType<typeof clock>) {
  for (let i = 0; i < 60; i++) {
    await fanout.drain();
    const s = await fanout.status(id);
    if (s.state === "completed" || s.state === "needs_attention") return s;
    c.advance(60_000);
  }
  return fanout.status(id);
}

describe("invoices kept 7 years at Stripe and Chargebee", () => {
  it("erases everything else now and the invoices on the day the retention ends", async () => {
    const c = clock();
    sims = await startSimulators({
      providers: ["stripe", "chargebee"],
      transport: "nock",
      pageSize: 5,
      now: c.now,
    });
    const ids = await sims.seedSubject(PERSON, { records: 3 });
    // Chargebee's oracle finds the subject by email, which a clear removes: count by customer id.
    const chargebee = sims.simulator("chargebee") as ChargebeeSimulator;
    const invoicesAtChargebee = () =>
      (ids.chargebee ?? []).reduce((n, id) => n + (chargebee.recordsOfCustomer(id).invoice ?? 0), 0);
    const seeded = { stripe: sims.oracle("stripe", PERSON), chargebeeInvoices: invoicesAtChargebee() };
    expect(seeded.stripe.byType.invoice?.live).toBeGreaterThan(0);
    expect(seeded.stripe.byType.charge?.live).toBeGreaterThan(0);
    expect(seeded.chargebeeInvoices).toBeGreaterThan(0);
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: SECRET,
      now: c.now,
      pollInterval: 1000,
      retention: RULES,
    });
    const req = await fanout.erase({ email: PERSON.email }, { reason: "account-closed" });
    const done = await work(fanout, req.id, c);
    expect(done.state, JSON.stringify(done.attention)).toBe("completed");

    // Now: the invoices and charges keep their data (Stripe: left out of the redaction jobs);
    // Chargebee cleared the customer instead of deleting it (delete would take the invoices).
    const stripeNow = sims.oracle("stripe", PERSON);
    expect(stripeNow.byType.customer?.live ?? 0).toBe(0);
    expect(stripeNow.byType.invoice?.live).toBe(seeded.stripe.byType.invoice?.live);
    expect(stripeNow.byType.charge?.live).toBe(seeded.stripe.byType.charge?.live);
    expect(sims.oracle("chargebee", PERSON).live).toBe(0); // the customer's personal fields are cleared
    expect(invoicesAtChargebee()).toBe(seeded.chargebeeInvoices);

    const receipt = await fanout.receipt(req.id);
    const kept = receipt.retention.kept;
    expect(kept.map((k) => `${k.adapter}:${k.type}`).sort()).toEqual(
      expect.arrayContaining(["chargebee:invoice", "stripe:charge", "stripe:invoice"]),
    );
    const until = kept[0]!.until;
    expect(kept.every((k) => k.until === until && k.basis === NL)).toBe(true);
    expect(until).toBe("2033-12-02T00:00:00.000Z"); // erasure began 1 December 2026
    expect(receipt.retention.followUps).toEqual([
      { requestId: expect.any(String), until, adapters: ["stripe", "chargebee"] },
    ]);
    const followUp = receipt.retention.followUps[0]!.requestId;

    // The day before the retention ends: still there.
    c.set(Date.parse(until) - DAY);
    await fanout.drain();
    expect(sims.oracle("stripe", PERSON).byType.invoice?.live).toBe(seeded.stripe.byType.invoice?.live);
    expect((await fanout.status(followUp)).state).toBe("waiting");

    // The day it ends: the follow-up erases them, by their ids alone.
    c.set(Date.parse(until));
    const erased = await work(fanout, followUp, c);
    expect(erased.state, JSON.stringify(erased.attention)).toBe("completed");
    const stripeLater = sims.oracle("stripe", PERSON);
    expect(stripeLater.byType.invoice?.live ?? 0).toBe(0);
    expect(stripeLater.byType.charge?.live ?? 0).toBe(0);
    expect(invoicesAtChargebee()).toBe(0);
    expect((await fanout.receipt(followUp)).retention.retentionOf).toBe(req.id);
  });
});
