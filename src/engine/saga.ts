/**
 * The saga of one request, driven phase by phase while a worker holds its lease:
 *
 * erase:  locate → restrict (all branches concurrently) → wait until `after` → pivot → relocate →
 *         delete → verify → receipt. Withdrawal or a non-retryable failure before the pivot
 *         compensates (unrestrict, reverse order). After the pivot only forward recovery.
 * export: locate → export (concurrently) → access package.
 *
 * `runRequest` returns when the request is finished or waits for time (a retry, a poll, the
 * retention window) or for a caller (hold, needs attention); `wakeAt` says when to come back.
 */
import { FanoutError, type FanoutErrorJSON } from "../errors.js";
import type { BranchRecord, RequestState } from "../store/types.js";
import { renderAccessIndex } from "./access-index.js";
import { assemblePackage, stagingDir } from "./access-package.js";
import { branchCompletion } from "./branch-facts.js";
import * as steps from "./branch-steps.js";
import { compensate } from "./compensation.js";
import { coverageView, NO_USABLE_IDENTIFIER } from "./coverage.js";
import { finalize } from "./finalize.js";
import { runPurgeChecks } from "./purge-check.js";
import { abortableSleep } from "./rate-limiter.js";
import type { RequestRun } from "./request-run.js";
import { nextRenewalAt, startDueRenewals } from "./restriction-renewal.js";
import type { StepEnd } from "./step-executor.js";
import type { AccessManifest } from "./types.js";

const PRE_PIVOT = new Set(["locate", "restrict", "renew"]);
const POST_PIVOT = new Set(["relocate", "delete", "verify"]);

