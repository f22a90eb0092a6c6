// Stripe and retention on a legal basis: retained invoices and charges (and whatever a job could
// reach through them) stay out of the redaction jobs; the customer is still deleted. Checked
// through the simulator's oracle and its redaction jobs.
import { describe, expect, it } from "vitest";
import { planRedaction } from "../../adapters/stripe/redaction-plan.js";
import { createOperationContext } from "../../src/testing/index.js";
import { start } from "./stripe-helpers.js";

const vera = { email: "vera@acme.test", name: "Vera Billing" };
const UNTIL = "2033-11-29T00:00:00.000Z";
const RETAIN = [{ types: ["invoice", "charge"], basis: "NL AWR art. 52", until: UNTIL }];

describe("stripe retention", () => {
  it("leaves retained invoices and charges out of the jobs, deletes the customer, and says what is kept until when", async () => {
    const sims = await start();
    await sims.seedSubject(vera, { records: 2 });
    const before = sims.oracle("stripe", vera);
    expect(before.byType.invoice?.live).toBeGreaterThan(0);
    const [adapter] = sims.adapters();
    expect(adapter!.capabilities.retainable).toEqual([
      "invoice",
      "charge",
      "payment_intent",
      "checkout.session",
    ]);
    const ctx = createOperationContext({ subject: vera, retain: RETAIN });
    const { refs } = await adapter!.locate(ctx.subject, ctx);
    const restricted = await adapter!.restrict!(refs, ctx);
    expect((restricted.undo as { jobs: string[] }).jobs).toEqual([]); // no job at all for this customer
    const deletion = await adapter!.delete(refs, ctx);
    expect(deletion.outcome).toBe("erased");
    expect(deletion.jobs ?? []).toEqual([]);
    const after = sims.oracle("stripe", vera);
    expect(after.byType.customer?.live ?? 0).toBe(0);
    expect(after.byType.invoice?.live).toBe(before.byType.invoice?.live);
    expect(after.byType.charge?.live).toBe(before.byType.charge?.live);
    const kept = (deletion.residual ?? []).filter((r) => r.reason === "legal_retention");
    expect(kept.map((r) => [r.type, r.count, r.basis, r.until])).toEqual(
      expect.arrayContaining([
        ["invoice", before.byType.invoice?.live, "NL AWR art. 52", UNTIL],
        ["charge", before.byType.charge?.live, "NL AWR art. 52", UNTIL],
      ]),
    );
    // What stays with them is said too, never claimed as erased.
    const withThem = (deletion.residual ?? []).filter((r) => r.reason === "not_covered");
    expect(withThem.every((r) => r.until === UNTIL)).toBe(true);
    const status = await adapter!.status(refs, deletion, ctx);
    expect(status.state).toBe("done");
    expect(status.residual).toEqual(deletion.residual);
  });

  it("without retention the same subject's documents all go to a job (the rule is what changes it)", async () => {
    const sims = await start();
    await sims.seedSubject(vera, { records: 2 });
    const [adapter] = sims.adapters();
    const ctx = createOperationContext({ subject: vera });
    const { refs } = await adapter!.locate(ctx.subject, ctx);
    const restricted = await adapter!.restrict!(refs, ctx);
    expect((restricted.undo as { jobs: string[] }).jobs.length).toBeGreaterThan(0);
  });

  it("plans around retained documents: no root from a customer holding one, other customers as usual", () => {
    const now = Math.floor(Date.parse("2027-06-01T00:00:00Z") / 1000);
    const old = now - 200 * 86_400;
    const holdings = [
      {
        customer: "cus_kept",
        live: true,
        documents: [
          { id: "in_1", object: "invoice", created: old },
          { id: "ch_1", object: "charge", created: old, payment_intent: "pi_1" },
          { id: "pi_1", object: "payment_intent", created: old },
        ],
      },
      {
        customer: "cus_other",
        live: true,
        documents: [{ id: "cs_1", object: "checkout.session", created: old }],
      },
    ];
    const plan = planRedaction(holdings as never, now, undefined, new Set(["invoice", "charge"]));
    expect(plan.jobs).toEqual([
      expect.objectContaining({ customers: ["cus_other"], invoices: [], charges: [] }),
    ]);
    expect(plan.retained).toEqual([
      { type: "invoice", count: 1 },
      { type: "charge", count: 1 },
    ]);
    expect(plan.keptWith).toEqual([
      { type: "payment_intent", count: 1 },
      { type: "customer", count: 1 },
    ]);
    expect(plan.documents).toBe(1);
  });
});
