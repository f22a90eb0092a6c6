/**
 * The saga of one request, driven phase by phase while a worker holds its lease:
 *
 * erase:    locate → restrict (all branches concurrently) → wait until `after` → pivot → relocate →
 *           delete → verify → receipt. Withdrawal or a non-retryable failure before the pivot
 *           compensates (unrestrict, reverse order). After the pivot only forward recovery.
 * export:   locate → export (concurrently) → access package.
 * restrict: locate → restrict → `restricted` until lifted → unrestrict → `lifted` (Art. 18; see
 *           restriction-requests.ts).
 *
 * `runRequest` returns when the request is finished or waits for time (a retry, a poll, the
 * retention window) or for a caller (hold, needs attention); `wakeAt` says when to come back.
 */
import { FanoutError, isFanoutError } from "../errors.js";
import type { BranchRecord } from "../store/types.js";
import { requestLanguage } from "./access/settings.js";
import { renderAccessIndex } from "./access-index.js";
import { assemblePackage, type WrittenExport } from "./access-package.js";
import { coverageView, NO_USABLE_IDENTIFIER } from "./coverage.js";
import { notifyOverdue } from "./deadlines.js";
import { openStaging, removeStaging } from "./export-staging.js";
import { finalize } from "./finalize.js";
import { pivotReleased, pivotRequest, rememberHolds } from "./pivot.js";
import { runPurgeChecks } from "./purge-check.js";
import type { RequestRun } from "./request-run.js";
import { nextRenewalAt, startDueRenewals } from "./restriction-renewal.js";
import { runRestriction } from "./restriction-run.js";
import {
  advanceAll,
  earliestRetry,
  handleRetry,
  mandatoryFailure,
  POST_PIVOT,
  PRE_PIVOT,
  parkAttention,
  refreshControl,
  runCompensation,
  setState,
  settled,
  startRestricting,
} from "./saga-phases.js";
import { activeHolds, awaitingPivot, HOLD_RECHECK_MS, partition } from "./subject-holds.js";
import type { AccessManifest } from "./types.js";

const earliest = (...times: (number | null)[]): number | null =>
  times.reduce<number | null>((min, t) => (t === null ? min : min === null ? t : Math.min(min, t)), null);

