/**
 * Chargebee and retention on a legal basis: `clear_personal_data` keeps invoices, credit notes and
 * transactions, `delete` takes them with the customer. Records a request retains are therefore
 * cleared around, even with `deleteMode: "delete"`; their follow-up erasure deletes the customer.
 * Checked against the simulator's records per customer.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createOperationContext } from "../../src/testing/context.js";
import { closers, DAY, EMAIL, harness } from "./chargebee-harness.js";

afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

const UNTIL = "2033-11-29T00:00:00.000Z";
const RETAIN = [{ types: ["invoice", "credit_note"], basis: "NL AWR art. 52", until: UNTIL }];

describe("chargebee retention", () => {
  it("clears instead of deleting when invoices are retained, even with deleteMode delete; reports them as kept on the basis", async () => {
    const h = await harness("nock", {}, { deleteMode: "delete" }, 4);
    const before = h.ids.map((id) => h.sim.recordsOfCustomer(id));
    expect(before.some((r) => (r.invoice ?? 0) > 0)).toBe(true);
    const ctx = createOperationContext({
      subject: { email: EMAIL },
      requestId: "req_keep",
      now: () => new Date(Date.parse("2026-11-28T10:00:00Z")),
      retain: RETAIN,
    });
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const deletion = await h.adapter.delete(refs, ctx);
    expect(deletion.outcome).toBe("anonymized");
    h.advance(DAY); // a deleted customer would be purged with its invoices by now
    const after = h.ids.map((id) => h.sim.recordsOfCustomer(id));
    expect(after.map((r) => r.invoice ?? 0)).toEqual(before.map((r) => r.invoice ?? 0));
    expect(h.sim.oracle({ email: EMAIL }).live).toBe(0); // personal fields cleared
    const invoices = before.reduce((n, r) => n + (r.invoice ?? 0), 0);
    const kept = deletion.residual?.find((r) => r.type === "invoice");
    expect(kept).toEqual({
      type: "invoice",
      count: invoices,
      reason: "legal_retention",
      basis: "NL AWR art. 52",
      until: UNTIL,
      detail: expect.stringContaining("on a legal basis (NL AWR art. 52) until 2033-11-29"),
    });
    // A type the rule does not name is still Chargebee's own retention.
    const transactions = deletion.residual?.find((r) => r.type === "transaction");
    if (transactions) expect(transactions.reason).toBe("provider_retains");

    // Seven years later, the follow-up erasure (retention ended) deletes the customers and what they kept.
    h.advance(7 * 365 * DAY);
    // As the engine builds it: no identifier of the subject is kept for seven years, only record ids.
    const followUp = {
      ...createOperationContext({
        subject: { ids: { chargebee: h.ids } },
        requestId: "req_followup",
        now: () => new Date(Date.parse(UNTIL)),
        retentionEnded: ["invoice", "credit_note"],
      }),
      subject: { ids: {} },
    };
    const second = await h.adapter.delete(refs, followUp);
    expect(second.outcome).toBe("erased");
    h.advance(DAY);
    const status = await h.adapter.status(refs, second, followUp);
    expect(status.state).toBe("done");
    for (const id of h.ids) expect(h.sim.recordsOfCustomer(id)).toEqual({});
  });

  it("deleteModeFor: the configured mode unless a retention decides", async () => {
    const { deleteModeFor } = await import("../../adapters/chargebee/erase.js");
    const settings = {
      deleteMode: "delete" as const,
      productCatalog: "2.0" as const,
      retentionMs: undefined,
    };
    const ctx = (extra: object) => ({ ...createOperationContext({ subject: { email: EMAIL } }), ...extra });
    expect(deleteModeFor(settings, ctx({}))).toBe("delete");
    expect(deleteModeFor(settings, ctx({ retain: RETAIN }))).toBe("clear_personal_data");
    expect(deleteModeFor({ ...settings, deleteMode: "clear_personal_data" }, ctx({}))).toBe(
      "clear_personal_data",
    );
    expect(
      deleteModeFor({ ...settings, deleteMode: "clear_personal_data" }, ctx({ retentionEnded: ["invoice"] })),
    ).toBe("delete");
  });
});
