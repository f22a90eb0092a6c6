/**
 * The phases every request's saga is made of, shared by the erasure, access and restriction runs:
 * advancing branches, their retries, the request's state, `retry()` and compensation.
 */
import { FanoutError, type FanoutErrorJSON } from "../errors.js";
import type { BranchRecord, RequestState } from "../store/types.js";
import * as steps from "./branch-steps.js";
import { compensate } from "./compensation.js";
import { finalize } from "./finalize.js";
import { abortableSleep } from "./rate-limiter.js";
import type { RequestRun } from "./request-run.js";
import { liftOf } from "./restriction-requests.js";
import type { StepEnd } from "./step-executor.js";

/** Steps before the pivot. */
export const PRE_PIVOT: ReadonlySet<string> = new Set(["locate", "restrict", "renew"]);
/** Steps after it (`renew`: a branch a partial subject hold keeps restricted past the request's pivot). */
export const POST_PIVOT: ReadonlySet<string> = new Set(["relocate", "delete", "verify", "renew"]);

export function settled(b: BranchRecord): boolean {
  return b.state === "done" || b.state === "failed" || b.state === "compensated";
}

function due(run: RequestRun, b: BranchRecord): boolean {
  return !settled(b) && (b.nextAttemptAt === null || b.nextAttemptAt <= run.now());
}

/**
 * When a branch's next attempt (a retry, a status poll) is due within `ctx.inlineWaitMs`, it waits
 * for it here instead of ending the round: the other branches keep going, and the request does not
 * wait for the slowest branch's round plus a worker round trip before that branch moves again.
 */
async function waitedInline(run: RequestRun, id: string, allowed: ReadonlySet<string>): Promise<boolean> {
  const b = run.branches.get(id)!;
  if (settled(b) || b.nextAttemptAt === null || !allowed.has(b.step)) return false;
  const wait = b.nextAttemptAt - run.now();
  if (wait > run.ctx.inlineWaitMs) return false;
  if (wait > 0) await abortableSleep(wait, run.signal).catch(() => {});
  return !run.signal.aborted;
}

/** Runs a branch's steps while they can run now, or after a short wait. */
async function advance(
  run: RequestRun,
  id: string,
  allowed: ReadonlySet<string>,
  exportDir?: string,
): Promise<void> {
  for (;;) {
    const b = run.branches.get(id)!;
    if (run.signal.aborted || !allowed.has(b.step)) return;
    // Held by a subject hold past the request's pivot: only its restriction's renewal runs.
    if (b.data.awaitingPivot && b.step !== "renew") return;
    if (!due(run, b)) {
      if (await waitedInline(run, id, allowed)) continue;
      return;
    }
    let end: StepEnd;
    switch (b.step) {
      case "locate":
        end = await steps.locate(run, id);
        break;
      case "restrict":
        end = await steps.restrict(run, id);
        break;
      case "renew":
        end = await steps.renew(run, id);
        break;
      case "relocate":
        end = await steps.relocate(run, id);
        break;
      case "delete":
        end = await steps.erase(run, id);
        break;
      case "verify":
        end = await steps.verify(run, id);
        break;
      case "export":
        end = await steps.exportData(run, id, exportDir!);
        break;
      default:
        return;
    }
    if (end === "failed") return;
  }
}

