/**
 * Records to the JSON parameters of the Postgres statements, and audit rows back to entries.
 */
import { chainEntry } from "./audit-chain.js";
import { branchDoc } from "./row-codec.js";
import type { AuditEntry, AuditInput, BranchRecord, StepLogEntry } from "./types.js";

type Row = Record<string, unknown>;

/** Branches as the JSON array `jsonb_to_recordset` reads. */
export const branchRows = (branches: readonly BranchRecord[]) =>
  JSON.stringify(branches.map((b) => ({ adapter_id: b.adapterId, position: b.position, doc: branchDoc(b) })));

/** The chain's head from a row carrying `audit_seq` and `audit_hash` (both null for a new chain). */
export const headOf = (row: Row): AuditEntry | undefined =>
  row.audit_seq === null || row.audit_seq === undefined
    ? undefined
    : ({ seq: Number(row.audit_seq), hash: String(row.audit_hash) } as AuditEntry);

/** Chains `inputs` after the request's `head`, numbered in the store from `storeSeq`. */
export function chain(
  key: Uint8Array,
  requestId: string,
  head: AuditEntry | undefined,
  storeSeq: number,
  inputs: readonly AuditInput[],
) {
  const out: AuditEntry[] = [];
  let previous = head;
  for (const [i, input] of inputs.entries()) {
    previous = chainEntry(key, requestId, previous, storeSeq + i, input);
    out.push(previous);
  }
  return out;
}

export const stepRow = (s: StepLogEntry) => ({
  adapter_id: s.adapterId,
  step: s.step,
  attempt: s.attempt,
  status: s.status,
  at: s.at,
  error_code: s.errorCode,
});

export const auditRows = (entries: readonly AuditEntry[]) =>
  JSON.stringify(
    entries.map((e) => ({
      seq: e.seq,
      store_seq: e.storeSeq,
      at: e.at,
      type: e.type,
      data: JSON.stringify(e.data),
      prev_hash: e.prevHash,
      hash: e.hash,
    })),
  );
