// Tenants and integration scope in the engine (DESIGN §10.4), on a fake CRM with one account per
// tenant: every request runs with its own tenant's adapters, the store keeps the tenant id only,
// and an integration-scope request erases only what the integration wrote.
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../../src/engine/rate-limiter.js";
import {
  createFanout,
  type FanoutOptions,
  isFanoutError,
  memoryStore,
  type SubprocessorAdapter,
  verifyReceipt,
} from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { TenantCrm } from "./tenant-crm.js";

const SECRET = "tenant-test-secret-0123456789";
const CALLER = { email: "caller@example.test", phone: "+442079460123" };
const INSTRUCTION = { reference: "ACME-DSR-7", at: "2026-11-27T09:00:00Z" };

function world(options: Partial<FanoutOptions> = {}) {
  const clock = fakeClock();
  const crm = new TenantCrm();
  const tokens = { acme: crm.account("acme"), globex: crm.account("globex") };
  const resolved: string[] = [];
  let resolver = async (tenant: string): Promise<SubprocessorAdapter[]> => {
    resolved.push(tenant);
    const token = tokens[tenant as keyof typeof tokens];
    if (!token) throw new Error(`unknown tenant ${tenant} (token tok_leaked_in_message)`);
    return [crm.adapter(token)];
  };
  const store = memoryStore();
  const logs: string[] = [];
  const log = (obj: unknown, msg?: string) => logs.push(JSON.stringify([obj, msg]));
  const fanout = createFanout({
    tenants: (tenant) => resolver(tenant),
    store,
    secret: SECRET,
    now: clock.now,
    random: () => 0.5,
    logger: { debug: log, info: log, warn: log, error: log },
    ...options,
  });
  const settle = async (id: string, rounds = 40) => {
    for (let i = 0; i < rounds; i++) {
      await fanout.drain();
      const s = await fanout.status(id);
      if (["completed", "withdrawn", "needs_attention"].includes(s.state)) return s;
      const next = await store.nextWake();
      if (next === null) return s;
      if (next > clock.now()) clock.advance(next - clock.now());
    }
    return fanout.status(id);
  };
  return {
    clock,
    crm,
    tokens,
    store,
    fanout,
    resolved,
    logs,
    settle,
    setResolver(r: typeof resolver) {
      resolver = r;
    },
  };
}