function settled(b: BranchRecord): boolean {
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

async function advanceAll(run: RequestRun, allowed: ReadonlySet<string>, exportDir?: string): Promise<void> {
  const results = await Promise.allSettled(
    [...run.branches.keys()].map((id) => advance(run, id, allowed, exportDir)),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
}

function earliestRetry(run: RequestRun): number | null {
  let next: number | null = null;
  for (const b of run.branches.values()) {
    if (settled(b) || b.nextAttemptAt === null) continue;
    next = next === null ? b.nextAttemptAt : Math.min(next, b.nextAttemptAt);
  }
  return next;
}

function mandatoryFailure(run: RequestRun): FanoutErrorJSON | null {
  for (const b of run.branches.values()) {
    if (b.state === "failed" && !run.adapter(b.adapterId).optional) return b.error;
  }
  return null;
}

async function setState(
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
async function startRestricting(run: RequestRun): Promise<void> {
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
async function handleRetry(run: RequestRun): Promise<void> {
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
      reset.push({ ...b, data: { ...b.data, compensationNextAt: null, compensationAttempt: 0 } });
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
async function refreshControl(run: RequestRun): Promise<void> {
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
  };
}

async function runCompensation(run: RequestRun): Promise<void> {
  const aborted = (run.record.doc.aborted as FanoutErrorJSON | null | undefined) ?? null;
  await setState(run, "compensating", run.now());
  const result = await compensate(run);
  if (result.done) {
    if (run.record.withdrawRequested) return finalize(run, "withdrawn");
    return setState(run, "needs_attention", null, { attention: aborted });
  }
  const failed = [...run.branches.values()].find((b) => b.data.compensation === "failed");
  const attention = (failed?.data.compensationError as FanoutErrorJSON | undefined) ?? aborted;
  if (result.wakeAt === null) return setState(run, "needs_attention", null, { attention });
  await setState(run, "compensating", result.wakeAt, { attention });
}

async function runErase(run: RequestRun): Promise<void> {
  for (;;) {
    await refreshControl(run);
    await handleRetry(run);
    if (run.record.state === "needs_attention") return;
    const preparing = run.record.pivotAt === null;
    if (preparing && (run.record.withdrawRequested || run.record.doc.aborted)) return runCompensation(run);
    if (preparing) {
      if (run.record.state === "pending") await startRestricting(run);
      await advanceAll(run, PRE_PIVOT);
      if (run.signal.aborted) return;
      await refreshControl(run);
      if (run.record.withdrawRequested) continue;
      const failure = mandatoryFailure(run);
      if (failure) {
        await run.commit({
          request: { doc: { ...run.record.doc, aborted: failure } },
          audit: [run.audit("request.aborted", { code: failure.code })],
        });
        continue;
      }
      const retryAt = earliestRetry(run);
      if (retryAt !== null) return setState(run, "restricting", retryAt);
      // A restriction that would destroy data by itself (Zoho's bin) is renewed while we wait.
      if (await startDueRenewals(run)) continue;
      const renewAt = nextRenewalAt(run);
      if (run.record.holdReason !== null) return setState(run, "held", renewAt);
      if (run.now() < run.record.afterAt) {
        return setState(
          run,
          "waiting",
          renewAt === null ? run.record.afterAt : Math.min(renewAt, run.record.afterAt),
        );
      }
      try {
        // The pivot commit also starts every branch's first post-pivot step (one commit saved per
        // branch): a relocate, or the delete itself when the branch's locate is still fresh.
        const starting = [...run.branches.values()]
          .filter((b) => b.state === "ready" && b.step === "relocate")
          .map((b) => steps.startAfterPivot(run, b));
        const reused = starting.filter((b) => b.data.relocate === "skipped").map((b) => b.adapterId);
        await run.commit({
          request: { pivotAt: run.now(), state: "erasing", wakeAt: run.now() },
          branches: starting,
          expect: { notHeld: true, notWithdrawn: true },
          audit: [run.audit("request.pivoted", reused.length > 0 ? { locateReused: reused } : {})],
        });
        run.emit("request.pivoted", {});
        for (const b of starting)
          if (b.state === "done" && b.outcome) run.emit("branch.completed", branchCompletion(b));
      } catch (error) {
        if (error instanceof FanoutError && error.code === "CONFLICT") continue; // held or withdrawn meanwhile
        throw error;
      }
      continue;
    }
    await advanceAll(run, POST_PIVOT);
    if (run.signal.aborted) return;
    const branches = [...run.branches.values()];
    if (
      branches.every((b) => b.state === "done" || (b.state === "failed" && run.adapter(b.adapterId).optional))
    ) {
      return finalize(run, "completed");
    }
    const retryAt = earliestRetry(run);
    if (retryAt !== null) {
      const verifying = branches.every((b) => settled(b) || b.step === "verify");
      return setState(run, verifying ? "verifying" : "erasing", retryAt);
    }
    return setState(run, "needs_attention", null, { attention: mandatoryFailure(run) });
  }
}

async function runExport(run: RequestRun): Promise<void> {
  await refreshControl(run);
  await handleRetry(run);
  if (run.record.state === "needs_attention") return;
  const to = run.payload.to;
  if (!to)
    throw new FanoutError("STORE_CORRUPT", `Export request ${run.record.id} has no destination`, {
      retryable: false,
    });
  if (run.record.state === "pending") await setState(run, "exporting", run.now());
  await advanceAll(run, new Set(["locate", "export"]), stagingDir(to));
  if (run.signal.aborted) return;
  const failure = mandatoryFailure(run);
  const retryAt = earliestRetry(run);
  if (retryAt !== null) return setState(run, "exporting", retryAt);
  if (failure) return setState(run, "needs_attention", null, { attention: failure });
  const adapters: Record<string, AccessManifest["adapters"][string]> = {};
  for (const b of run.branches.values()) {
    const written = b.data.exported as { records?: number; files?: unknown[] } | undefined;
    const notSearched = b.state === "done" && b.data.reasonCode === NO_USABLE_IDENTIFIER;
    adapters[b.adapterId] = {
      records: written?.records ?? 0,
      files: Math.max(0, (written?.files?.length ?? 1) - 1),
      status: notSearched ? "not_searched" : b.state === "done" ? "exported" : "failed",
      coverage: coverageView(b.data.coverage, b.data.given as never),
    };
  }
  const info = {
    requestId: run.record.id,
    subject: run.record.fingerprint,
    createdAt: new Date(run.record.createdAt).toISOString(),
    completedAt: new Date(run.now()).toISOString(),
    adapters,
  };
  const index = await renderAccessIndex(stagingDir(to), info);
  await assemblePackage(to, info, [{ path: "index.html", content: index }]);
  return finalize(run, "completed");
}

/** Drives one claimed request as far as it can go now. */
export function runRequest(run: RequestRun): Promise<void> {
  // An answered request comes back only to check the providers' purges after their ETAs.
  if (run.record.completedAt !== null) return runPurgeChecks(run);
  return run.record.kind === "export" ? runExport(run) : runErase(run);
}
