/**
 * Rows to records and back, shared by the SQL stores. A row that does not decode (damaged JSON, an
 * unknown state, a foreign table's data) is reported as `STORE_CORRUPT` naming the request, never
 * crashed on.
 */
import { FanoutError } from "../errors.js";
import {
  type AuditEntry,
  type AuditHead,
  type BranchRecord,
  type HoldRecord,
  type LegalDoc,
  REQUEST_KINDS,
  REQUEST_STATES,
  type RequestKind,
  type RequestRecord,
  type RequestState,
  type StepName,
} from "./types.js";

const STATES = new Set<RequestState>(REQUEST_STATES);
const KINDS = new Set<RequestKind>(REQUEST_KINDS);
const BRANCH_STATES = new Set([
  "pending",
  "running",
  "ready",
  "waiting_retry",
  "done",
  "failed",
  "compensated",
]);
const STEPS = new Set<StepName>([
  "locate",
  "restrict",
  "renew",
  "relocate",
  "delete",
  "verify",
  "purge_check",
  "export",
  "unrestrict",
]);

export function corrupt(id: unknown, what: string, cause?: unknown): FanoutError {
  const name = typeof id === "string" ? id.slice(0, 80) : "(unknown)";
  return new FanoutError("STORE_CORRUPT", `Stored ${what} of request ${name} is corrupt`, {
    retryable: false,
    ...(cause === undefined ? {} : { cause }),
    details: { requestId: name },
  });
}

