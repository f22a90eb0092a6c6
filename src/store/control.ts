/**
 * The rules of control-plane changes, shared by every store so they behave the same: what each
 * change requires and which columns it sets. Stores call {@link applyControl} inside their own
 * transaction.
 */
import { FanoutError } from "../errors.js";
import { type ControlChange, type LegalDoc, type RequestRecord, TERMINAL_STATES } from "./types.js";

/** The control columns after a change. */
export interface ControlPatch {
  holdReason: string | null;
  withdrawRequested: boolean;
  retryRequested: number;
  wakeAt: number | null;
  dueAt: number;
  afterAt: number;
  legal: LegalDoc;
}

/** Validates `change` against the current row; returns the new control columns or throws. */
export function applyControl(record: RequestRecord, change: ControlChange, now: number): ControlPatch {
  const patch: ControlPatch = {
    holdReason: record.holdReason,
    withdrawRequested: record.withdrawRequested,
    retryRequested: record.retryRequested,
    wakeAt: now,
    dueAt: record.dueAt,
    afterAt: record.afterAt,
    legal: record.legal,
  };
  const terminal = TERMINAL_STATES.has(record.state);
  switch (change.kind) {
    case "hold":
      if (record.kind !== "erase") throw conflict(record, "only erasure requests can be held");
      if (record.pivotAt !== null) throw pastPivot(record, "hold");
      if (terminal) throw conflict(record, `a ${record.state} request cannot be held`);
      patch.holdReason = change.reason;
      return patch;
    case "release":
      // A finished request stays asleep: waking a withdrawn one whose subject is shredded would park
      // it in needs_attention for good. Its hold stays on record.
      if (terminal) throw conflict(record, `a ${record.state} request cannot be released`, "finished");
      if (record.holdReason === null) throw conflict(record, "it is not held", "not_held");
      patch.holdReason = null;
      return patch;
    case "withdraw":
      if (record.kind !== "erase") throw conflict(record, "only erasure requests can be withdrawn");
      if (record.pivotAt !== null) throw pastPivot(record, "withdraw");
      if (terminal) throw conflict(record, `a ${record.state} request cannot be withdrawn`);
      patch.withdrawRequested = true;
      return patch;
    case "retry":
      if (record.state !== "needs_attention") {
        throw conflict(record, `only a request that needs attention can be retried (it is ${record.state})`);
      }
      patch.retryRequested = record.retryRequested + 1;
      return patch;
    case "legal": {
      // The engine's rule (extension, expedition, lifting) decides on the row as it is now.
      const legal = change.update(record);
      return {
        ...patch,
        legal: legal.legal,
        dueAt: legal.dueAt ?? record.dueAt,
        afterAt: legal.afterAt ?? record.afterAt,
      };
    }
  }
}

function pastPivot(record: RequestRecord, what: string): FanoutError {
  return new FanoutError(
    "PAST_PIVOT",
    `Request ${record.id} is past the point of no return: cannot ${what}`,
    {
      retryable: false,
      details: { requestId: record.id },
    },
  );
}

function conflict(record: RequestRecord, message: string, reason?: string): FanoutError {
  return new FanoutError("CONFLICT", `Request ${record.id}: ${message}`, {
    retryable: false,
    details: { requestId: record.id, state: record.state, ...(reason ? { reason } : {}) },
  });
}

/** The error for an id that is not in the store. */
export function unknownRequest(id: string): FanoutError {
  return new FanoutError("UNKNOWN_REQUEST", `No request with id ${JSON.stringify(id.slice(0, 80))}`, {
    retryable: false,
  });
}

/** The error for a hold id that is not in the store. */
export function unknownHold(id: string): FanoutError {
  return new FanoutError("UNKNOWN_HOLD", `No subject hold with id ${JSON.stringify(id.slice(0, 80))}`, {
    retryable: false,
  });
}

/** Whether an active hold among `holds` covers one of `adapters` (a hold without adapters covers all). */
export function holdCovers(
  holds: readonly { adapters: readonly string[] | null; releasedAt: number | null }[],
  adapters: readonly string[],
): boolean {
  return holds.some(
    (h) => h.releasedAt === null && (h.adapters === null || h.adapters.some((a) => adapters.includes(a))),
  );
}

/** The error a commit gets when a subject hold forbids it. */
export function subjectHeld(requestId: string): FanoutError {
  return new FanoutError("CONFLICT", `Request ${requestId}: a hold on its subject blocks this`, {
    retryable: false,
  });
}

/** Open erasure requests a subject hold concerns: their audit trails record it. */
export const HOLD_AUDITED = (r: Pick<RequestRecord, "kind" | "completedAt" | "state">) =>
  r.kind === "erase" && r.completedAt === null && !TERMINAL_STATES.has(r.state);

/** Of those, the ones a worker should look at again now (not those waiting for a person). */
export const HOLD_WOKEN = (r: Pick<RequestRecord, "kind" | "completedAt" | "state">) =>
  HOLD_AUDITED(r) && r.state !== "needs_attention";

/** The error for a write with a stale or expired lease. */
export function leaseLost(id: string): FanoutError {
  return new FanoutError("LEASE_LOST", `Lease on request ${id} was lost; the write was rejected`, {
    retryable: true,
  });
}
