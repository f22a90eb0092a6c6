/**
 * `runStoreConformance`: the suite every `SagaStore` passes (memory, SQLite, Postgres — and yours).
 * It registers vitest tests; call it inside a test file:
 *
 * ```ts
 * runStoreConformance("my store", async () => myStore(...));
 * ```
 */
import { describe, expect, it } from "vitest";
import { headIsAuthentic, verifyAuditChainWithKey } from "../store/audit-chain.js";
import type { BranchRecord, NewRequest, RequestRecord, SagaStore } from "../store/types.js";
import { tenantStoreCases } from "./store-conformance-tenants.js";

/** Options of {@link runStoreConformance}. */
export interface StoreConformanceOptions {
  /** Cases to skip, each with the reason (a skip without a reason fails). */
  skip?: Record<string, string>;
}

let counter = 0;
const T0 = Date.parse("2026-11-28T12:00:00Z");

function newRequest(overrides: Partial<NewRequest["request"]> = {}): NewRequest {
  counter += 1;
  const id = overrides.id ?? `req_conf_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  const branch = (adapterId: string, position: number): BranchRecord => ({
    requestId: id,
    adapterId,
    position,
    state: "pending",
    step: "locate",
    attempt: 0,
    inFlight: false,
    nextAttemptAt: null,
    outcome: null,
    error: null,
    updatedAt: T0,
    data: {},
  });
  return {
    request: {
      id,
      kind: "erase",
      state: "pending",
      fingerprint: "sub_0123456789abcdef0123456789abcdef",
      idempotencyKey: null,
      createdAt: T0 + counter,
      updatedAt: T0,
      dueAt: T0 + 86_400_000,
      afterAt: T0,
      wakeAt: T0,
      pivotAt: null,
      completedAt: null,
      sealed: "v1:sealed",
      doc: { adapters: ["alpha", "beta"] },
      ...overrides,
    },
    branches: [branch("alpha", 0), branch("beta", 1)],
    audit: { at: T0, type: "request.created", data: { n: counter } },
  };
}

/** The audit key the suite gives every store (a fanout derives its own from its secret). */
const AUDIT_KEY = new Uint8Array(32).fill(7);
const verifyAuditChain = (entries: Parameters<typeof verifyAuditChainWithKey>[0]) =>
  verifyAuditChainWithKey(entries, AUDIT_KEY);

const lease = (r: RequestRecord) => ({ requestId: r.id, owner: r.leaseOwner ?? "", fence: r.fence });

/** Registers the store conformance tests for `make` (a fresh, migrated-or-not store per test). */
export function runStoreConformance(
  name: string,
  make: () => Promise<SagaStore>,
  options: StoreConformanceOptions = {},
): void {
  for (const [key, reason] of Object.entries(options.skip ?? {})) {
    if (!reason?.trim()) throw new Error(`runStoreConformance: skipping "${key}" needs a written reason`);
  }
  const test = (title: string, fn: (store: SagaStore) => Promise<void>) => {
    const skipped = options.skip?.[title];
    (skipped ? it.skip : it)(skipped ? `${title} (skipped: ${skipped})` : title, async () => {
      const store = await make();
      await store.migrate({ auditKey: AUDIT_KEY });
      await store.migrate(); // idempotent, and the key stays
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    });
  };

  describe(`SagaStore conformance: ${name}`, () => {
    test("creates a request with its branches and first audit entry", async (store) => {
      const input = newRequest();
      const { request, created } = await store.createRequest(input);
      expect(created).toBe(true);
      expect(request.fence).toBe(0);
      expect(request.holdReason).toBeNull();
      expect(await store.getRequest(input.request.id)).toMatchObject({
        id: input.request.id,
        state: "pending",
        sealed: "v1:sealed",
      });
      expect((await store.getBranches(input.request.id)).map((b) => b.adapterId)).toEqual(["alpha", "beta"]);
      const audit = await store.audit(input.request.id);
      expect(audit).toHaveLength(1);
      expect(verifyAuditChain(audit).valid).toBe(true);
      expect(await store.getRequest("req_missing")).toBeUndefined();
    });

    test("returns the existing request for a repeated idempotency key", async (store) => {
      const first = await store.createRequest(newRequest({ idempotencyKey: `key-${counter}-x` }));
      const again = await store.createRequest(newRequest({ idempotencyKey: first.request.idempotencyKey }));
      expect(again.created).toBe(false);
      expect(again.request.id).toBe(first.request.id);
      expect(
        (await store.list({})).items.filter((r) => r.idempotencyKey === first.request.idempotencyKey),
      ).toHaveLength(1);
    });

    test("claims each due request once, and not before it is due or while leased", async (store) => {
      const due = (await store.createRequest(newRequest({ wakeAt: T0 }))).request;
      const later = (await store.createRequest(newRequest({ wakeAt: T0 + 60_000 }))).request;
      const claimedA = await store.claim("worker-a", T0, 30_000, 10);
      expect(claimedA.map((r) => r.id)).toEqual([due.id]);
      expect(claimedA[0]).toMatchObject({ leaseOwner: "worker-a", fence: 1, leaseUntil: T0 + 30_000 });
      expect(await store.claim("worker-b", T0 + 1000, 30_000, 10)).toEqual([]);
      const afterExpiry = await store.claim("worker-b", T0 + 60_001, 30_000, 10);
      expect(afterExpiry.map((r) => r.id).sort()).toEqual([due.id, later.id].sort());
      expect(afterExpiry.find((r) => r.id === due.id)?.fence).toBe(2);
    });

    test("claims one request by id", async (store) => {
      const a = (await store.createRequest(newRequest())).request;
      const b = (await store.createRequest(newRequest())).request;
      const claimed = await store.claim("w", T0, 30_000, 10, b.id);
      expect(claimed.map((r) => r.id)).toEqual([b.id]);
      expect((await store.getRequest(a.id))?.leaseOwner).toBeNull();
    });

    test("rejects writes with a stale fencing token or an expired lease", async (store) => {
      const { request } = await store.createRequest(newRequest());
      const [first] = await store.claim("worker-a", T0, 1000, 1);
      await store.commit(lease(first!), T0 + 500, { request: { state: "restricting" } });
      const [second] = await store.claim("worker-b", T0 + 2000, 1000, 1);
      expect(second?.fence).toBe(2);
      await expect(
        store.commit(lease(first!), T0 + 2100, { request: { state: "waiting" } }),
      ).rejects.toMatchObject({ code: "LEASE_LOST" });
      await expect(
        store.commit(lease(second!), T0 + 5000, { request: { state: "waiting" } }),
      ).rejects.toMatchObject({ code: "LEASE_LOST" });
      expect((await store.getRequest(request.id))?.state).toBe("restricting");
      expect(await store.renewLease(lease(first!), T0 + 2100, 1000)).toBe(false);
    });

    test("commits request, branches, step log and audit atomically", async (store) => {
      const { request } = await store.createRequest(newRequest());
      const [claimed] = await store.claim("w", T0, 30_000, 1);
      const branch = (await store.getBranches(request.id))[0]!;
      await store.commit(lease(claimed!), T0 + 1, {
        request: { state: "restricting", wakeAt: T0 + 10 },
        branches: [
          {
            ...branch,
            state: "running",
            attempt: 1,
            inFlight: true,
            data: { refs: [{ type: "x", id: "1" }] },
          },
        ],
        steps: [
          {
            requestId: request.id,
            adapterId: "alpha",
            step: "locate",
            attempt: 1,
            status: "succeeded",
            at: T0 + 1,
            errorCode: null,
          },
        ],
        audit: [{ at: T0 + 1, type: "x", data: { ok: true } }],
      });
      expect((await store.getRequest(request.id))?.state).toBe("restricting");
      expect((await store.getBranches(request.id))[0]).toMatchObject({
        state: "running",
        attempt: 1,
        inFlight: true,
      });
      expect(await store.steps(request.id)).toHaveLength(1);
      const audit = await store.audit(request.id);
      expect(audit.map((a) => a.seq)).toEqual([1, 2]);
      expect(verifyAuditChain(audit).valid).toBe(true);
      // A failing commit changes nothing.
      await expect(
        store.commit({ ...lease(claimed!), fence: 99 }, T0 + 2, {
          request: { state: "completed" },
          audit: [{ at: T0, type: "bad", data: {} }],
        }),
      ).rejects.toMatchObject({ code: "LEASE_LOST" });
      expect(await store.audit(request.id)).toHaveLength(2);
    });

    test("applies control changes with their preconditions", async (store) => {
      const { request } = await store.createRequest(newRequest({ wakeAt: null }));
      const audit = { at: T0, type: "control", data: {} };
      const held = await store.control(
        request.id,
        T0 + 5,
        { kind: "hold", reason: "police 2026-118" },
        audit,
      );
      expect(held).toMatchObject({ holdReason: "police 2026-118", wakeAt: T0 + 5 });
      const [claimed] = await store.claim("w", T0 + 5, 30_000, 1);
      await expect(
        store.commit(lease(claimed!), T0 + 6, { request: { pivotAt: T0 + 6 }, expect: { notHeld: true } }),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      expect((await store.control(request.id, T0 + 7, { kind: "release" }, audit)).holdReason).toBeNull();
      await expect(store.control(request.id, T0, { kind: "retry" }, audit)).rejects.toMatchObject({
        code: "CONFLICT",
      });
      await store.commit(lease(claimed!), T0 + 8, {
        request: { pivotAt: T0 + 8, state: "erasing" },
        expect: { notHeld: true, notWithdrawn: true },
      });
      await expect(store.control(request.id, T0 + 9, { kind: "withdraw" }, audit)).rejects.toMatchObject({
        code: "PAST_PIVOT",
      });
      await expect(
        store.control(request.id, T0 + 9, { kind: "hold", reason: "late" }, audit),
      ).rejects.toMatchObject({ code: "PAST_PIVOT" });
      await expect(store.control("req_nope", T0, { kind: "release" }, audit)).rejects.toMatchObject({
        code: "UNKNOWN_REQUEST",
      });
      expect(verifyAuditChain(await store.audit(request.id)).valid).toBe(true);
    });

    test("refuses to release a request that is not held, or is finished, writing nothing", async (store) => {
      const audit = { at: T0, type: "request.released", data: {} };
      const { request } = await store.createRequest(newRequest({ wakeAt: null }));
      await expect(store.control(request.id, T0 + 1, { kind: "release" }, audit)).rejects.toMatchObject({
        code: "CONFLICT",
        details: expect.objectContaining({ reason: "not_held" }),
      });
      expect(await store.audit(request.id)).toHaveLength(1);
      expect((await store.getRequest(request.id))?.wakeAt).toBeNull();

      // Held, then withdrawn: once the withdrawal is finished, release must not wake it again.
      await store.control(request.id, T0 + 2, { kind: "hold", reason: "police" }, audit);
      await store.control(request.id, T0 + 3, { kind: "withdraw" }, audit);
      const [claimed] = await store.claim("w", T0 + 3, 30_000, 1);
      await store.commit(lease(claimed!), T0 + 4, {
        request: { state: "withdrawn", wakeAt: null, completedAt: T0 + 4, sealed: null },
      });
      await store.releaseLease(lease(claimed!));
      const entries = (await store.audit(request.id)).length;
      await expect(store.control(request.id, T0 + 5, { kind: "release" }, audit)).rejects.toMatchObject({
        code: "CONFLICT",
        details: expect.objectContaining({ reason: "finished" }),
      });
      const after = await store.getRequest(request.id);
      expect(after).toMatchObject({ state: "withdrawn", wakeAt: null, holdReason: "police" });
      expect(await store.audit(request.id)).toHaveLength(entries);
      expect(await store.claim("w2", T0 + 10, 30_000, 10)).toEqual([]);
    });

    test("lists newest first with state, overdue filters and cursors", async (store) => {
      const made: string[] = [];
      for (let i = 0; i < 5; i++)
        made.push((await store.createRequest(newRequest({ dueAt: i < 2 ? T0 - 1 : T0 + 1e9 }))).request.id);
      const first = await store.list({ limit: 2 });
      expect(first.items).toHaveLength(2);
      const second = await store.list({ limit: 2, cursor: first.nextCursor! });
      const third = await store.list({ limit: 2, cursor: second.nextCursor! });
      const all = [...first.items, ...second.items, ...third.items].map((r) => r.id);
      expect(new Set(all).size).toBe(all.length);
      expect(all.slice(0, 5)).toEqual([...made].reverse());
      const overdue = await store.list({ overdueAt: T0 });
      expect(overdue.items.map((r) => r.id).sort()).toEqual(made.slice(0, 2).sort());
      expect((await store.list({ state: "completed" })).items).toEqual([]);
      await expect(store.list({ cursor: "garbage" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    });

    test("reports the next wake time", async (store) => {
      expect(await store.nextWake()).toBeNull();
      await store.createRequest(newRequest({ wakeAt: T0 + 500 }));
      await store.createRequest(newRequest({ wakeAt: T0 + 100 }));
      expect(await store.nextWake()).toBe(T0 + 100);
    });

    tenantStoreCases(test, newRequest, T0);

    test("keeps the audit chain intact and detects tampering", async (store) => {
      const { request } = await store.createRequest(newRequest({ wakeAt: null }));
      for (let i = 0; i < 3; i++)
        await store.control(
          request.id,
          T0 + i,
          { kind: "hold", reason: `reason ${i}` },
          { at: T0 + i, type: `e${i}`, data: { i } },
        );
      const audit = await store.audit(request.id);
      expect(audit).toHaveLength(4);
      expect(verifyAuditChain(audit).valid).toBe(true);
      const tampered = audit.map((a, i) => (i === 2 ? { ...a, data: { i: 99 } } : a));
      expect(verifyAuditChain(tampered)).toEqual({ valid: false, brokenAt: 2, keyed: true });
      expect(verifyAuditChain(audit.filter((_, i) => i !== 1)).valid).toBe(false);
      // The hashes are keyed: the right chain under another key does not verify.
      expect(verifyAuditChainWithKey(audit, new Uint8Array(32).fill(8)).valid).toBe(false);
    });

    test("numbers audit entries across the whole store without gaps, under an authentic head", async (store) => {
      const before = (await store.auditHead())?.storeSeq ?? 0;
      const a = (await store.createRequest(newRequest({ wakeAt: null }))).request;
      const b = (await store.createRequest(newRequest({ wakeAt: T0 }))).request;
      await store.control(
        a.id,
        T0 + 1,
        { kind: "hold", reason: "x" },
        { at: T0 + 1, type: "held", data: {} },
      );
      const [claimed] = await store.claim("w", T0, 30_000, 1, b.id);
      await store.commit(lease(claimed!), T0 + 2, {
        audit: [
          { at: T0 + 2, type: "one", data: {} },
          { at: T0 + 2, type: "two", data: {} },
        ],
      });
      // A refused change hands out no number.
      await expect(
        store.control(a.id, T0 + 3, { kind: "retry" }, { at: T0 + 3, type: "x", data: {} }),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      const trail = await store.auditTrail(before, 100);
      expect(trail.map((e) => e.storeSeq)).toEqual([1, 2, 3, 4, 5].map((n) => before + n));
      expect(trail.map((e) => [e.requestId, e.type])).toEqual([
        [a.id, "request.created"],
        [b.id, "request.created"],
        [a.id, "held"],
        [b.id, "one"],
        [b.id, "two"],
      ]);
      expect((await store.auditTrail(before + 3, 1)).map((e) => e.type)).toEqual(["one"]);
      const head = await store.auditHead();
      expect(head).toMatchObject({ storeSeq: before + 5, hash: trail.at(-1)!.hash });
      expect(headIsAuthentic(AUDIT_KEY, head!)).toBe(true);
      expect(headIsAuthentic(new Uint8Array(32).fill(8), head!)).toBe(false);
    });

    test("refuses to write audit entries without an audit key", async () => {
      const fresh = await make();
      try {
        await fresh.migrate();
        await expect(fresh.createRequest(newRequest())).rejects.toMatchObject({ code: "CONFIGURATION" });
        expect((await fresh.list({})).items).toEqual([]);
      } finally {
        await fresh.close();
      }
    });
  });
}
