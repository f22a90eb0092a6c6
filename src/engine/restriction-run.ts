/**
 * The saga of a restriction request (Art. 18; the rules are in restriction-requests.ts):
 * locate → restrict on every branch → `restricted` (answered; restrictions with a lifetime renewed
 * while it stays so) → on `lift`, unrestrict in reverse order → `lifted`, with a signed closing record.
 */
import type { RequestRun } from "./request-run.js";
import { nextRenewalAt, startDueRenewals } from "./restriction-renewal.js";
import { liftOf } from "./restriction-requests.js";
import {
  advanceAll,
  earliestRetry,
  handleRetry,
  mandatoryFailure,
  PRE_PIVOT,
  parkAttention,
  refreshControl,
  runCompensation,
  setState,
} from "./saga-phases.js";

export async function runRestriction(run: RequestRun): Promise<void> {
  for (;;) {
    await refreshControl(run);
    await handleRetry(run);
    if (run.record.state === "needs_attention") return parkAttention(run);
    if (liftOf(run.record) || run.record.withdrawRequested || run.record.doc.aborted) {
      return runCompensation(run);
    }
    if (run.record.state === "pending") await setState(run, "restricting", run.now());
    await advanceAll(run, PRE_PIVOT);
    if (run.signal.aborted) return;
    await refreshControl(run);
    if (liftOf(run.record)) continue;
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
    if (await startDueRenewals(run)) continue;
    const renewAt = nextRenewalAt(run);
    if (typeof run.record.doc.answeredAt !== "number") {
      // Every branch restricted (or with nothing to restrict): the request is answered now.
      await setState(run, "restricted", renewAt, { answeredAt: run.now() });
      run.emit("request.restricted", {});
      return;
    }
    return setState(run, "restricted", renewAt);
  }
}
