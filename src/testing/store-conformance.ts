/**
 * `runStoreConformance`: the suite every `SagaStore` passes (memory, SQLite, Postgres — and yours).
 * It registers vitest tests; call it inside a test file:
 *
 * ```ts
 * runStoreConformance("my store", async () => myStore(...));
 * ```
 */
import { describe, expect, it } from "vitest";
import { FanoutError } from "../errors.js";
import { headIsAuthentic, verifyAuditChainWithKey } from "../store/audit-chain.js";
import type { BranchRecord, HoldRecord, NewRequest, RequestRecord, SagaStore } from "../store/types.js";

/** Options of {@link runStoreConformance}. */
export interface StoreConformanceOptions {
  /** Cases to skip, each with the reason (a skip without a reason fails). */
  skip?: Record<string, string>;
}

let counter = 0;
const T0 = Date.parse("2026-11-28T12:00:00Z");

const FINGERPRINT = "sub_0123456789abcdef0123456789abcdef";
const OTHER = "sub_fedcba9876543210fedcba9876543210";

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
      fingerprint: FINGERPRINT,
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

const hold = (overrides: Partial<HoldRecord> = {}): HoldRecord => ({
  id: `hold_conf${++counter}${Math.random().toString(36).slice(2, 8)}`,
  fingerprint: FINGERPRINT,
  reason: "court order",
  reference: "C-2026-1",
  adapters: null,
  createdAt: T0 + 10,
  releasedAt: null,
  ...overrides,
});

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

    test("lists one subject's requests by fingerprint, and leaves answered ones out of overdue", async (store) => {
      const mine = (await store.createRequest(newRequest({ dueAt: T0 - 1 }))).request;
      const theirs = (await store.createRequest(newRequest({ fingerprint: OTHER, dueAt: T0 - 1 }))).request;
      const restricted = (await store.createRequest(newRequest({ state: "restricted", dueAt: T0 - 1 })))
        .request;
      expect((await store.list({ fingerprint: FINGERPRINT })).items.map((r) => r.id).sort()).toEqual(
        [mine.id, restricted.id].sort(),
      );
      expect((await store.list({ fingerprint: OTHER })).items.map((r) => r.id)).toEqual([theirs.id]);
      const overdue = (await store.list({ overdueAt: T0 })).items.map((r) => r.id);
      expect(overdue.sort()).toEqual([mine.id, theirs.id].sort());
    });

    test("keeps legal facts, written only by legal control changes (atomically, refusable)", async (store) => {
      const { request } = await store.createRequest(
        newRequest({ legal: { basis: "subject", receivedAt: T0 - 5000 }, dueAt: T0 + 100 }),
      );
      expect(request.legal).toEqual({ basis: "subject", receivedAt: T0 - 5000 });
      const plain = (await store.createRequest(newRequest())).request;
      expect(plain.legal).toEqual({});
      const audit = { at: T0 + 1, type: "request.extended", data: { by: "1 month" } };
      const updated = await store.control(
        request.id,
        T0 + 1,
        {
          kind: "legal",
          update: (r) => ({ legal: { ...r.legal, extended: true }, dueAt: r.dueAt + 1000, afterAt: T0 - 1 }),
        },
        audit,
      );
      expect(updated).toMatchObject({ dueAt: T0 + 1100, afterAt: T0 - 1, wakeAt: T0 + 1 });
      expect(updated.legal).toEqual({ basis: "subject", receivedAt: T0 - 5000, extended: true });
      // A worker's commit never touches them.
      const [claimed] = await store.claim("w", T0 + 2, 30_000, 10, request.id);
      await store.commit(lease(claimed!), T0 + 3, {
        request: { state: "restricting", doc: { adapters: [] } },
      });
      expect((await store.getRequest(request.id))?.legal).toEqual(updated.legal);
      // A refused change writes nothing, not even its audit entry.
      await expect(
        store.control(
          request.id,
          T0 + 4,
          {
            kind: "legal",
            update: () => {
              throw new FanoutError("CONFLICT", "refused", { retryable: false });
            },
          },
          audit,
        ),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      expect((await store.getRequest(request.id))?.dueAt).toBe(T0 + 1100);
      expect((await store.audit(request.id)).filter((a) => a.type === "request.extended")).toHaveLength(1);
    });

    test("records subject holds: audits and wakes the subject's open erasures; released once", async (store) => {
      const open = (await store.createRequest(newRequest({ wakeAt: null, state: "waiting" }))).request;
      const attention = (await store.createRequest(newRequest({ wakeAt: null, state: "needs_attention" })))
        .request;
      await store.createRequest(newRequest({ wakeAt: null, kind: "export" }));
      await store.createRequest(newRequest({ wakeAt: null, fingerprint: OTHER }));
      const done = (
        await store.createRequest(newRequest({ wakeAt: null, state: "completed", completedAt: T0 }))
      ).request;
      const h = hold();
      const touched = await store.createHold(h, {
        at: T0 + 10,
        type: "subject.held",
        data: { holdId: h.id },
      });
      expect(touched.sort()).toEqual([open.id, attention.id].sort());
      expect((await store.getRequest(open.id))?.wakeAt).toBe(T0 + 10);
      expect((await store.getRequest(attention.id))?.wakeAt).toBeNull(); // waits for a person
      expect((await store.audit(open.id)).at(-1)).toMatchObject({
        type: "subject.held",
        data: { holdId: h.id },
      });
      expect(verifyAuditChain(await store.audit(open.id)).valid).toBe(true);
      expect(await store.audit(done.id)).toHaveLength(1);
      expect(await store.getHold(h.id)).toEqual(h);
      const partial = hold({ adapters: ["beta"], reference: null, createdAt: T0 + 11 });
      await store.createHold(partial, { at: T0 + 11, type: "subject.held", data: {} });
      await expect(store.createHold(h, { at: T0, type: "x", data: {} })).rejects.toMatchObject({
        code: "CONFLICT",
      });
      expect((await store.listHolds({ fingerprint: FINGERPRINT })).map((x) => x.id)).toEqual([
        h.id,
        partial.id,
      ]);
      expect(await store.listHolds({ fingerprint: OTHER })).toEqual([]);
      const released = await store.releaseHold(h.id, T0 + 20, {
        at: T0 + 20,
        type: "subject.released",
        data: {},
      });
      expect(released.hold).toEqual({ ...h, releasedAt: T0 + 20 });
      expect(released.requests.sort()).toEqual([open.id, attention.id].sort());
      const again = await store.releaseHold(h.id, T0 + 30, {
        at: T0 + 30,
        type: "subject.released",
        data: {},
      });
      expect(again).toEqual({ hold: { ...h, releasedAt: T0 + 20 }, requests: [] });
      expect((await store.listHolds({ active: true })).map((x) => x.id)).toEqual([partial.id]);
      await expect(
        store.releaseHold("hold_missing", T0, { at: T0, type: "x", data: {} }),
      ).rejects.toMatchObject({ code: "UNKNOWN_HOLD" });
    });

    test("refuses a commit that a subject hold covers (expect.noSubjectHold), per adapter", async (store) => {
      const { request } = await store.createRequest(newRequest());
      const [claimed] = await store.claim("w", T0, 30_000, 10, request.id);
      const pivot = (adapters: string[]) => ({
        request: { pivotAt: T0 + 1, state: "erasing" as const },
        expect: { noSubjectHold: { fingerprint: FINGERPRINT, adapters } },
        audit: [{ at: T0 + 1, type: "request.pivoted", data: {} }],
      });
      const partial = hold({ adapters: ["beta"] });
      await store.createHold(partial, { at: T0, type: "subject.held", data: {} });
      await expect(store.commit(lease(claimed!), T0 + 1, pivot(["alpha", "beta"]))).rejects.toMatchObject({
        code: "CONFLICT",
      });
      expect((await store.getRequest(request.id))?.pivotAt).toBeNull();
      expect((await store.audit(request.id)).map((a) => a.type)).not.toContain("request.pivoted");
      // The unheld adapter may go; another subject's hold never matters.
      await store.createHold(hold({ fingerprint: OTHER }), { at: T0, type: "subject.held", data: {} });
      await store.commit(lease(claimed!), T0 + 1, pivot(["alpha"]));
      expect((await store.getRequest(request.id))?.pivotAt).toBe(T0 + 1);
      await store.releaseHold(partial.id, T0 + 2, { at: T0 + 2, type: "subject.released", data: {} });
      await store.commit(lease(claimed!), T0 + 3, {
        expect: { noSubjectHold: { fingerprint: FINGERPRINT, adapters: ["beta"] } },
      });
    });

    test("creates requests in the same commit (a follow-up), skipping an existing idempotency key", async (store) => {
      const { request } = await store.createRequest(newRequest());
      const [claimed] = await store.claim("w", T0, 30_000, 10, request.id);
      const followUp = newRequest({
        idempotencyKey: `retention:${request.id}:1`,
        wakeAt: T0 + 1e9,
        legal: { basis: "retention" },
      });
      await expect(
        store.commit({ ...lease(claimed!), fence: 99 }, T0 + 1, {
          request: { state: "completed", completedAt: T0 + 1 },
          create: [followUp],
        }),
      ).rejects.toMatchObject({ code: "LEASE_LOST" });
      expect(await store.getRequest(followUp.request.id)).toBeUndefined();
      await store.commit(lease(claimed!), T0 + 1, {
        request: { state: "completed", completedAt: T0 + 1 },
        create: [followUp],
        audit: [{ at: T0 + 1, type: "request.completed", data: {} }],
      });
      const created = await store.getRequest(followUp.request.id);
      expect(created).toMatchObject({ state: "pending", legal: { basis: "retention" }, wakeAt: T0 + 1e9 });
      expect((await store.getBranches(followUp.request.id)).map((b) => b.adapterId)).toEqual([
        "alpha",
        "beta",
      ]);
      expect(await store.audit(followUp.request.id)).toHaveLength(1);
      // Replayed (another worker after a crash): the key exists, nothing is created twice.
      const [again] = await store.claim("w2", T0 + 60_000, 30_000, 10, request.id);
      const duplicate = { ...followUp, request: { ...followUp.request, id: `${followUp.request.id}_2` } };
      await store.commit(lease(again!), T0 + 60_001, { create: [duplicate], audit: [] });
      expect(await store.getRequest(duplicate.request.id)).toBeUndefined();
    });

    test("reports the next wake time", async (store) => {
      expect(await store.nextWake()).toBeNull();
      await store.createRequest(newRequest({ wakeAt: T0 + 500 }));
      await store.createRequest(newRequest({ wakeAt: T0 + 100 }));
      expect(await store.nextWake()).toBe(T0 + 100);
    });

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
