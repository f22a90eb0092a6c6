/**
 * Conformance cases of integration scope (DESIGN §10.4, docs/tenants.md): a caller of the tenant
 * is seeded by the simulator (`seedIntegration`: the tenant's own contact and records, and the call
 * activities an integration wrote), and the adapter, called with `ctx.scope === "integration"`,
 * must find and erase the integration's records only. Effects are checked through the simulator's
 * `integrationOracle`, which counts the integration's records apart from the tenant's. Skipped,
 * saying why, for an adapter without integration scope or a simulator that does not model it.
 */
import { expect } from "vitest";
import type { OperationContext, RecordRef } from "../../adapter.js";
import type { IntegrationOracleView, SimCaller } from "../simulator.js";
import { type Harness, settle } from "./harness.js";
import type { CaseDefiner } from "./index.js";

/** Why the integration cases cannot run here, or `undefined` when they can. */
export function integrationUnsupported(h: Harness, simulatorModelsIt: boolean): string | undefined {
  if (!h.adapter.capabilities.integrationLookup) {
    return "the adapter has no integration scope (capabilities.integrationLookup)";
  }
  if (!simulatorModelsIt) return "the simulator does not model integration scope (seedIntegration)";
  return undefined;
}

export function integrationCases(h: Harness, test: CaseDefiner, simulatorModelsIt: boolean): void {
  const unsupported = () => integrationUnsupported(h, simulatorModelsIt);
  const timeout = h.options.verifyTimeoutMs ?? 10_000;
  let n = 0;
  // Fictitious UK numbers (Ofcom's drama range 020 7946 0xxx), one per case and transport.
  const caller = (): SimCaller => {
    n += 1;
    const transport = h.transport === "http" ? 1 : 2;
    return { phone: `+44 20 7946 0${transport}${String(n).padStart(2, "0")}`, name: `Caller ${n}` };
  };
  const sim = () => h.sims.simulator(h.factory.id);
  const seed = (c: SimCaller) => {
    const seeded = sim().seedIntegration?.(c, { calls: 3 });
    if (!seeded) throw new Error("the simulator has no seedIntegration");
    return seeded;
  };
  const oracle = (c: SimCaller): IntegrationOracleView => h.sims.integrationOracle(h.factory.id, c);

  const expectTenantKept = (before: IntegrationOracleView, after: IntegrationOracleView) => {
    expect(after.tenant, "the tenant's own records are untouched").toBe(before.tenant);
    const tenantBy = (v: IntegrationOracleView) =>
      Object.fromEntries(
        Object.entries(v.byType)
          .filter(([, c]) => c.tenant > 0)
          .map(([type, c]) => [type, c.tenant]),
      );
    expect(tenantBy(after)).toEqual(tenantBy(before));
  };

  const expectNoPii = (value: unknown, c: SimCaller) => {
    const text = JSON.stringify(value);
    const digits = c.phone.replace(/\D/g, "");
    expect(text.replace(/\D/g, " ").includes(digits), "the number in a result").toBe(false);
    expect(text.includes(c.name ?? "\u0000"), "the name in a result").toBe(false);
  };

  const erase = async (refs: readonly RecordRef[], ctx: OperationContext) => {
    const deletion = await h.adapter.delete(refs, ctx);
    for (const field of ["detail", "state", "jobs", "eta", "residual"] as const) {
      expectNoPii(deletion[field] ?? null, { phone: ctx.subject.phone ?? "+0000000000" });
    }
    const status = await settle(h.adapter, refs, deletion, ctx, timeout);
    expect(["done", "scheduled"], `status after delete (${status.detail ?? ""})`).toContain(status.state);
    expect(status.remaining).toBe(0);
    return deletion;
  };

  const expectAppliedOnce = () => {
    const twice = [...sim().destructiveApplications()].filter(([, k]) => k > 1).map(([key]) => key);
    expect(twice, "irreversible operations applied twice").toEqual([]);
  };

  test(
    "integration-erase",
    async () => {
      const c = caller();
      const seeded = seed(c);
      const before = oracle(c);
      expect(before.integration).toBeGreaterThan(0);
      expect(before.tenant).toBeGreaterThan(0);
      const ctx = h.callerContext(c, { ids: seeded.integrationIds });
      const { refs, coverage } = await h.adapter.locate(ctx.subject, ctx);
      expect(refs.length).toBeGreaterThan(0);
      expect(coverage?.searchedBy).toEqual(expect.arrayContaining(["phone", "id"]));
      expectNoPii(refs, c);
      await erase(refs, ctx);
      const after = oracle(c);
      expect(after.integration, "integration records left").toBe(0);
      expect(after.calls).toBe(0);
      expectTenantKept(before, after);
      // Again, as after a crash: nothing applied twice, nothing left to find.
      const again = h.callerContext(c, { ids: seeded.integrationIds, requestId: ctx.requestId, attempt: 2 });
      await erase(refs, again);
      expectAppliedOnce();
      expect((await h.adapter.locate(again.subject, again)).refs).toEqual([]);
      expectTenantKept(before, oracle(c));
    },
    unsupported(),
  );

  test(
    "integration-number",
    async () => {
      const c = caller();
      seed(c);
      const before = oracle(c);
      expect(before.calls).toBeGreaterThan(1);
      const ctx = h.callerContext(c);
      const { refs, coverage } = await h.adapter.locate(ctx.subject, ctx);
      expect(coverage?.searchedBy).toEqual(["phone"]);
      expect(refs.length).toBeGreaterThanOrEqual(before.calls);
      await erase(refs, ctx);
      const after = oracle(c);
      expect(after.calls, "calls the integration logged with the number").toBe(0);
      expectTenantKept(before, after);
    },
    unsupported(),
  );

  test(
    "integration-ids",
    async () => {
      const c = caller();
      const seeded = seed(c);
      const before = oracle(c);
      const first = seeded.integrationIds[0];
      expect(first).toBeDefined();
      const ctx = h.callerContext(undefined, { ids: [first as string] });
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      expect(refs).toHaveLength(1);
      await erase(refs, ctx);
      const after = oracle(c);
      expect(after.calls, "only the call given by id").toBe(before.calls - 1);
      expectTenantKept(before, after);
    },
    unsupported(),
  );

  test(
    "integration-foreign",
    async () => {
      const c = caller();
      const seeded = seed(c);
      expect(seeded.tenantIds.length).toBeGreaterThan(0);
      const ctx = h.callerContext(undefined, { ids: seeded.tenantIds });
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      expect(refs, "records the tenant entered are not the integration's").toEqual([]);
    },
    unsupported(),
  );

  test(
    "integration-unknown",
    async () => {
      const c = caller();
      const ctx = h.callerContext(c);
      const located = await h.adapter.locate(ctx.subject, ctx);
      expect(located.refs).toEqual([]);
      expect(located.coverage?.searchedBy).toEqual(["phone"]);
    },
    unsupported(),
  );
}
