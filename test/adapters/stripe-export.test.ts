// Stripe access export: every kind of object the simulator holds for the subject is exported,
// across pages, and matches the oracle type by type.
import { describe, expect, it } from "vitest";
import { createOperationContext } from "../../src/testing/index.js";
import { start } from "./stripe-helpers.js";

const jane = { email: "jane@acme.test", name: "Jane Doe" };

describe("stripe export", () => {
  it("covers payment and setup intents, Checkout Sessions, quotes, refunds, disputes with their files, schedules", async () => {
    const sims = await start();
    await sims.seedSubject(jane, { records: 8 });
    const [adapter] = sims.adapters();
    const ctx = createOperationContext({ subject: jane });
    const { refs } = await adapter!.locate(ctx.subject, ctx);
    const before = sims.calls("stripe").length;
    const { records } = await adapter!.export(refs, ctx);
    const oracle = sims.oracle("stripe", jane);
    const exported: Record<string, number> = {};
    for (const r of records) exported[r.type] = (exported[r.type] ?? 0) + 1;
    const live = Object.fromEntries(
      Object.entries(oracle.byType)
        .filter(([, v]) => v.live > 0)
        .map(([type, v]) => [type, v.live]),
    );
    expect(exported).toEqual(live);
    for (const type of [
      "payment_intent",
      "setup_intent",
      "checkout.session",
      "quote",
      "refund",
      "dispute",
      "file",
      "subscription_schedule",
    ]) {
      expect(exported[type], type).toBeGreaterThan(0);
    }
    // The evidence file is listed with its name and purpose (its content is not downloaded).
    expect(records.find((r) => r.type === "file")?.data).toMatchObject({ purpose: "dispute_evidence" });
    // Paginated (page size 2): the new lists were read across pages.
    const calls = sims.calls("stripe").slice(before);
    for (const path of ["/v1/payment_intents", "/v1/setup_intents", "/v1/checkout/sessions", "/v1/quotes"]) {
      expect(calls.filter((c) => c.path === path).length, path).toBeGreaterThanOrEqual(3);
    }
    expect(calls.every((c) => c.status < 400)).toBe(true);
  });
});
