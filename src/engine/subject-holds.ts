/**
 * Holds on a subject. A police or court request, or litigation, can oblige the controller to keep a
 * person's data (Art. 17(3)(e): the establishment, exercise or defence of legal claims).
 * `holdSubject(subject, { reason, reference, adapters })` records a hold by fingerprint that
 * applies to every open *and future* erasure request of that subject until `releaseHold(holdId)`.
 *
 * - A hold blocks the pivot, nothing else: requests locate and restrict as usual (a restriction
 *   keeps the data while stopping its processing), and restrictions with a lifetime are renewed.
 * - A full hold (no `adapters`) keeps the whole request before its pivot (`held`).
 * - A partial hold (`adapters: ["stripe"]`) lets the other branches finish. The request pivots for
 *   the unheld branches only; the held ones stay restricted, marked `awaitingPivot`, and each gets
 *   its own pivot (recorded on the branch, audited `branch.pivoted`) once no hold covers it. The
 *   request completes, and its receipt is signed, when every branch has its outcome.
 * - The pivot checks holds in the same transaction as its commit, under a lock per subject that
 *   placing a hold also takes: a hold placed at that moment either stops the pivot or finds the
 *   request past it (`holdSubject` returns both lists).
 * - Access (export) and restriction requests are not blocked: a hold stops destruction only.
 * - Police and court requests are identified by `reference` (a case number such as
 *   `"POL-2026-118"`: letters, digits and `-_./:#`, no spaces, so never an email address). `reason`
 *   is free text and is scrubbed: the subject's own identifiers and anything shaped like an email
 *   address or a phone number are removed before it is stored.
 */
import { randomBytes } from "node:crypto";
import type { JsonValue } from "../adapter.js";
import { InvalidArgumentError } from "../errors.js";
import type { BranchRecord, HoldRecord } from "../store/types.js";
import type { Subject } from "../subject.js";
import type { EngineContext } from "./context.js";
import { scrubFreeText } from "./free-text.js";
import type { RequestRun } from "./request-run.js";

/** How often a request parked by a subject hold checks again (a release also wakes it at once). */
export const HOLD_RECHECK_MS = 6 * 3_600_000;

/** Options of `holdSubject`. */
export interface SubjectHoldOptions {
  /** Why (kept, scrubbed of identifiers). */
  readonly reason: string;
  /** A case or order number: `[A-Za-z0-9][A-Za-z0-9._:/#-]{0,99}`. */
  readonly reference?: string;
  /** Only these adapters (a partial hold); the other branches finish. */
  readonly adapters?: readonly string[];
}

/** A subject hold as `status()` and `holdSubject()` show it. */
export interface SubjectHoldView {
  readonly id: string;
  readonly subject: string;
  readonly reason: string;
  readonly reference: string | null;
  /** `null`: every adapter. */
  readonly adapters: readonly string[] | null;
  readonly placedAt: string;
  readonly releasedAt: string | null;
}

/** What `holdSubject` returns: the hold, and which open requests it caught. */
export interface SubjectHoldResult extends SubjectHoldView {
  /** Open erasure requests the hold now keeps before their pivot (for the adapters it covers). */
  readonly caught: readonly string[];
  /** Open erasure requests already past their pivot: what they erase is beyond this hold. */
  readonly pastPivot: readonly string[];
}

const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,99}$/;

export function holdView(h: HoldRecord): SubjectHoldView {
  return {
    id: h.id,
    subject: h.fingerprint,
    reason: h.reason,
    reference: h.reference,
    adapters: h.adapters,
    placedAt: new Date(h.createdAt).toISOString(),
    releasedAt: h.releasedAt === null ? null : new Date(h.releasedAt).toISOString(),
  };
}

/** Checks the options and builds the hold record (reason scrubbed of the subject's identifiers). */
export function newHold(
  ctx: EngineContext,
  subject: Subject,
  fingerprint: string,
  options: SubjectHoldOptions,
  now: number,
): HoldRecord {
  const raw = options.reason;
  if (typeof raw !== "string" || raw.trim().length === 0 || raw.length > 500 || /\p{Cc}/u.test(raw)) {
    throw new InvalidArgumentError("holdSubject needs a reason: text of 1 to 500 characters", {
      details: { argument: "reason" },
    });
  }
  const reference = options.reference;
  if (reference !== undefined && (typeof reference !== "string" || !REFERENCE.test(reference))) {
    throw new InvalidArgumentError(
      "reference must be a case or order number (letters, digits and -_./:#, no spaces, at most 100)",
      { details: { argument: "reference" } },
    );
  }
  let adapters: string[] | null = null;
  if (options.adapters !== undefined) {
    if (!Array.isArray(options.adapters) || options.adapters.length === 0) {
      throw new InvalidArgumentError("adapters must be a non-empty list of adapter ids", {
        details: { argument: "adapters" },
      });
    }
    for (const id of options.adapters) {
      if (typeof id !== "string" || !ctx.adapters.has(id)) {
        throw new InvalidArgumentError("adapters names an adapter this fanout does not have", {
          details: { argument: "adapters" },
        });
      }
    }
    adapters = [...new Set(options.adapters)].sort();
  }
  return {
    id: `hold_${now.toString(36)}${randomBytes(6).toString("hex")}`,
    fingerprint,
    reason: scrubFreeText(raw.trim(), subject),
    reference: reference ?? null,
    adapters,
    createdAt: now,
    releasedAt: null,
  };
}

/** A hold id argument. */
export function holdIdArgument(value: unknown): string {
  if (typeof value !== "string" || !/^hold_[A-Za-z0-9]{1,80}$/.test(value)) {
    throw new InvalidArgumentError("holdId must be a hold id such as hold_…", {
      details: { argument: "holdId" },
    });
  }
  return value;
}

/** The audit data of a hold placed or released (no personal data: the reason is scrubbed). */
export function holdAudit(h: HoldRecord): { [key: string]: JsonValue } {
  return {
    holdId: h.id,
    reason: h.reason,
    reference: h.reference,
    adapters: h.adapters ? [...h.adapters] : null,
  };
}

/** Whether an active hold among `holds` covers `adapter`. */
function covers(holds: readonly HoldRecord[], adapter: string): boolean {
  return holds.some((h) => h.releasedAt === null && (h.adapters === null || h.adapters.includes(adapter)));
}

/** Branches waiting for a pivot: parked, restricted or with nothing to restrict. */
export function awaitingPivot(run: RequestRun): BranchRecord[] {
  return [...run.branches.values()].filter((b) => b.state === "ready" && b.step === "relocate");
}

/** The active holds on the request's subject, recorded on the run for its status. */
export async function activeHolds(run: RequestRun): Promise<HoldRecord[]> {
  return run.ctx.store.listHolds({ fingerprint: run.record.fingerprint, active: true });
}

/** Splits branches waiting for a pivot into those a hold covers and those free to go. */
export function partition(
  holds: readonly HoldRecord[],
  branches: readonly BranchRecord[],
): { held: BranchRecord[]; free: BranchRecord[] } {
  const held = branches.filter((b) => covers(holds, b.adapterId));
  return { held, free: branches.filter((b) => !held.includes(b)) };
}

/** The ids of the holds covering any of these adapters. */
export function holdIdsCovering(holds: readonly HoldRecord[], adapters: readonly string[]): string[] {
  return holds.filter((h) => adapters.some((a) => covers([h], a))).map((h) => h.id);
}
