/**
 * Provider record ids and file names at rest. A branch row keeps what its steps need: the record
 * refs located (provider ids), the restriction's undo record, the delete's own state (ids it left
 * to a cascade, job anchors) and, for an export, the files written (their names are the
 * provider's, "passport.pdf" included). Those fields are **sealed** (AES-256-GCM, the subject's
 * sealing key) in every row the store holds while the request is open — during a 90-day wait too —
 * and only the worker running the request opens them. Counts and record types stay readable, for
 * status and reports.
 *
 * When the request ends they are **shredded**: replaced by keyed fingerprints of the record ids
 * (HMAC with the fanout secret, so a receipt can still be matched to a record by someone who holds
 * the key, and by nobody else). A branch whose provider purge is still to be checked keeps its
 * sealed refs until that check settles: the check needs them (see purge-check.ts).
 */
import type { DeleteResult, JsonValue, RecordRef } from "../adapter.js";
import { fingerprintValue } from "../fingerprint.js";
import type { BranchRecord } from "../store/types.js";
import { purgeView } from "./branch-facts.js";
import { seal, unseal } from "./seal.js";

/**
 * Branch data fields that hold provider ids or file names: besides the refs, the undo record and
 * the export's files, the refs kept on a legal basis (`withheld` from delete, `retainedRefs` handed
 * to the retention follow-up, which gets them as its own sealed `refs`; see retention.ts).
 */
const PRIVATE_FIELDS = ["refs", "undo", "exported", "withheld", "retainedRefs"] as const;

type PrivatePart = { [field in (typeof PRIVATE_FIELDS)[number] | "deletionState"]?: JsonValue };

/** Record types and counts of refs: what status and reports may show in clear. */
export function countByType(refs: readonly RecordRef[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const ref of refs) out[ref.type] = (out[ref.type] ?? 0) + 1;
  return out;
}

/** The branch as the store should hold it: provider ids and file names sealed. */
export function sealBranch(branch: BranchRecord, key: Buffer): BranchRecord {
  const data: Record<string, unknown> = { ...branch.data };
  const part: PrivatePart = {};
  for (const field of PRIVATE_FIELDS) {
    if (data[field] !== undefined && data[field] !== null) part[field] = data[field] as JsonValue;
    delete data[field];
  }
  const deletion = data.deletion as (DeleteResult & { state?: JsonValue }) | undefined;
  if (deletion && typeof deletion === "object" && deletion.state !== undefined) {
    part.deletionState = deletion.state;
    const { state: _state, ...rest } = deletion;
    data.deletion = rest;
  }
  if (Object.keys(part).length === 0) {
    delete data.private;
    return { ...branch, data: data as BranchRecord["data"] };
  }
  data.private = seal(part, key);
  return { ...branch, data: data as BranchRecord["data"] };
}

/** The branch with its sealed fields opened (for the worker running the request). */
export function openBranch(branch: BranchRecord, key: Buffer | readonly Buffer[]): BranchRecord {
  const sealed = branch.data.private;
  if (typeof sealed !== "string") return branch;
  const part = unseal(sealed, key, branch.requestId) as PrivatePart;
  const { private: _sealed, ...data } = branch.data as Record<string, unknown>;
  const open: Record<string, unknown> = { ...data };
  for (const field of PRIVATE_FIELDS) if (part[field] !== undefined) open[field] = part[field];
  if (part.deletionState !== undefined && open.deletion && typeof open.deletion === "object") {
    open.deletion = { ...(open.deletion as object), state: part.deletionState };
  }
  return { ...branch, data: open as BranchRecord["data"] };
}

/** Whether the branch still needs its record ids: a provider purge not yet settled. */
function stillNeeded(branch: BranchRecord): boolean {
  const state = purgeView(branch)?.state;
  return state === "pending" || state === "not_confirmed";
}

/**
 * The branch at the end of its request: record ids replaced by keyed fingerprints, the undo record,
 * the delete's state and the export's file list dropped (their counts stay). Unchanged while a purge
 * check still needs the ids.
 */
export function shredBranch(branch: BranchRecord, secret: string | Uint8Array): BranchRecord {
  if (stillNeeded(branch)) return branch;
  const data: Record<string, unknown> = { ...branch.data };
  const refs = Array.isArray(data.refs) ? (data.refs as unknown as RecordRef[]) : [];
  if (refs.length > 0) {
    data.refFingerprints = refs.map((r) =>
      fingerprintValue("record", `${r.type}\u0000${r.scope ?? ""}\u0000${r.id}`, secret),
    );
  }
  for (const field of PRIVATE_FIELDS) delete data[field];
  delete data.private;
  const deletion = data.deletion as (DeleteResult & { state?: JsonValue }) | undefined;
  if (deletion && typeof deletion === "object" && "state" in deletion) {
    const { state: _state, ...rest } = deletion;
    data.deletion = rest;
  }
  return { ...branch, data: data as BranchRecord["data"] };
}
