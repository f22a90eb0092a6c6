// Retention where the kept records are not refs of their own: a billing provider keeps a customer's
// invoices under the customer it was asked to delete (Chargebee clears the customer but keeps its
// invoices; Stripe's redaction would reach them through the customer). The adapter reports them as
// `legal_retention` residuals; the engine must then hand the customer refs it gave delete to the
// follow-up erasure, so that on the day the retention ends the follow-up can reach the invoices by
// id — and only then, when the adapter really kept something.
import { describe, expect, it } from "vitest";
import { createFanout, defineAdapter, memoryStore, type RetentionRule } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { EMAIL, SECRET } from "./helpers.js";

const RULE: RetentionRule = {
  adapter: "billing",
  types: ["invoice"],
  basis: "NL AWR art. 52",
  for: "7 years",
};

function billing(keeps: boolean) {
  const deleted: string[][] = [];
  const adapter = defineAdapter({
    id: "billing",
    capabilities: { lookup: ["email"], retainable: ["invoice"] },
    async locate() {
      return {
        refs: [
          { type: "customer", id: "cus_1" },
          { type: "customer", id: "cus_2" },
        ],
        coverage: { searchedBy: ["email"], types: ["customer", "invoice"] },
      };
    },
    export: async () => ({ records: [] }),
    async delete(refs, ctx) {
      deleted.push(refs.map((r) => r.id));
      const kept = keeps ? (ctx.retain ?? []) : [];
      return {
        outcome: "erased",
        deleted: refs.length,
        residual: kept.map((r) => ({
          type: "invoice",
          count: 3,
          reason: "legal_retention" as const,
          basis: r.basis,
          until: r.until,
          detail: `3 invoices kept on a legal basis until ${r.until}`,
        })),
      };
    },
    async status() {
      return { state: "done", remaining: 0 };
    },
  });
  return { adapter, deleted };
}

async function eraseWith(keeps: boolean) {
  const clock = fakeClock();
  const provider = billing(keeps);
  const store = memoryStore();
  const fanout = createFanout({
    adapters: [provider.adapter],
    store,
    secret: SECRET,
    now: clock.now,
    retention: [RULE],
  });
  const req = await fanout.erase({ email: EMAIL });
  for (let i = 0; i < 10 && (await fanout.status(req.id)).state !== "completed"; i++) await fanout.drain();
  return { fanout, store, req, provider };
}

describe("records an adapter keeps under the refs it was given", () => {
  it("go to the follow-up with those refs, which erases them by id when the retention ends", async () => {
    const { fanout, store, req } = await eraseWith(true);
    const receipt = await fanout.receipt(req.id);
    expect(receipt.retention.kept).toMatchObject([{ adapter: "billing", type: "invoice", count: 3 }]);
    expect(receipt.retention.followUps).toHaveLength(1);
    const followUp = (await store.getBranches(receipt.retention.followUps[0]!.requestId))[0]!;
    expect(followUp.data.located).toBe(2);
    await fanout.close();
  });

  it("stay out of any follow-up when the adapter kept nothing", async () => {
    const { fanout, req, provider } = await eraseWith(false);
    const receipt = await fanout.receipt(req.id);
    expect(receipt.retention.kept).toEqual([]);
    expect(receipt.retention.followUps).toEqual([]);
    expect(provider.deleted).toEqual([["cus_1", "cus_2"]]);
    await fanout.close();
  });
});
