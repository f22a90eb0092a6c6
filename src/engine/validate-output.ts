/**
 * Checks what adapters hand back before the engine stores it: the right shape, and no personal
 * data (a subject identifier found in a ref, an undo record or a result is refused, so it can
 * never reach the store). A violation is an adapter bug: `STEP_FAILED`, not retryable.
 */
import type {
  BranchOutcome,
  DeleteResult,
  ExportResult,
  JsonValue,
  RecordRef,
  StatusResult,
} from "../adapter.js";
import { FanoutError } from "../errors.js";
import { containsAny } from "../redact.js";
import { validateResiduals } from "./residuals.js";

const OUTCOMES: ReadonlySet<string> = new Set<BranchOutcome>([
  "erased",
  "anonymized",
  "not_found",
  "scheduled",
  "retained",
  "manual_required",
]);
const STATUS_STATES = new Set(["done", "pending", "scheduled", "remaining"]);

function bad(adapter: string, what: string): FanoutError {
  return new FanoutError("STEP_FAILED", `Adapter "${adapter}" returned ${what}`, {
    retryable: false,
    provider: adapter,
  });
}

/** Refuses values that contain one of the subject's identifiers. */
export function assertNoPersonalData(
  value: unknown,
  identifiers: readonly string[],
  adapter: string,
  what: string,
): void {
  if (value !== undefined && containsAny(JSON.stringify(value), identifiers)) {
    throw bad(adapter, `personal data in ${what}; adapters must return ids only`);
  }
}

export function validateRefs(value: unknown, adapter: string): RecordRef[] {
  const refs = (value as { refs?: unknown } | null)?.refs;
  if (!Array.isArray(refs)) throw bad(adapter, "a locate result without a refs array");
  return refs.map((ref) => {
    const r = ref as Partial<RecordRef> | null;
    if (!r || typeof r.type !== "string" || typeof r.id !== "string" || r.id.length === 0) {
      throw bad(adapter, "a record ref without a string type and id");
    }
    return r.scope === undefined
      ? { type: r.type, id: r.id }
      : { type: r.type, id: r.id, scope: String(r.scope) };
  });
}

export function mergeRefs(a: readonly RecordRef[], b: readonly RecordRef[]): RecordRef[] {
  const seen = new Map<string, RecordRef>();
  for (const ref of [...a, ...b]) seen.set(`${ref.type}\u0000${ref.scope ?? ""}\u0000${ref.id}`, ref);
  return [...seen.values()];
}

export function validateDeletion(value: unknown, adapter: string): DeleteResult {
  const d = value as Partial<DeleteResult> | null;
  if (!d || typeof d.outcome !== "string" || !OUTCOMES.has(d.outcome))
    throw bad(adapter, "a delete result with an unknown outcome");
  if (typeof d.deleted !== "number" || !(d.deleted >= 0))
    throw bad(adapter, "a delete result without a deleted count");
  if (d.eta !== undefined && Number.isNaN(Date.parse(d.eta)))
    throw bad(adapter, "a delete result with an unreadable eta");
  if (d.residual === undefined) return d as DeleteResult;
  return { ...(d as DeleteResult), residual: validateResiduals(d.residual, adapter) };
}

export function validateStatus(value: unknown, adapter: string): StatusResult {
  const s = value as Partial<StatusResult> | null;
  if (!s || typeof s.state !== "string" || !STATUS_STATES.has(s.state))
    throw bad(adapter, "a status with an unknown state");
  if (typeof s.remaining !== "number" || !(s.remaining >= 0))
    throw bad(adapter, "a status without a remaining count");
  if (s.eta !== undefined && Number.isNaN(Date.parse(s.eta)))
    throw bad(adapter, "a status with an unreadable eta");
  if (s.residual === undefined) return s as StatusResult;
  return { ...(s as StatusResult), residual: validateResiduals(s.residual, adapter) };
}

export function validateExport(value: unknown, adapter: string): ExportResult {
  const e = value as Partial<ExportResult> | null;
  if (!e || !Array.isArray(e.records)) throw bad(adapter, "an export result without records");
  for (const file of e.files ?? []) {
    // Any name is accepted: the package writer makes it safe and unique (export-file-names.ts).
    if (!file || typeof file.name !== "string") throw bad(adapter, "an export file without a name");
    if (!(file.bytes instanceof Uint8Array)) throw bad(adapter, "an export file without bytes");
  }
  return e as ExportResult;
}

/** The JSON form of a value for storage. */
export function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}
