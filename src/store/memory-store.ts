/**
 * `memoryStore()`: a {@link SagaStore} in process memory. For tests and scripts; everything is lost
 * when the process ends. It follows the same rules as the durable stores (fencing, preconditions,
 * hash-chained audit) and passes the same conformance suite.
 */
import { FanoutError } from "../errors.js";
import { chainEntry, checkAuditKey, headAfter, missingAuditKey } from "./audit-chain.js";
import {
  applyControl,
  HOLD_AUDITED,
  HOLD_WOKEN,
  holdCovers,
  leaseLost,
  subjectHeld,
  unknownHold,
  unknownRequest,
} from "./control.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import type {
  AuditEntry,
  AuditHead,
  BranchRecord,
  CommitChange,
  HoldRecord,
  Lease,
  ListPage,
  ListQuery,
  NewRequest,
  RequestRecord,
  SagaStore,
  StepLogEntry,
} from "./types.js";
import { ANSWERED_STATES } from "./types.js";

const clone = <T>(value: T): T => structuredClone(value);

/** Creates an in-memory {@link SagaStore}. */
export function memoryStore(): SagaStore {
  const requests = new Map<string, RequestRecord>();
  const byKey = new Map<string, string>();
  const branches = new Map<string, BranchRecord[]>();
  const stepLog = new Map<string, StepLogEntry[]>();
  const auditLog = new Map<string, AuditEntry[]>();
  const holds = new Map<string, HoldRecord>();
  let insertSeq = 0;
  const order = new Map<string, number>();

  let key: Buffer | undefined;
  let head: AuditHead | null = null;
  const trail: AuditEntry[] = [];
  const appendAudit = (requestId: string, input: NewRequest["audit"]) => {
    if (!key) throw missingAuditKey();
    const list = auditLog.get(requestId) ?? [];
    const entry = chainEntry(key, requestId, list.at(-1), (head?.storeSeq ?? 0) + 1, input);
    list.push(entry);
    trail.push(entry);
    auditLog.set(requestId, list);
    head = headAfter(key, entry);
  };
  const checkLease = (lease: Lease, now: number): RequestRecord => {
    const row = requests.get(lease.requestId);
    if (!row) throw unknownRequest(lease.requestId);
    if (row.fence !== lease.fence || row.leaseOwner !== lease.owner || (row.leaseUntil ?? 0) < now) {
      throw leaseLost(lease.requestId);
    }
    return row;
  };

  const insert = (input: NewRequest): { request: RequestRecord; created: boolean } => {
    const idempotencyKey = input.request.idempotencyKey;
    if (idempotencyKey !== null) {
      const existing = byKey.get(idempotencyKey);
      if (existing) return { request: clone(requests.get(existing)!), created: false };
    }
    if (requests.has(input.request.id)) {
      throw new FanoutError("CONFLICT", `Request ${input.request.id} already exists`, { retryable: false });
    }
    const row: RequestRecord = {
      ...clone(input.request),
      legal: clone(input.request.legal ?? {}),
      leaseOwner: null,
      leaseUntil: null,
      fence: 0,
      holdReason: null,
      withdrawRequested: false,
      retryRequested: 0,
    };
    requests.set(row.id, row);
    order.set(row.id, ++insertSeq);
    if (idempotencyKey !== null) byKey.set(idempotencyKey, row.id);
    branches.set(row.id, clone([...input.branches]));
    appendAudit(row.id, input.audit);
    return { request: clone(row), created: true };
  };
  /** The fingerprint's requests a hold's creation or release is audited on. */
  const audited = (fingerprint: string): RequestRecord[] =>
    [...requests.values()].filter((r) => r.fingerprint === fingerprint && HOLD_AUDITED(r));
  /**
   * Appends `audit` to the fingerprint's open erasure requests and wakes them; returns their ids.
   * Without the audit key nothing changes (the durable stores roll the whole transaction back).
   */
  const touchSubject = (fingerprint: string, now: number, audit: NewRequest["audit"]): string[] => {
    const touched: string[] = [];
    for (const r of audited(fingerprint)) {
      appendAudit(r.id, audit);
      if (HOLD_WOKEN(r)) requests.set(r.id, { ...r, wakeAt: now, updatedAt: now });
      touched.push(r.id);
    }
    return touched;
  };

  return {
    kind: "memory",
    async migrate(options = {}) {
      key = checkAuditKey(options.auditKey) ?? key;
    },
    async createRequest(input) {
      if (!key) throw missingAuditKey(); // before anything changes: one request, one first entry
      return insert(input);
    },
    async getRequest(id) {
      const row = requests.get(id);
      return row ? clone(row) : undefined;
    },
    async getBranches(requestId) {
      return clone(branches.get(requestId) ?? []).sort((a, b) => a.position - b.position);
    },
    async list(query: ListQuery): Promise<ListPage> {
      const limit = Math.max(1, Math.min(query.limit ?? 100, 1000));
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      const rows = [...requests.values()]
        .filter((r) => (query.state ? r.state === query.state : true))
        .filter((r) => (query.kind ? r.kind === query.kind : true))
        .filter((r) => (query.fingerprint !== undefined ? r.fingerprint === query.fingerprint : true))
        .filter((r) =>
          query.overdueAt !== undefined
            ? r.completedAt === null && !ANSWERED_STATES.includes(r.state) && r.dueAt < query.overdueAt
            : true,
        )
        .map((r) => ({ r, key: { createdAt: r.createdAt, id: r.id } }))
        .sort((a, b) => b.key.createdAt - a.key.createdAt || (a.key.id < b.key.id ? 1 : -1))
        .filter(({ key }) =>
          after
            ? key.createdAt < after.createdAt || (key.createdAt === after.createdAt && key.id < after.id)
            : true,
        );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(({ r }) => clone(r)),
        nextCursor: rows.length > limit && last ? encodeCursor(last.key) : null,
      };
    },
    async claim(owner, now, leaseMs, limit, onlyId) {
      const due = [...requests.values()]
        .filter((r) => onlyId === undefined || r.id === onlyId)
        .filter((r) => r.wakeAt !== null && r.wakeAt <= now && (r.leaseUntil === null || r.leaseUntil < now))
        .sort((a, b) => (a.wakeAt ?? 0) - (b.wakeAt ?? 0))
        .slice(0, limit);
      return due.map((r) => {
        const claimed: RequestRecord = {
          ...r,
          leaseOwner: owner,
          leaseUntil: now + leaseMs,
          fence: r.fence + 1,
        };
        requests.set(r.id, claimed);
        return clone(claimed);
      });
    },
    async renewLease(lease, now, leaseMs) {
      const row = requests.get(lease.requestId);
      if (!row || row.fence !== lease.fence || row.leaseOwner !== lease.owner || (row.leaseUntil ?? 0) < now)
        return false;
      requests.set(row.id, { ...row, leaseUntil: now + leaseMs });
      return true;
    },
    async releaseLease(lease) {
      const row = requests.get(lease.requestId);
      if (!row || row.fence !== lease.fence || row.leaseOwner !== lease.owner) return;
      requests.set(row.id, { ...row, leaseOwner: null, leaseUntil: null });
    },
    async commit(lease, now, change: CommitChange) {
      const row = checkLease(lease, now);
      if ((change.audit?.length || change.create?.length) && !key) throw missingAuditKey();
      if (change.expect?.notHeld && row.holdReason !== null) {
        throw new FanoutError("CONFLICT", `Request ${row.id} is held`, { retryable: false });
      }
      if (change.expect?.notWithdrawn && row.withdrawRequested) {
        throw new FanoutError("CONFLICT", `Request ${row.id} is being withdrawn`, { retryable: false });
      }
      const held = change.expect?.noSubjectHold;
      if (held) {
        const active = [...holds.values()].filter((h) => h.fingerprint === held.fingerprint);
        if (holdCovers(active, held.adapters)) throw subjectHeld(row.id);
      }
      for (const request of change.create ?? []) {
        if (request.request.idempotencyKey === null || !byKey.has(request.request.idempotencyKey))
          insert(request);
      }
      if (change.request) requests.set(row.id, { ...row, ...clone(change.request) });
      if (change.branches?.length) {
        const list = branches.get(row.id) ?? [];
        for (const branch of change.branches) {
          const index = list.findIndex((b) => b.adapterId === branch.adapterId);
          if (index >= 0) list[index] = clone(branch);
          else list.push(clone(branch));
        }
        branches.set(row.id, list);
      }
      if (change.steps?.length)
        stepLog.set(row.id, [...(stepLog.get(row.id) ?? []), ...clone([...change.steps])]);
      for (const entry of change.audit ?? []) appendAudit(row.id, entry);
    },
    async control(requestId, now, change, audit) {
      const row = requests.get(requestId);
      if (!row) throw unknownRequest(requestId);
      if (!key) throw missingAuditKey();
      const patch = applyControl(row, change, now);
      const updated: RequestRecord = { ...row, ...clone(patch), updatedAt: now };
      requests.set(requestId, updated);
      appendAudit(requestId, audit);
      return clone(updated);
    },
    async steps(requestId) {
      return clone(stepLog.get(requestId) ?? []);
    },
    async audit(requestId) {
      return clone(auditLog.get(requestId) ?? []);
    },
    async auditTrail(after, limit) {
      return clone(trail.filter((e) => (e.storeSeq ?? 0) > after).slice(0, limit));
    },
    async auditHead() {
      return head ? clone(head) : null;
    },
    async nextWake() {
      let next: number | null = null;
      for (const r of requests.values()) {
        if (r.wakeAt === null) continue;
        const at = r.leaseUntil !== null ? Math.max(r.wakeAt, r.leaseUntil) : r.wakeAt;
        if (next === null || at < next) next = at;
      }
      return next;
    },
    async createHold(hold, audit) {
      if (holds.has(hold.id)) {
        throw new FanoutError("CONFLICT", `Hold ${hold.id} already exists`, { retryable: false });
      }
      if (!key && audited(hold.fingerprint).length) throw missingAuditKey();
      holds.set(hold.id, clone(hold));
      return touchSubject(hold.fingerprint, hold.createdAt, audit);
    },
    async releaseHold(id, now, audit) {
      const hold = holds.get(id);
      if (!hold) throw unknownHold(id);
      if (hold.releasedAt !== null) return { hold: clone(hold), requests: [] };
      if (!key && audited(hold.fingerprint).length) throw missingAuditKey();
      const released = { ...hold, releasedAt: now };
      holds.set(id, released);
      return { hold: clone(released), requests: touchSubject(hold.fingerprint, now, audit) };
    },
    async getHold(id) {
      const hold = holds.get(id);
      return hold ? clone(hold) : undefined;
    },
    async listHolds(query) {
      return clone(
        [...holds.values()]
          .filter((h) => query.fingerprint === undefined || h.fingerprint === query.fingerprint)
          .filter((h) => !query.active || h.releasedAt === null)
          .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1)),
      );
    },
    async close() {},
  };
}
