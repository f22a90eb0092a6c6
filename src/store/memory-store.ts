/**
 * `memoryStore()`: a {@link SagaStore} in process memory. For tests and scripts; everything is lost
 * when the process ends. It follows the same rules as the durable stores (fencing, preconditions,
 * hash-chained audit) and passes the same conformance suite.
 */
import { FanoutError } from "../errors.js";
import { chainEntry, checkAuditKey, headAfter, missingAuditKey } from "./audit-chain.js";
import { applyControl, leaseLost, unknownRequest } from "./control.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import type {
  AuditEntry,
  AuditHead,
  BranchRecord,
  CommitChange,
  Lease,
  ListPage,
  ListQuery,
  NewRequest,
  RequestRecord,
  SagaStore,
  StepLogEntry,
} from "./types.js";
import { TERMINAL_STATES } from "./types.js";

const clone = <T>(value: T): T => structuredClone(value);

/** Creates an in-memory {@link SagaStore}. */
export function memoryStore(): SagaStore {
  const requests = new Map<string, RequestRecord>();
  const byKey = new Map<string, string>();
  const branches = new Map<string, BranchRecord[]>();
  const stepLog = new Map<string, StepLogEntry[]>();
  const auditLog = new Map<string, AuditEntry[]>();
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

  return {
    kind: "memory",
    async migrate(options = {}) {
      key = checkAuditKey(options.auditKey) ?? key;
    },
    async createRequest(input) {
      if (!key) throw missingAuditKey(); // before anything changes: one request, one first entry
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
        tenant: input.request.tenant ?? null,
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
        .filter((r) =>
          query.overdueAt !== undefined ? !TERMINAL_STATES.has(r.state) && r.dueAt < query.overdueAt : true,
        )
        .filter((r) => (query.tenant !== undefined ? r.tenant === query.tenant : true))
        .filter((r) =>
          query.idempotencyKeyPrefix !== undefined
            ? (r.idempotencyKey ?? "").startsWith(query.idempotencyKeyPrefix) && r.idempotencyKey !== null
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
      if (change.audit?.length && !key) throw missingAuditKey();
      if (change.expect?.notHeld && row.holdReason !== null) {
        throw new FanoutError("CONFLICT", `Request ${row.id} is held`, { retryable: false });
      }
      if (change.expect?.notWithdrawn && row.withdrawRequested) {
        throw new FanoutError("CONFLICT", `Request ${row.id} is being withdrawn`, { retryable: false });
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
      const updated: RequestRecord = { ...row, ...patch, updatedAt: now };
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
    async close() {},
  };
}