describe("tenants", () => {
  it("runs each request with its own tenant's adapters and keeps only the tenant id", async () => {
    const w = world();
    w.crm.seed("acme", CALLER);
    w.crm.seed("globex", CALLER);
    const a = await w.fanout.erase({ email: CALLER.email }, { tenant: "acme", reason: "caller asked" });
    const g = await w.fanout.erase({ email: CALLER.email }, { tenant: "globex" });
    expect((await w.settle(a.id)).state).toBe("completed");
    expect((await w.settle(g.id)).state).toBe("completed");
    // Every call of a request went to its own tenant's account, with its own token.
    for (const call of w.crm.calls) {
      const tenant = call.requestId === a.id ? "acme" : "globex";
      expect(call.account).toBe(tenant);
      expect(call.token).toBe(w.tokens[tenant]);
    }
    expect(new Set(w.crm.calls.map((c) => c.requestId))).toEqual(new Set([a.id, g.id]));
    expect(w.crm.live("acme").filter((r) => r.email === CALLER.email)).toEqual([]);
    expect(w.crm.live("globex").filter((r) => r.email === CALLER.email)).toEqual([]);

    const status = await w.fanout.status(a.id);
    expect(status).toMatchObject({ tenant: "acme", scope: "subject", instruction: null });
    expect((await w.fanout.list({ tenant: "globex" })).items.map((r) => [r.id, r.tenant])).toEqual([
      [g.id, "globex"],
    ]);
    const receipt = await w.fanout.receipt(a.id);
    expect(receipt.tenant).toBe("acme");
    expect(verifyReceipt(receipt, { publicKey: w.fanout.publicKey() }).valid).toBe(true);
    // No token anywhere in what the store keeps.
    const stored = JSON.stringify([
      await w.store.getRequest(a.id),
      await w.store.getBranches(a.id),
      await w.store.audit(a.id),
      await w.store.getRequest(g.id),
    ]);
    for (const token of Object.values(w.tokens)) expect(stored).not.toContain(token);
    expect(stored).toContain('"tenant":"acme"');
  });

  it("gives every tenant its own rate-limit budget (keyed by credential)", async () => {
    const keys: string[] = [];
    const limiter: RateLimiter = {
      acquire: async (key) => {
        keys.push(key);
      },
      penalize: () => {},
    };
    const w = world({ rateLimiter: limiter });
    w.crm.seed("acme", CALLER);
    w.crm.seed("globex", CALLER);
    const a = await w.fanout.erase({ email: CALLER.email }, { tenant: "acme" });
    const g = await w.fanout.erase({ email: CALLER.email }, { tenant: "globex" });
    await w.settle(a.id);
    await w.settle(g.id);
    const distinct = [...new Set(keys)];
    expect(distinct).toHaveLength(2);
    for (const key of distinct) for (const token of Object.values(w.tokens)) expect(key).not.toContain(token);
  });

  it("refuses bad tenant arguments at the call and records nothing", async () => {
    const w = world();
    const own = createFanout({
      adapters: [w.crm.adapter(w.tokens.acme)],
      store: memoryStore(),
      secret: SECRET,
    });
    await expect(own.erase({ email: CALLER.email }, { tenant: "acme" })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      details: { argument: "tenant" },
    });
    await expect(w.fanout.erase({ email: CALLER.email })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "this fanout has tenants' adapters only: give { tenant }",
      details: { argument: "tenant" },
    });
    for (const tenant of ["", "a b", "jane@acme.test", "x".repeat(200), 42]) {
      await expect(
        w.fanout.erase({ email: CALLER.email }, { tenant: tenant as string }),
      ).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    }
    // Retention rules name the fanout's own adapters: a tenant's request cannot carry one.
    const retain = [{ adapter: "crm", types: ["note"], basis: "a law", for: "1y" }];
    await expect(
      w.fanout.erase({ email: CALLER.email }, { tenant: "acme", retain } as never),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "retain" } });
    // `adapters` narrows the tenant's own adapters, and names none it does not have.
    await expect(
      w.fanout.erase({ email: CALLER.email }, { tenant: "acme", adapters: ["stripe"] }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "adapters" } });
    // The resolver fails at the call: a typed error, no credential nor resolver text, nothing kept.
    const error = await w.fanout.erase({ email: CALLER.email }, { tenant: "initech" }).catch((e) => e);
    expect(isFanoutError(error, "TENANT_UNAVAILABLE")).toBe(true);
    expect(JSON.stringify(error)).not.toContain("tok_leaked");
    expect(JSON.stringify(error)).not.toContain("unknown tenant");
    expect((await w.fanout.list({})).items).toEqual([]);
    expect(() => createFanout({ tenants: "nope" as never, secret: SECRET })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });

  it("retries a resolver that fails while the request runs, then parks it without leaking", async () => {
    const w = world();
    w.crm.seed("acme", CALLER);
    const a = await w.fanout.erase({ email: CALLER.email }, { tenant: "acme" });
    w.setResolver(async () => {
      throw new Error("token store down: tok_leaked_in_message");
    });
    const parked = await w.settle(a.id);
    expect(parked.state).toBe("needs_attention");
    expect(parked.attention).toMatchObject({
      code: "TENANT_UNAVAILABLE",
      retryable: true,
      details: { tenant: "acme" },
    });
    // It asked again after 30 s, 2 min and 8 min before parking.
    expect((await w.store.getRequest(a.id))?.doc.tenantFailures).toBe(3);
    const everything = JSON.stringify([parked, await w.store.audit(a.id), w.logs]);
    expect(everything).not.toContain("tok_leaked");
    expect(everything).not.toContain("token store down");
    // The store is back: retry() resumes and the request completes.
    w.setResolver(async () => [w.crm.adapter(w.tokens.acme)]);
    await w.fanout.retry(a.id);
    expect((await w.settle(a.id)).state).toBe("completed");
    expect(w.crm.live("acme").filter((r) => r.email === CALLER.email)).toEqual([]);
  });

  it("parks a request whose tenant no longer has one of its adapters (TENANT_MISMATCH)", async () => {
    const w = world();
    w.crm.seed("acme", CALLER);
    const a = await w.fanout.erase({ email: CALLER.email }, { tenant: "acme" });
    const other = new TenantCrm("other-crm");
    other.account("acme", w.tokens.acme);
    w.setResolver(async () => [other.adapter(w.tokens.acme)]);
    const parked = await w.settle(a.id);
    expect(parked.state).toBe("needs_attention");
    expect(parked.attention).toMatchObject({
      code: "TENANT_MISMATCH",
      details: { tenant: "acme", missing: ["crm"] },
    });
    expect(w.crm.calls).toEqual([]);
    expect(other.calls).toEqual([]);
  });

  it("files one request per tenant under one idempotency key and lists them as a group", async () => {
    const w = world();
    const first = await w.fanout.erase(
      { phone: CALLER.phone },
      { tenant: "acme", idempotencyKey: "dsr-118" },
    );
    const second = await w.fanout.erase(
      { phone: CALLER.phone },
      { tenant: "globex", idempotencyKey: "dsr-118" },
    );
    const again = await w.fanout.erase(
      { phone: CALLER.phone },
      { tenant: "acme", idempotencyKey: "dsr-118" },
    );
    expect(second.id).not.toBe(first.id);
    expect(again).toMatchObject({ id: first.id, created: false });
    await w.fanout.erase({ phone: CALLER.phone }, { tenant: "acme", idempotencyKey: "dsr-1180" });
    const group = await w.fanout.list({ idempotencyKeyPrefix: "dsr-118/" });
    expect(group.items.map((r) => r.tenant).sort()).toEqual(["acme", "globex"]);
    // The same key for the same tenant in another scope is a different request: refused.
    await expect(
      w.fanout.erase(
        { phone: CALLER.phone },
        { tenant: "acme", idempotencyKey: "dsr-118", scope: "integration", instruction: INSTRUCTION },
      ),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });
});

