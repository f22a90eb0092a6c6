// Stripe lookup: by phone (Search API), by email as given (case-sensitive filter), deleted
// customers given by id (tombstones), and the coverage each locate reports. Effects are checked
// through the simulator's oracle.
import { describe, expect, it } from "vitest";
import { stripeAdapter } from "../../adapters/stripe/index.js";
import { isFanoutError } from "../../src/errors.js";
import { createOperationContext } from "../../src/testing/index.js";
import { erased, raw, settled, start } from "./stripe-helpers.js";

describe("stripe lookup by phone", () => {
  it("finds customers by phone in the forms Stripe may hold, and erases them", async () => {
    const sims = await start();
    const international = { email: "ann@acme.test", phone: "+44 20 7946 0000" };
    const national = { email: "ann.work@acme.test", phone: "020 7946 0000" };
    const a = await sims.seedSubject(international, { records: 2 });
    const b = await sims.seedSubject(national, { records: 2 });
    await sims.seedSubject({ email: "other@acme.test", phone: "+44 20 7946 0001" }, { records: 1 });
    const [adapter] = sims.adapters();
    expect(adapter!.capabilities.lookup).toEqual(["email", "phone", "id"]);

    const ctx = createOperationContext({ subject: { phone: "+442079460000" } });
    const located = await adapter!.locate(ctx.subject, ctx);
    expect(located.refs.map((r) => r.id).sort()).toEqual([...(a.stripe ?? []), ...(b.stripe ?? [])].sort());
    expect(located.coverage?.searchedBy).toEqual(["phone"]);
    expect(located.coverage?.types).toEqual(
      expect.arrayContaining(["customer", "charge", "invoice", "dispute"]),
    );
    const search = sims.calls("stripe").filter((c) => c.path === "/v1/customers/search");
    expect(search.length).toBeGreaterThan(0);

    const { status } = await erased(sims, { phone: "+442079460000" });
    // The search index still lists the deleted customers for a minute: status re-reads them by id.
    expect(status.state).toBe("done");
    expect(sims.oracle("stripe", international).live).toBe(0);
    expect(sims.oracle("stripe", national).live).toBe(0);
    expect(sims.oracle("stripe", "other@acme.test").live).toBeGreaterThan(0);
  });

  it("with phoneSearch: false neither declares nor searches phone", async () => {
    const sims = await start();
    await sims.seedSubject({ email: "bo@acme.test", phone: "+44 20 7946 0002" }, { records: 1 });
    const adapter = stripeAdapter({ ...(sims.options.stripe as { apiKey: string }), phoneSearch: false });
    expect(adapter.capabilities.lookup).toEqual(["email", "id"]);
    const ctx = createOperationContext({ subject: { phone: "+442079460002" } });
    const located = await adapter.locate(ctx.subject, ctx);
    expect(located).toEqual({ refs: [], coverage: expect.objectContaining({ searchedBy: [] }) });
    expect(sims.calls("stripe").filter((c) => c.path === "/v1/customers/search")).toEqual([]);
  });
});

describe("stripe lookup by phone: errors", () => {
  it("an error echoing the search query carries none of the number's forms", async () => {
    const client = {
      customers: {
        search: async (params: { query: string }) => {
          throw Object.assign(new Error(`Invalid query: ${params.query}`), {
            type: "StripeInvalidRequestError",
            statusCode: 400,
          });
        },
      },
    };
    const adapter = stripeAdapter({ apiKey: "sk_test_abc123", client: client as never });
    const ctx = createOperationContext({ subject: { phone: "+44 20 7946 0000" } });
    const error = await adapter.locate(ctx.subject, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    const text = JSON.stringify(error) + String((error as Error).message);
    expect(isFanoutError(error, "VALIDATION")).toBe(true);
    for (const form of [
      "+442079460000",
      "+44 20 7946 0000",
      "020 7946 0000",
      "00442079460000",
      "2079460000",
    ]) {
      expect(text).not.toContain(form);
    }
  });
});

describe("stripe lookup by email", () => {
  it("searches the address as given as well as lower-cased (Stripe's filter is case-sensitive)", async () => {
    const sims = await start();
    const stored = { email: "Jane.Doe@Acme.test" };
    const ids = await sims.seedSubject(stored, { records: 1 });
    const get = raw(sims);
    const count = async (email: string) =>
      ((await get("GET", `/v1/customers?email=${encodeURIComponent(email)}`)).body.data as unknown[]).length;
    expect(await count("jane.doe@acme.test")).toBe(0);
    expect(await count("Jane.Doe@Acme.test")).toBe(1);

    const [adapter] = sims.adapters();
    const asGiven = createOperationContext({ subject: { email: "Jane.Doe@Acme.test" } });
    const located = await adapter!.locate(asGiven.subject, asGiven);
    expect(located.refs.map((r) => r.id)).toEqual(ids.stripe);
    expect(located.coverage?.searchedBy).toEqual(["email"]);
    // Typed in another case, the address cannot be found: Stripe has no case-insensitive filter.
    const lower = createOperationContext({ subject: { email: "jane.doe@acme.test" } });
    expect((await adapter!.locate(lower.subject, lower)).refs).toEqual([]);

    const { status } = await erased(sims, { email: "Jane.Doe@Acme.test" });
    expect(status.state).toBe("done");
    expect(sims.oracle("stripe", stored).live).toBe(0);
  });
});

describe("stripe deleted customers (tombstones)", () => {
  it("a deleted customer given by id is located, exported and redacted", async () => {
    const sims = await start();
    const jane = { email: "jane@acme.test", name: "Jane Doe" };
    const ids = await sims.seedSubject(jane, { records: 2 });
    const customer = ids.stripe?.[0] ?? "";
    // Deleted earlier, outside the library: the billing documents keep Jane's details.
    expect((await raw(sims)("DELETE", `/v1/customers/${customer}`)).status).toBe(200);
    const before = sims.oracle("stripe", jane);
    expect(before.byType.customer?.live).toBe(0);
    expect(before.byType.charge?.live).toBe(2);
    expect(before.live).toBeGreaterThan(0);

    const [adapter] = sims.adapters();
    const byEmail = createOperationContext({ subject: { email: jane.email } });
    expect((await adapter!.locate(byEmail.subject, byEmail)).refs).toEqual([]);
    const ctx = createOperationContext({ subject: { email: jane.email, ids: { stripe: customer } } });
    const located = await adapter!.locate(ctx.subject, ctx);
    expect(located.refs).toEqual([{ type: "customer", id: customer }]);
    expect(located.coverage?.searchedBy).toEqual(["email", "id"]);

    const exported = await adapter!.export(located.refs, ctx);
    const count = (type: string) => exported.records.filter((r) => r.type === type).length;
    for (const type of ["charge", "invoice", "payment_intent", "checkout.session", "dispute", "file"]) {
      expect(count(type), type).toBe(before.byType[type]?.live ?? 0);
    }
    expect(exported.records.find((r) => r.type === "customer")?.data).toEqual({
      id: customer,
      object: "customer",
      deleted: true,
    });

    await adapter!.restrict!(located.refs, ctx);
    const deletion = await adapter!.delete(located.refs, ctx);
    expect(deletion.outcome).toBe("erased");
    const status = await settled(adapter!, located.refs, deletion, ctx);
    expect(status.state).toBe("done");
    expect(sims.oracle("stripe", jane).live).toBe(0);
    expect([...sims.simulator("stripe").destructiveApplications().values()].every((n) => n === 1)).toBe(true);
    // Once redacted, nothing of the subject is left to find.
    expect((await adapter!.locate(ctx.subject, ctx)).refs).toEqual([]);
  });
});
