/**
 * The pivot: the one durable "commit to erase" after which nothing is compensated. It is taken
 * only when the request is not held or withdrawn and no subject hold covers the branches it
 * starts — all three re-checked by the store in the commit's own transaction.
 *
 * Under a partial subject hold (see subject-holds.ts) the request pivots for the free branches
 * only; the held ones stay restricted with `awaitingPivot`, and each takes a pivot of its own
 * (`branch.pivoted`, its time on the branch) once no hold covers it.
 */
import { FanoutError } from "../errors.js";
import type { BranchRecord, HoldRecord } from "../store/types.js";
import { branchCompletion } from "./branch-facts.js";
import * as steps from "./branch-steps.js";
import type { RequestRun } from "./request-run.js";
import { activeHolds, holdIdsCovering, partition, requestFingerprints } from "./subject-holds.js";

/** The first step after the pivot: known records (a retention follow-up) are deleted without a lookup. */
function firstStep(b: BranchRecord): "relocate" | "delete" {
  return b.data.fixedRefs ? "delete" : "relocate";
}

function isConflict(error: unknown): boolean {
  return error instanceof FanoutError && error.code === "CONFLICT";
}

/** The hold ids to remember on the request (for its status and receipt). */
function withHolds(run: RequestRun, ids: readonly string[]): Record<string, unknown> {
  const known = Array.isArray(run.record.doc.subjectHolds) ? (run.record.doc.subjectHolds as string[]) : [];
  const all = [...new Set([...known, ...ids])];
  return all.length === known.length ? {} : { subjectHolds: all };
}

/**
 * Pivots the request for the branches in `free`, parking those in `held` (partial hold). Returns
 * false when the store refused (held, withdrawn or a subject hold placed meanwhile): look again.
 */
export async function pivotRequest(
  run: RequestRun,
  free: readonly BranchRecord[],
  held: readonly BranchRecord[],
  holds: readonly HoldRecord[],
): Promise<boolean> {
  const ids = holdIdsCovering(
    holds,
    held.map((b) => b.adapterId),
  );
  // The pivot commit also starts every free branch's first post-pivot step (one commit saved per
  // branch): a relocate, or the delete itself when the branch's locate is still fresh
  // (fresh-locate.ts), or when its records are known (a retention follow-up).
  const starting = free.map((b) =>
    firstStep(b) === "delete" ? steps.startNext(run, b, "delete") : steps.startAfterPivot(run, b),
  );
  const reused = starting.filter((b) => b.data.relocate === "skipped").map((b) => b.adapterId);
  try {
    const parked = held.map((b) => ({ ...b, data: { ...b.data, awaitingPivot: true } }));
    await run.commit({
      request: {
        pivotAt: run.now(),
        state: "erasing",
        wakeAt: run.now(),
        doc: { ...run.record.doc, ...withHolds(run, ids) },
      },
      branches: [...starting, ...parked],
      expect: {
        notHeld: true,
        notWithdrawn: true,
        noSubjectHold: { ...requestFingerprints(run), adapters: free.map((b) => b.adapterId) },
      },
      audit: [
        run.audit("request.pivoted", {
          ...(held.length > 0 ? { awaiting: held.map((b) => b.adapterId), holds: ids } : {}),
          ...(reused.length > 0 ? { locateReused: reused } : {}),
        }),
      ],
    });
  } catch (error) {
    if (isConflict(error)) return false;
    throw error;
  }
  run.emit("request.pivoted", {});
  for (const b of starting)
    if (b.state === "done" && b.outcome) run.emit("branch.completed", branchCompletion(b));
  return true;
}

/** Gives each branch parked by a partial hold its own pivot once no hold covers it. */
export async function pivotReleased(run: RequestRun): Promise<void> {
  const awaiting = [...run.branches.values()].filter(
    (b) => b.data.awaitingPivot && b.state === "ready" && b.step === "relocate",
  );
  if (awaiting.length === 0 || run.record.holdReason !== null || run.record.withdrawRequested) return;
  const { free } = partition(await activeHolds(run), awaiting);
  if (free.length === 0) return;
  const now = run.now();
  try {
    await run.commit({
      branches: free.map((b) =>
        steps.startNext(run, { ...b, data: { ...b.data, awaitingPivot: false, pivotAt: now } }, firstStep(b)),
      ),
      expect: {
        notHeld: true,
        noSubjectHold: { ...requestFingerprints(run), adapters: free.map((b) => b.adapterId) },
      },
      audit: free.map((b) => run.audit("branch.pivoted", { adapter: b.adapterId })),
    });
  } catch (error) {
    if (isConflict(error)) return;
    throw error;
  }
  for (const b of free) run.emit("branch.pivoted", { adapter: b.adapterId });
}

/** Remembers the subject holds that keep the request (for status and the receipt); `{}` when known. */
export function rememberHolds(run: RequestRun, holds: readonly HoldRecord[], held: readonly BranchRecord[]) {
  return withHolds(
    run,
    holdIdsCovering(
      holds,
      held.map((b) => b.adapterId),
    ),
  );
}