export async function advanceAll(
  run: RequestRun,
  allowed: ReadonlySet<string>,
  exportDir?: string,
): Promise<void> {
  const results = await Promise.allSettled(
    [...run.branches.keys()].map((id) => advance(run, id, allowed, exportDir)),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
}

export function earliestRetry(run: RequestRun): number | null {
  let next: number | null = null;
  for (const b of run.branches.values()) {
    if (settled(b) || b.nextAttemptAt === null) continue;
    next = next === null ? b.nextAttemptAt : Math.min(next, b.nextAttemptAt);
  }
  return next;
}

export function mandatoryFailure(run: RequestRun): FanoutErrorJSON | null {
  for (const b of run.branches.values()) {
    if (b.state === "failed" && !run.adapter(b.adapterId).optional) return b.error;
  }
  return null;
}

export async function setState(
  run: RequestRun,
  state: RequestState,
  wakeAt: number | null,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const previous = run.record.state;
  const doc = Object.keys(extra).length ? { ...run.record.doc, ...extra } : run.record.doc;
  if (previous === state && run.record.wakeAt === wakeAt && doc === run.record.doc) return;
  await run.commit({
    request: { state, wakeAt, doc },
    ...(previous !== state ? { audit: [run.audit("request.state", { state, previous })] } : {}),
  });
  if (previous !== state) run.emit("request.state", { state, previous });
  if (state === "needs_attention" && previous !== state) {
    run.emit("request.needs_attention", {
      error: (run.record.doc.attention as FanoutErrorJSON | null) ?? null,
    });
  }
}

/**
 * The first commit of an erasure: `restricting`, with every branch's locate recorded as started in
 * the same commit (as the pivot starts the post-pivot steps), instead of one more commit per branch.
 */
export async function startRestricting(run: RequestRun): Promise<void> {
  const previous = run.record.state;
  const starting = [...run.branches.values()]
    .filter((b) => b.state === "pending" && b.step === "locate" && b.attempt === 0 && !b.inFlight)
    .map((b) => steps.startNext(run, b, "locate"));
  await run.commit({
    request: { state: "restricting", wakeAt: run.now() },
    branches: starting,
    audit: [run.audit("request.state", { state: "restricting", previous })],
  });
  run.emit("request.state", { state: "restricting", previous });
}

/** Acts on a `retry()` the worker has not handled yet: failed steps run again, nothing finished re-runs. */
export async function handleRetry(run: RequestRun): Promise<void> {
  const record = run.record;
  const handled = typeof record.doc.retryHandled === "number" ? record.doc.retryHandled : 0;
  if (record.retryRequested <= handled) return;
  const reset: BranchRecord[] = [];
  const adapterCaps = (id: string) => run.adapter(id).capabilities;
  for (const b of run.branches.values()) {
    if (b.state === "failed") {
      reset.push({
        ...b,
        state: "pending",
        outcome: null,
        error: null,
        attempt: 0,
        inFlight: false,
        nextAttemptAt: null,
      });
    } else if (b.state === "compensated" && record.pivotAt === null) {
      const restrictAgain =
        adapterCaps(b.adapterId).restrict && Array.isArray(b.data.refs) && b.data.refs.length > 0;
      reset.push({
        ...b,
        state: restrictAgain ? "pending" : "ready",
        step: restrictAgain ? "restrict" : "relocate",
        attempt: 0,
        inFlight: false,
        nextAttemptAt: null,
        data: {
          ...b.data,
          restriction: restrictAgain ? "registered" : "skipped",
          compensation: null,
          compensationAttempt: 0,
          compensationError: null,
          compensationNextAt: null,
        },
      });
    } else if (b.data.compensation === "failed") {
      // No longer "failed": compensate() leaves a failed undo without a next attempt to a person.
      reset.push({
        ...b,
        data: { ...b.data, compensation: "pending", compensationNextAt: null, compensationAttempt: 0 },
      });
    }
  }
  const state: RequestState =
    record.kind === "export" ? "exporting" : record.pivotAt !== null ? "erasing" : "restricting";
  await run.commit({
    branches: reset,
    request: {
      state,
      wakeAt: run.now(),
      doc: { ...record.doc, retryHandled: record.retryRequested, attention: null, aborted: null },
    },
    audit: [run.audit("request.retried", { branches: reset.map((b) => b.adapterId) })],
  });
  run.emit("request.state", { state, previous: record.state });
}

/** Re-reads the control columns (hold, withdraw, retry) written by other processes. */
export async function refreshControl(run: RequestRun): Promise<void> {
  const fresh = await run.ctx.store.getRequest(run.record.id);
  if (!fresh)
    throw new FanoutError("STORE_CORRUPT", `Request ${run.record.id} disappeared from the store`, {
      retryable: false,
    });
  run.record = {
    ...run.record,
    holdReason: fresh.holdReason,
    withdrawRequested: fresh.withdrawRequested,
    retryRequested: fresh.retryRequested,
    // Written by extend, expedite and lift.
    dueAt: fresh.dueAt,
    afterAt: fresh.afterAt,
    legal: fresh.legal,
  };
}

export async function runCompensation(run: RequestRun): Promise<void> {
  const aborted = (run.record.doc.aborted as FanoutErrorJSON | null | undefined) ?? null;
  await setState(run, "compensating", run.now());
  const result = await compensate(run);
  if (result.done) {
    if (run.record.kind === "restrict" && liftOf(run.record)) return finalize(run, "lifted");
    if (run.record.withdrawRequested) return finalize(run, "withdrawn");
    return setState(run, "needs_attention", null, { attention: aborted });
  }
  const failed = [...run.branches.values()].find((b) => b.data.compensation === "failed");
  const attention = (failed?.data.compensationError as FanoutErrorJSON | undefined) ?? aborted;
  if (result.wakeAt === null) return setState(run, "needs_attention", null, { attention });
  await setState(run, "compensating", result.wakeAt, { attention });
}

/**
 * A request that needs attention waits for a person (`retry()`): it is not due again. A control
 * change that woke it (a hold, a release) must not leave it due, or every claim would pick it up.
 */
export async function parkAttention(run: RequestRun): Promise<void> {
  if (run.record.wakeAt !== null) await setState(run, "needs_attention", null);
}