function parseJson(text: unknown, id: unknown, what: string): unknown {
  if (typeof text !== "string") throw corrupt(id, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw corrupt(id, what, error);
  }
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Epoch milliseconds a `Date` can hold (±100,000,000 days). */
const isTime = (v: unknown): v is number =>
  typeof v === "number" && Number.isFinite(v) && Math.abs(v) <= 8.64e15;
const isTimeOrNull = (v: unknown): boolean => v === null || isTime(v);

/** A request row (snake_case columns) to a record. */
export function requestFromRow(row: Record<string, unknown>): RequestRecord {
  const id = row.id;
  if (
    typeof id !== "string" ||
    !STATES.has(row.state as RequestState) ||
    !KINDS.has(row.kind as RequestKind)
  ) {
    throw corrupt(id, "request row");
  }
  const doc = parseJson(row.doc, id, "request document");
  if (typeof doc !== "object" || doc === null || !Array.isArray((doc as { adapters?: unknown }).adapters)) {
    throw corrupt(id, "request document");
  }
  const legal = row.legal === null || row.legal === undefined ? {} : parseJson(row.legal, id, "legal facts");
  if (typeof legal !== "object" || legal === null || Array.isArray(legal)) throw corrupt(id, "legal facts");
  const record = {
    id,
    kind: row.kind as RequestKind,
    state: row.state as RequestState,
    fingerprint: String(row.fingerprint),
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    dueAt: Number(row.due_at),
    afterAt: Number(row.after_at),
    wakeAt: num(row.wake_at),
    pivotAt: num(row.pivot_at),
    completedAt: num(row.completed_at),
    leaseOwner: (row.lease_owner as string | null) ?? null,
    leaseUntil: num(row.lease_until),
    fence: Number(row.fence),
    holdReason: (row.hold_reason as string | null) ?? null,
    withdrawRequested: Boolean(Number(row.withdraw_requested)),
    retryRequested: Number(row.retry_requested),
    sealed: (row.sealed as string | null) ?? null,
    doc: doc as RequestRecord["doc"],
    legal: legal as LegalDoc,
  };
  const times = [record.createdAt, record.updatedAt, record.dueAt, record.afterAt];
  const optional = [record.wakeAt, record.pivotAt, record.completedAt, record.leaseUntil];
  if (!times.every(isTime) || !optional.every(isTimeOrNull)) throw corrupt(id, "request row");
  return record;
}

/** A branch row to a record. */
export function branchFromRow(row: Record<string, unknown>): BranchRecord {
  const doc = parseJson(row.doc, row.request_id, "branch") as Partial<BranchRecord> | null;
  if (
    !doc ||
    typeof doc !== "object" ||
    !BRANCH_STATES.has(String(doc.state)) ||
    !STEPS.has(doc.step as StepName) ||
    !Number.isSafeInteger(doc.attempt) ||
    (doc.attempt as number) < 0 ||
    typeof doc.inFlight !== "boolean" ||
    !isTimeOrNull(doc.nextAttemptAt) ||
    !isTime(doc.updatedAt)
  ) {
    throw corrupt(row.request_id, "branch");
  }
  return {
    ...(doc as BranchRecord),
    requestId: String(row.request_id),
    adapterId: String(row.adapter_id),
    position: Number(row.position),
    data: (doc.data ?? {}) as BranchRecord["data"],
  };
}

/** The JSON document stored for a branch (keys live in their own columns). */
export function branchDoc(branch: BranchRecord): string {
  const { requestId: _r, adapterId: _a, position: _p, ...doc } = branch;
  return JSON.stringify(doc);
}

/**
 * A stand-in for a row that does not decode, so lists and reports can show it (as needing
 * attention, with a `STORE_CORRUPT` reason) instead of failing for every other row.
 */
export function corruptRequestStandIn(row: Record<string, unknown>, error: unknown): RequestRecord {
  const id = typeof row.id === "string" ? row.id : "(unreadable id)";
  const at = Number(row.created_at);
  const time = Number.isFinite(at) ? at : 0;
  const reason = error instanceof FanoutError ? error : corrupt(id, "request row", error);
  return {
    id,
    kind: KINDS.has(row.kind as RequestKind) ? (row.kind as RequestKind) : "erase",
    state: "needs_attention",
    fingerprint: typeof row.fingerprint === "string" ? row.fingerprint : "",
    idempotencyKey: null,
    createdAt: time,
    updatedAt: time,
    dueAt: Number.isFinite(Number(row.due_at)) ? Number(row.due_at) : time,
    afterAt: time,
    wakeAt: null,
    pivotAt: null,
    completedAt: null,
    leaseOwner: null,
    leaseUntil: null,
    fence: 0,
    holdReason: null,
    withdrawRequested: false,
    retryRequested: 0,
    sealed: null,
    doc: { adapters: [], attention: reason.toJSON() },
    legal: {},
  };
}

/** The `legal` column's text (`null` when there is nothing to keep). */
export function legalColumn(legal: LegalDoc | undefined): string | null {
  return legal && Object.keys(legal).length > 0 ? JSON.stringify(legal) : null;
}

/** A hold row (snake_case columns) to a record. */
export function holdFromRow(row: Record<string, unknown>): HoldRecord {
  let adapters: unknown = null;
  if (row.adapters !== null && row.adapters !== undefined) {
    try {
      adapters = JSON.parse(String(row.adapters));
    } catch (error) {
      throw new FanoutError("STORE_CORRUPT", `Stored hold ${String(row.id).slice(0, 80)} is corrupt`, {
        retryable: false,
        cause: error,
      });
    }
  }
  return {
    id: String(row.id),
    fingerprint: String(row.fingerprint),
    reason: String(row.reason),
    reference: (row.reference as string | null) ?? null,
    adapters: Array.isArray(adapters) ? adapters.map(String) : null,
    createdAt: Number(row.created_at),
    releasedAt: num(row.released_at),
  };
}

/** Decodes a row for a listing: a corrupt row becomes its stand-in. */
export function listedRequestFromRow(row: Record<string, unknown>): RequestRecord {
  try {
    return requestFromRow(row);
  } catch (error) {
    return corruptRequestStandIn(row, error);
  }
}

/** The store's audit head row (`null` when there is none). */
export function auditHeadFromRow(row: Record<string, unknown> | undefined): AuditHead | null {
  if (!row) return null;
  return { storeSeq: Number(row.store_seq), hash: String(row.hash), mac: String(row.mac) };
}

/** An audit row to an entry. */
export function auditFromRow(row: Record<string, unknown>): AuditEntry {
  let data: AuditEntry["data"];
  try {
    data = JSON.parse(String(row.data)) as AuditEntry["data"];
  } catch (error) {
    throw corrupt(row.request_id, "audit entry", error);
  }
  return {
    requestId: String(row.request_id),
    seq: Number(row.seq),
    storeSeq: row.store_seq === null || row.store_seq === undefined ? null : Number(row.store_seq),
    at: Number(row.at),
    type: String(row.type),
    data,
    prevHash: String(row.prev_hash),
    hash: String(row.hash),
  };
}
