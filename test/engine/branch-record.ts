import type { BranchRecord } from "../../src/store/types.js";

/** A branch row as the store holds it, for unit tests of the functions that read one. */
export function branchRecord(data: Record<string, unknown>, over: Partial<BranchRecord> = {}): BranchRecord {
  return {
    requestId: "req",
    adapterId: "crm",
    position: 0,
    state: "ready",
    step: "relocate",
    attempt: 0,
    inFlight: false,
    nextAttemptAt: null,
    outcome: null,
    error: null,
    updatedAt: 0,
    ...over,
    data: data as BranchRecord["data"],
  };
}
