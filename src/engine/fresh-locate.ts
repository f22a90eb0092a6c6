/**
 * When the pivot may reuse a branch's first locate instead of locating again (`relocate`).
 *
 * The relocate exists for records created while the request waited: a 90-day retention window, a
 * legal hold, retries that went on for an hour. For an immediate erasure whose pivot follows the
 * locate within seconds, a second locate asks the provider the same question again and gets the
 * same answer (the sweep: 6 of every 7 relocates were a second "nothing here" a few
 * milliseconds after the first). So the first locate is reused — the branch goes from the pivot
 * straight to `delete`, or ends `not_found` — only when all of these hold:
 *
 * - the request has no retention window left after the locate (`after` had passed when it ran);
 * - the request never waited or was held (its state at the pivot is still `restricting`: `waiting`
 *   and `held` stay on the request until the pivot that follows them);
 * - the restriction was never renewed (renewals happen only during long waits);
 * - the locate is at most {@link FRESH_LOCATE_MS} old at the pivot (retries, rate-limit queues and
 *   crashes before the pivot all push it past that).
 *
 * A locate from before this rule existed (no `locatedAt`) is never reused. A relocate asked for by
 * `verify` (records still live after a delete) always runs. Records created between the locate and
 * the delete are then what they always were between relocate and delete: `verify` looks again
 * (every built-in adapter's status re-reads what it erased, and most search the subject again) and
 * a live record found sends the branch back to relocate and delete.
 */
import type { BranchRecord, RequestRecord } from "../store/types.js";

/** How old a branch's first locate may be at the pivot and still be used for the delete. */
export const FRESH_LOCATE_MS = 60_000;

/** True when the pivot may start `branch`'s delete from its first locate (see the module comment). */
export function locateStillFresh(request: RequestRecord, branch: BranchRecord, now: number): boolean {
  const locatedAt = branch.data.locatedAt;
  if (typeof locatedAt !== "number") return false;
  if (request.afterAt > locatedAt) return false;
  if (request.state !== "restricting") return false;
  if (typeof branch.data.renewals === "number" && branch.data.renewals > 0) return false;
  return now - locatedAt <= FRESH_LOCATE_MS;
}
