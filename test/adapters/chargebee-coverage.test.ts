/**
 * What the Chargebee adapter covers and what it reports as remaining: the coverage of a locate,
 * phone lookup in the forms a customer's number may be stored in, the invoices, credit notes and
 * transactions Chargebee keeps after clearing personal data, and a restriction that cannot be
 * undone because the subscription's term ended during the wait — each checked against the
 * simulator's state.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Residual } from "../../src/adapter.js";
import { closers, DAY, EMAIL, harness as start, statuses } from "./chargebee-harness.js";

const TYPES = [
  "customer",
  "contact",
  "subscription",
  "invoice",
  "credit_note",
  "transaction",
  "payment_source",
  "comment",
];

afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

const find = (residual: readonly Residual[] | undefined, type: string) =>
  (residual ?? []).find((r) => r.type === type);

for (const transport of ["http", "nock"] as const) {
  const harness = (...args: Parameters<typeof start> extends [unknown, ...infer R] ? R : never) =>
    start(transport, ...args);

  describe(`chargebee coverage over ${transport}`, () => {
    it("states what each locate searched: identifier kinds actually used, record types covered", async () => {
      const h = await harness({}, {}, 3, { email: EMAIL, phone: "+44 20 7946 0123" });
      const cases = [
        { subject: { email: EMAIL }, searchedBy: ["email"] },
        { subject: { email: EMAIL, ids: { chargebee: [h.ids[0] as string] } }, searchedBy: ["id", "email"] },
        { subject: { phone: "+442079460123" }, searchedBy: ["phone"] },
        { subject: { email: EMAIL, phone: "+442079460123" }, searchedBy: ["email", "phone"] },
      ];
      for (const { subject, searchedBy } of cases) {
        const ctx = h.ctx("req_cov", subject);
        const { refs, coverage } = await h.adapter.locate(ctx.subject, ctx);
        expect(coverage, JSON.stringify(subject)).toEqual({ searchedBy, types: TYPES });
        expect(refs.map((r) => r.id).sort()).toEqual([...h.ids].sort());
      }
      // The records behind the refs found by phone alone are the oracle's.
      const byPhone = h.ctx("req_cov", { phone: "+442079460123" });
      const exported = await h.adapter.export(
        (await h.adapter.locate(byPhone.subject, byPhone)).refs,
        byPhone,
      );
      expect(exported.records.length).toBe(h.sim.oracle({ email: EMAIL }).live);
      expect(h.adapter.capabilities.lookup).toEqual(["email", "phone", "id"]);
    });

    it("finds customers by phone in every stored form (national, spaced, 00) and nothing else", async () => {
      const h = await harness({}, {}, 1, { email: "someone.else@acme.test", phone: "+44 20 7946 0998" });
      const stored = ["020 7946 0999", "+44 20 7946 0999", "00442079460999"];
      const owners = stored.map((_phone, i) => `phone.form.${i}@acme.test`);
      const ids = stored.flatMap((phone, i) =>
        h.sim.seed({ email: owners[i] as string, phone }, { records: 1 }),
      );
      const filters: string[] = [];
      h.fault = (request) => {
        if (request.path.endsWith("/customers")) {
          filters.push(...[...request.query.keys()].filter((k) => k.includes("[")));
        }
        return undefined;
      };
      const ctx = h.ctx("req_phone", { phone: "+44 20 7946 0999" });
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      expect(refs.map((r) => r.id).sort()).toEqual([...ids].sort());
      expect(new Set(filters)).toEqual(new Set(["phone[is]"]));
      const exported = await h.adapter.export(refs, ctx);
      const live = owners.reduce((n, email) => n + h.sim.oracle({ email }).live, 0);
      expect(exported.records.length).toBe(live);
      // Cleared and verified by phone: no customer with the number is left.
      const result = await h.adapter.delete(refs, ctx);
      expect(result.outcome).toBe("anonymized");
      for (const email of owners) expect(h.sim.oracle({ email }).live).toBe(0);
      expect(await h.adapter.status(refs, result, ctx)).toMatchObject({ state: "done", remaining: 0 });
    });

    it("reports the invoices, credit notes and transactions Chargebee keeps after clearing", async () => {
      const h = await harness();
      const ctx = h.ctx("req_kept");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      const result = await h.adapter.delete(refs, ctx);
      expect(result.outcome).toBe("anonymized");
      expect(h.sim.oracle({ email: EMAIL }).live).toBe(0);
      // The simulator still holds them, linked to the cleared customers: exactly what is reported.
      const held: Record<string, number> = {};
      for (const id of h.ids) {
        for (const [kind, n] of Object.entries(h.sim.recordsOfCustomer(id)))
          held[kind] = (held[kind] ?? 0) + n;
      }
      for (const type of ["invoice", "credit_note", "transaction"]) {
        expect(held[type], type).toBeGreaterThan(0);
        expect(find(result.residual, type), type).toMatchObject({
          count: held[type],
          reason: "provider_retains",
        });
      }
      expect(result.residual).toHaveLength(3);
      expect(JSON.stringify(result.residual)).not.toContain(EMAIL);
      // A re-run reports the same, and status keeps it.
      const again = await h.adapter.delete(refs, h.ctx("req_kept"));
      expect(again.residual).toEqual(result.residual);
      expect((await h.adapter.status(refs, result, ctx)).residual).toEqual(result.residual);
    });

    it("reports no kept records when whole customers are deleted", async () => {
      const h = await harness({}, { deleteMode: "delete" });
      const ctx = h.ctx("req_gone");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      const result = await h.adapter.delete(refs, ctx);
      expect(result.residual).toBeUndefined();
      h.advance(4 * 60_000);
      for (const id of h.ids) expect(h.sim.recordsOfCustomer(id)).toEqual({});
    });

    it("says what it could not undo when a restricted subscription's term ended during the wait", async () => {
      const h = await harness();
      const ctx = h.ctx("req_wait");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      const before = statuses(h);
      const restricted = await h.adapter.restrict?.(refs, ctx);
      expect(restricted?.restricted).toBe(5);
      // 21 days on, every term has ended: Chargebee cancelled the non-renewing subscriptions (the
      // customer's own and the five restricted), so all of them are cancelled now.
      h.advance(21 * DAY);
      const ended = statuses(h).filter((s) => s.endsWith(":cancelled"));
      expect(ended).toHaveLength(before.length);
      const result = await h.adapter.unrestrict?.(refs, restricted?.undo, ctx);
      expect(result).toEqual({
        notUndone: [expect.objectContaining({ type: "subscription", count: 5, reason: "not_covered" })],
      });
      // Nothing was brought back: the subscriptions stay cancelled, none restricted any more.
      expect(statuses(h).filter((s) => s.endsWith(":cancelled"))).toEqual(ended);
      expect(h.sim.oracle({ email: EMAIL }).restricted).toBe(0);
      // Asked again (a retried compensation), it says the same.
      expect(await h.adapter.unrestrict?.(refs, restricted?.undo, ctx)).toEqual(result);
    });

    it("undoes what it still can and reports the rest when the undo record was lost", async () => {
      const h = await harness();
      const ctx = h.ctx("req_lost");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      await h.adapter.restrict?.(refs, ctx);
      h.advance(21 * DAY);
      const result = await h.adapter.unrestrict?.(refs, undefined, h.ctx("req_lost"));
      expect(result).toEqual({
        notUndone: [expect.objectContaining({ type: "subscription", count: 5, reason: "not_covered" })],
      });
    });

    it("reports nothing when the restriction is undone before the term ends", async () => {
      const h = await harness();
      const ctx = h.ctx("req_quick");
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      const before = statuses(h);
      const restricted = await h.adapter.restrict?.(refs, ctx);
      h.advance(DAY);
      expect(await h.adapter.unrestrict?.(refs, restricted?.undo, ctx)).toEqual({});
      expect(statuses(h)).toEqual(before);
    });
  });
}