describe("integration scope", () => {
  it("erases only the integration's calls, leaving what the tenant entered", async () => {
    const w = world();
    const acmeCalls = w.crm.seed("acme", CALLER, 3);
    w.crm.seed("globex", CALLER, 2);
    const before = w.crm.live("acme", "owner").map((r) => r.id);
    const a = await w.fanout.erase(
      { phone: "020 7946 0123" },
      { tenant: "acme", scope: "integration", instruction: INSTRUCTION, idempotencyKey: "dsr-7" },
    );
    const done = await w.settle(a.id);
    expect(done.state).toBe("completed");
    expect(done.branches[0]).toMatchObject({ outcome: "erased", records: 3 });
    expect(w.crm.live("acme", "integration")).toEqual([]);
    expect(w.crm.live("acme", "owner").map((r) => r.id)).toEqual(before);
    expect(w.crm.live("globex", "integration")).toHaveLength(2);
    expect(acmeCalls.every((id) => w.crm.accounts.get("acme")!.records.get(id)!.deleted)).toBe(true);
    expect(w.crm.calls.every((c) => c.scope === "integration")).toBe(true);
    const status = await w.fanout.status(a.id);
    const stored = { reference: INSTRUCTION.reference, at: "2026-11-27T09:00:00.000Z" };
    expect(status).toMatchObject({ scope: "integration", instruction: stored, tenant: "acme" });
    const receipt = await w.fanout.receipt(a.id);
    expect(receipt).toMatchObject({ tenant: "acme", scope: "integration", instruction: stored });
    expect(verifyReceipt(receipt, { publicKey: w.fanout.publicKey() }).valid).toBe(true);
  }, 20_000);

  it("needs the controller's instruction and scrubs personal data from its reference", async () => {
    const w = world();
    await expect(
      w.fanout.erase({ phone: CALLER.phone }, { tenant: "acme", scope: "integration" }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "instruction" } });
    for (const instruction of [
      { reference: "", at: INSTRUCTION.at },
      { reference: "x", at: "not a date" },
      { reference: "x", at: "2999-01-01T00:00:00Z" },
      { reference: "x", at: INSTRUCTION.at, by: "someone" },
      { reference: CALLER.phone, at: INSTRUCTION.at },
    ]) {
      await expect(
        w.fanout.erase(
          { phone: CALLER.phone },
          { tenant: "acme", scope: "integration", instruction: instruction as never },
        ),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    }
    await expect(
      w.fanout.erase(
        { phone: CALLER.phone },
        { tenant: "acme", scope: "everything" as never, instruction: INSTRUCTION },
      ),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "scope" } });
    expect((await w.fanout.list({})).items).toEqual([]);
    const a = await w.fanout.erase(
      { phone: CALLER.phone, email: CALLER.email },
      {
        tenant: "acme",
        scope: "integration",
        instruction: {
          reference: `ZD-4411 from ${CALLER.email}, called on 020 7946 0123 and +44 20 7946 0123`,
          at: new Date(INSTRUCTION.at),
        },
      },
    );
    const { instruction } = await w.fanout.status(a.id);
    expect(instruction?.at).toBe("2026-11-27T09:00:00.000Z");
    expect(instruction?.reference).toContain("ZD-4411");
    expect(instruction?.reference).not.toMatch(/caller@|7946|0123/);
  });

  it("gives branches only to adapters with integration scope, searches by what they can use, never restricts", async () => {
    const w = world();
    const restricts: string[] = [];
    const plain: SubprocessorAdapter = {
      id: "billing",
      capabilities: {
        export: true,
        restrict: true,
        unrestrict: true,
        asyncDelete: false,
        softDelete: false,
        lookup: ["email"],
      },
      locate: async () => ({ refs: [], coverage: { searchedBy: ["email"], types: ["customer"] } }),
      export: async () => ({ records: [] }),
      restrict: async () => {
        restricts.push("billing");
        return { undo: null, restricted: 0 };
      },
      unrestrict: async () => {},
      delete: async () => ({ outcome: "not_found", deleted: 0 }),
      status: async () => ({ state: "done", remaining: 0 }),
    };
    w.setResolver(async () => [plain, w.crm.adapter(w.tokens.acme)]);
    w.crm.seed("acme", CALLER);
    // Only an email: the CRM finds the integration's calls by phone or id only.
    const byEmail = await w.fanout.erase(
      { email: CALLER.email },
      { tenant: "acme", scope: "integration", instruction: INSTRUCTION },
    );
    const s = await w.settle(byEmail.id);
    expect(s.branches.map((b) => b.adapter)).toEqual(["crm"]);
    expect(s.branches[0]).toMatchObject({ outcome: "manual_required", reasonCode: "NO_USABLE_IDENTIFIER" });
    expect(s.branches[0]?.detail).toMatch(
      /what the integration wrote only by a phone number or a crm record id/,
    );
    expect(w.crm.live("acme", "integration")).toHaveLength(2);
    // By the ids the integration stored: only those.
    const [one] = w.crm.live("acme", "integration");
    const byId = await w.fanout.erase(
      { ids: { crm: one!.id } },
      { tenant: "acme", scope: "integration", instruction: INSTRUCTION },
    );
    expect((await w.settle(byId.id)).branches[0]).toMatchObject({ outcome: "erased", records: 1 });
    expect(w.crm.live("acme", "integration")).toHaveLength(1);
    expect(restricts).toEqual([]);
    // No adapter with integration scope at all: refused at the call.
    w.setResolver(async () => [plain]);
    await expect(
      w.fanout.erase(
        { phone: CALLER.phone },
        { tenant: "acme", scope: "integration", instruction: INSTRUCTION },
      ),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "scope" } });
  });
});