async function runErase(run: RequestRun): Promise<void> {
  for (;;) {
    await refreshControl(run);
    await handleRetry(run);
    if (run.record.state === "needs_attention") return parkAttention(run);
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
      // Subject holds (by fingerprint): a full one keeps the request here, a partial one lets the rest go.
      const holds = await activeHolds(run);
      const { held, free } = partition(holds, awaitingPivot(run));
      if (held.length > 0 && free.length === 0) {
        return setState(
          run,
          "held",
          earliest(renewAt, run.now() + HOLD_RECHECK_MS),
          rememberHolds(run, holds, held),
        );
      }
      if (run.now() < run.record.afterAt) {
        return setState(run, "waiting", earliest(renewAt, run.record.afterAt));
      }
      await pivotRequest(run, free, held, holds);
      continue;
    }
    // Branches a partial subject hold kept past the pivot go when it is released.
    await pivotReleased(run);
    await startDueRenewals(run);
    await advanceAll(run, POST_PIVOT);
    if (run.signal.aborted) return;
    const branches = [...run.branches.values()];
    const finished = (b: (typeof branches)[number]) =>
      b.state === "done" || (b.state === "failed" && run.adapter(b.adapterId).optional);
    if (branches.every(finished)) return finalize(run, "completed");
    const renewAt = nextRenewalAt(run);
    const retryAt = earliestRetry(run);
    if (retryAt !== null) {
      const verifying = branches.every((b) => settled(b) || b.step === "verify" || b.data.awaitingPivot);
      return setState(run, verifying ? "verifying" : "erasing", earliest(retryAt, renewAt));
    }
    const awaiting = branches.filter((b) => b.data.awaitingPivot);
    if (awaiting.length > 0 && branches.every((b) => finished(b) || b.data.awaitingPivot)) {
      return setState(run, "held", earliest(renewAt, run.now() + HOLD_RECHECK_MS));
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
  const staging = await openStaging(to, run.record.id);
  try {
    // A new staging folder holds none of the files of branches exported by an earlier run.
    if (staging.fresh) await exportAgain(run);
    await advanceAll(run, new Set(["locate", "export"]), staging.dir);
    if (run.signal.aborted) {
      // Interrupted (worker stopping, caller's signal): nothing stays behind. Not when the lease
      // was lost: the folder is the new owner's now.
      if (!isFanoutError(run.signal.reason, "LEASE_LOST")) await removeStaging(to, run.record.id);
      return;
    }
    const failure = mandatoryFailure(run);
    const retryAt = earliestRetry(run);
    if (retryAt !== null) return setState(run, "exporting", retryAt);
    if (failure) {
      await removeStaging(to, run.record.id);
      return setState(run, "needs_attention", null, { attention: failure });
    }
    const adapters: Record<string, AccessManifest["adapters"][string]> = {};
    const written: WrittenExport["files"][number][] = [];
    for (const b of run.branches.values()) {
      const exported = b.data.exported as unknown as WrittenExport | undefined;
      const notSearched = b.state === "done" && b.data.reasonCode === NO_USABLE_IDENTIFIER;
      adapters[b.adapterId] = {
        records: exported?.records ?? 0,
        files: Math.max(0, (exported?.files?.length ?? 1) - 1),
        status: notSearched ? "not_searched" : b.state === "done" ? "exported" : "failed",
        coverage: coverageView(b.data.coverage, b.data.given as never),
        ...(typeof b.data.restrictedElsewhere === "number" ? { restricted: b.data.restrictedElsewhere } : {}),
      };
      if (b.state === "done") written.push(...(exported?.files ?? []));
    }
    const info = {
      requestId: run.record.id,
      subject: run.record.fingerprint,
      createdAt: new Date(run.record.createdAt).toISOString(),
      completedAt: new Date(run.now()).toISOString(),
      adapters,
    };
    const index = await renderAccessIndex(staging.dir, info, {
      language: requestLanguage(run.record.doc.language),
      settings: run.ctx.access,
      adapters: run.ctx.adapters,
    });
    await assemblePackage(
      to,
      run.record.id,
      staging.dir,
      info,
      written,
      [{ path: "index.html", content: index }],
      {
        ...(run.payload.password === undefined ? {} : { password: run.payload.password }),
        onProgress: packingProgress(run),
      },
    );
  } catch (error) {
    const lost = isFanoutError(error, "LEASE_LOST") || isFanoutError(run.signal.reason, "LEASE_LOST");
    if (!lost) await removeStaging(to, run.record.id);
    throw error;
  }
  return finalize(run, "completed");
}

/** Branches exported by an earlier run go back to their export step (their files are gone). */
async function exportAgain(run: RequestRun): Promise<void> {
  const again = [...run.branches.values()]
    .filter((b) => b.step === "export" && b.state === "done")
    .map(
      (b): BranchRecord => ({
        ...b,
        state: "ready",
        attempt: 0,
        inFlight: false,
        nextAttemptAt: null,
        outcome: null,
        error: null,
        data: { ...b.data, exported: null },
      }),
    );
  if (again.length > 0) await run.commit({ branches: again });
}

/** `export.progress` while the zip is packed: at most one event per 8 MiB (and the last). */
function packingProgress(run: RequestRun): (done: number, total: number) => void {
  let reported = 0;
  return (done, total) => {
    if (done < total && done - reported < 8 << 20) return;
    reported = done;
    run.emit("export.progress", { phase: "packing", done, total, unit: "bytes" });
  };
}

/** Drives one claimed request as far as it can go now. */
export async function runRequest(run: RequestRun): Promise<void> {
  // An answered request comes back only to check the providers' purges after their ETAs.
  if (run.record.completedAt !== null) return runPurgeChecks(run);
  await notifyOverdue(run);
  if (run.record.kind === "export") return runExport(run);
  if (run.record.kind === "restrict") return runRestriction(run);
  return runErase(run);
}
