/**
 * Facts about one branch, read from its stored row, as status, events, receipts and reports state
 * them. Each reads only what the branch recorded, so nothing here claims more than the adapter did:
 * a restriction is "applied" only when the adapter restricted records, residuals are what the
 * adapter reported, a purge is "verified" only after a check past its ETA.
 */
import type { DeleteResult, Residual, StatusResult, SubprocessorAdapter } from "../adapter.js";
import type { BranchRecord } from "../store/types.js";

const iso = (ms: unknown) => (typeof ms === "number" ? new Date(ms).toISOString() : null);

/**
 * What remains for a branch: the verification's residuals when it gave some (it knows better than
 * the delete), else the delete's; plus what a compensation could not undo.
 */
export function branchResiduals(b: BranchRecord): Residual[] {
  const deletion = b.data.deletion as unknown as DeleteResult | undefined;
  const status = b.data.status as unknown as StatusResult | undefined;
  const notUndone = Array.isArray(b.data.notUndone) ? (b.data.notUndone as unknown as Residual[]) : [];
  // Records the engine kept back from delete on a legal basis (a retained type's refs).
  const retained = Array.isArray(b.data.retainedResiduals)
    ? (b.data.retainedResiduals as unknown as Residual[])
    : [];
  // Once the provider's purge is verified, what was only restorable until then is gone.
  const purged = b.outcome === "scheduled" ? purgeView(b)?.verifiedAt : null;
  const gone = (r: Residual) => purged && r.reason === "restorable" && (r.until ?? "") <= purged;
  return [...(status?.residual ?? deletion?.residual ?? []), ...retained, ...notUndone].filter(
    (r) => r.count > 0 && !gone(r),
  );
}

/** Why a branch ended as it did, as a code (e.g. `NO_USABLE_IDENTIFIER`), or `null`. */
export function reasonCode(b: BranchRecord): string | null {
  return typeof b.data.reasonCode === "string" ? b.data.reasonCode : null;
}

/** The payload of a `branch.completed` event: outcome, reason code and residuals (no personal data). */
export function branchCompletion(b: BranchRecord) {
  return {
    adapter: b.adapterId,
    outcome: b.outcome!,
    reasonCode: reasonCode(b),
    residuals: branchResiduals(b),
  };
}

/**
 * The restriction of a branch, as it can truthfully be stated:
 * - `not_supported`: the adapter has no restrict step (nothing was restricted, by design);
 * - `none`: nothing to restrict (no records found, or the adapter restricted 0 records);
 * - `pending`: registered, the call's result not recorded yet;
 * - `applied`: the adapter restricted `count` records;
 * - `lifted`: undone by a compensation (withdrawal or failure before the pivot).
 */
export interface RestrictionView {
  readonly state: "not_supported" | "none" | "pending" | "applied" | "lifted";
  readonly count: number;
  /** When a restriction with a lifetime would destroy data by itself, unless renewed first. */
  readonly expiresAt: string | null;
  /** How many times it was renewed before expiring. */
  readonly renewals: number;
}

export function restrictionView(b: BranchRecord, adapter: SubprocessorAdapter | undefined): RestrictionView {
  const count = typeof b.data.restrictedCount === "number" ? b.data.restrictedCount : 0;
  const renewals = typeof b.data.renewals === "number" ? b.data.renewals : 0;
  const expiresAt = iso(b.data.restrictionExpiresAt);
  const base = { count, renewals, expiresAt };
  if (b.data.compensation === "done" || b.data.compensation === "partial")
    return { ...base, state: "lifted", expiresAt: null };
  if (b.data.restriction === "registered") return { ...base, state: "pending" };
  if (b.data.restriction === "done") return { ...base, state: count > 0 ? "applied" : "none" };
  if (adapter && !adapter.capabilities.restrict) return { ...base, state: "not_supported", count: 0 };
  return { ...base, state: "none", count: 0 };
}

/**
 * The provider's own purge of a `scheduled` branch: `pending` until a check after its ETA,
 * `verified` when that check found nothing left, `not_confirmed` when it still found data, and
 * `unverifiable` when nothing live is left but the adapter cannot observe the purge itself (a trash
 * the provider's API does not show, e.g. Pipedrive's trashed persons): it is never called verified.
 */
export interface PurgeView {
  readonly state: "pending" | "verified" | "not_confirmed" | "unverifiable";
  /** The provider's ETA. */
  readonly dueBy: string;
  readonly verifiedAt: string | null;
}

export function purgeView(b: BranchRecord): PurgeView | null {
  if (b.outcome !== "scheduled") return null;
  const purge = b.data.purge as { state?: PurgeView["state"]; verifiedAt?: number } | undefined;
  const eta = typeof b.data.eta === "string" ? b.data.eta : null;
  if (!eta) return null;
  return {
    state: purge?.state ?? "pending",
    dueBy: eta,
    verifiedAt: iso(purge?.verifiedAt),
  };
}

/** The branch's human note: the verification's, else the delete's, else the engine's own. */
export function branchDetail(b: BranchRecord): string | null {
  const deletion = b.data.deletion as unknown as DeleteResult | undefined;
  const status = b.data.status as unknown as StatusResult | undefined;
  const own = typeof b.data.detail === "string" ? b.data.detail : null;
  return status?.detail ?? deletion?.detail ?? own;
}
