/**
 * Running one attempt of one branch step, durably:
 * 1. the attempt is recorded as started *before* the provider is called (the success commit of the
 *    previous step does this at no extra cost); an attempt found started but unfinished after a
 *    crash is counted, so attempt counters never go back;
 * 2. a few quick in-process retries (p-retry) absorb blips;
 * 3. the result — success, a durable retry at `nextAttemptAt` (backoff with jitter, at least the
 *    provider's `Retry-After`), or failure — is committed with a step-log row.
 */
import { setMaxListeners } from "node:events";
import pRetry from "p-retry";
import type { SubprocessorAdapter } from "../adapter.js";
import { FanoutError, isFanoutError } from "../errors.js";
import { missingPackage, missingPackageError } from "../missing-package.js";
import { scrubText } from "../redact.js";
import type { BranchRecord, StepName } from "../store/types.js";
import { subjectIdentifiers } from "../subject.js";
import { branchCompletion } from "./branch-facts.js";
import type { RequestRun } from "./request-run.js";
import { attemptsRemain, backoffDelay } from "./retry-policy.js";
import { inStepSpan, type StepSpan } from "./tracing.js";

/** How an attempt ended. */
export type StepEnd = "succeeded" | "retrying" | "failed";

/** In-process retries: short blips only; anything longer becomes a durable retry. */
const QUICK_RETRIES = { retries: 2, minTimeout: 50, maxTimeout: 400, factor: 3 } as const;
const QUICK_RETRY_MAX_WAIT_MS = 1000;

/** The record ids a branch located, long enough to scrub without mangling ordinary text. */
function recordIds(branch: BranchRecord | undefined): string[] {
  const refs = Array.isArray(branch?.data.refs) ? (branch.data.refs as { id?: unknown }[]) : [];
  return refs.map((r) => String(r.id ?? "")).filter((id) => id.length >= 5);
}

/** Key of an attempt in `RequestRun.startedHere`. */
export const attemptKey = (adapterId: string, step: StepName, attempt: number) =>
  `${adapterId}:${step}#${attempt}`;

/** Turns anything an adapter throws into a sanitised FanoutError. */
export function asStepError(error: unknown, run: RequestRun, adapterId: string, step: StepName): FanoutError {
  // A provider's message may name the record it refused ("No such customer: cus_…"): the branch's
  // record ids are scrubbed with the subject's identifiers, so no error the store keeps holds one.
  const redact = [...subjectIdentifiers(run.subject), ...recordIds(run.branches.get(adapterId))];
  if (isFanoutError(error)) {
    // Re-scrub: an adapter may have built a message from a provider's text.
    const json = error.toJSON();
    const text = scrubText(json.message, redact);
    if (text === json.message) return error;
    // `details` and `cause` are left out: built from the same provider text, they may name the
    // record too, and `redact` scrubs neither (details are free-form; the cause is already a plain
    // sanitised object). The code, status and provider code say what went wrong.
    return new FanoutError(error.code, text, {
      retryable: error.retryable,
      provider: error.provider ?? adapterId,
      operation: error.operation ?? step,
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      ...(error.providerCode !== undefined ? { providerCode: error.providerCode } : {}),
      redact,
    });
  }
  const pkg = missingPackage(error);
  if (pkg) return missingPackageError(pkg, { provider: adapterId, operation: step }, error);
  return new FanoutError("STEP_FAILED", `${adapterId} ${step} failed with an unexpected error`, {
    retryable: true,
    provider: adapterId,
    operation: step,
    cause: error,
    redact,
  });
}

/**
 * Runs one adapter call under the worker's signal and the step timeout. The call is raced against
 * the timeout, so an adapter that ignores its signal (an SDK without abort support, a socket that
 * never closes) cannot hang the request: the attempt fails with a retryable `TIMEOUT`.
 */
async function bounded<T>(
  run: RequestRun,
  adapterId: string,
  step: StepName,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  // Wired by hand: signals made with AbortSignal.any stayed reachable after the attempt (the soak
  // test saw the heap grow by ~30 KB per request).
  const timeout = new AbortController();
  const signal = timeout.signal;
  // Like the worker's signal: an adapter's concurrent requests each listen on it.
  setMaxListeners(0, signal);
  const onStop = () => timeout.abort(run.signal.reason);
  if (run.signal.aborted) onStop();
  else run.signal.addEventListener("abort", onStop, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new FanoutError("TIMEOUT", `${adapterId} ${step} did not finish in time`, {
        retryable: true,
        provider: adapterId,
        operation: step,
      });
      timeout.abort(error);
      reject(error);
    }, run.ctx.stepTimeoutMs);
  });
  try {
    return await Promise.race([call(signal), expired]);
  } finally {
    clearTimeout(timer);
    run.signal.removeEventListener("abort", onStop);
  }
}

/**
 * Runs the branch's current step once (with quick retries) and commits the result. `onSuccess`
 * returns the branch as it should be stored after success (next step, data).
 */
export async function executeStep<T>(
  run: RequestRun,
  adapterId: string,
  call: (attempt: number, signal: AbortSignal) => Promise<T>,
  onSuccess: (result: T, branch: BranchRecord) => BranchRecord | Promise<BranchRecord>,
): Promise<StepEnd> {
  let branch = run.branches.get(adapterId)!;
  const step = branch.step;
  const adapter = run.adapter(adapterId);
  if (!(branch.inFlight && run.startedHere.has(attemptKey(adapterId, step, branch.attempt)))) {
    branch = {
      ...branch,
      attempt: branch.attempt + 1,
      inFlight: true,
      state: "running",
      nextAttemptAt: null,
    };
    await run.saveBranch(branch);
  }
  const attempt = branch.attempt;
  run.startedHere.add(attemptKey(adapterId, step, attempt));
  run.emit("branch.step", { adapter: adapterId, step, attempt });
  const attributes = {
    "gdpr_fanout.request_id": run.record.id,
    "gdpr_fanout.adapter": adapterId,
    "gdpr_fanout.attempt": attempt,
  };
  // The span is the active one while the step runs: the SDKs' HTTP spans nest under it.
  return inStepSpan(run.ctx.tracer, `gdpr-fanout ${step}`, attributes, (span) =>
    attemptInSpan(run, adapter, branch, attempt, call, onSuccess, span),
  );
}

async function attemptInSpan<T>(
  run: RequestRun,
  adapter: SubprocessorAdapter,
  branch: BranchRecord,
  attempt: number,
  call: (attempt: number, signal: AbortSignal) => Promise<T>,
  onSuccess: (result: T, branch: BranchRecord) => BranchRecord | Promise<BranchRecord>,
  span: StepSpan | undefined,
): Promise<StepEnd> {
  const step = branch.step;
  const adapterId = adapter.id;
  const limiterKey = adapter.rateLimitKey ?? adapter.id;
  try {
    const result = await pRetry(
      async () => {
        try {
          return await bounded(run, adapterId, step, (signal) => call(attempt, signal));
        } catch (error) {
          throw asStepError(error, run, adapterId, step);
        }
      },
      {
        ...QUICK_RETRIES,
        signal: run.signal,
        onFailedAttempt: ({ error }) => {
          if (isFanoutError(error) && error.code === "RATE_LIMITED") {
            run.ctx.limiter.penalize(limiterKey, error.retryAfterMs ?? 1000);
          }
        },
        shouldRetry: ({ error }) =>
          isFanoutError(error) &&
          error.retryable &&
          error.code !== "RATE_LIMITED" &&
          (error.retryAfterMs ?? 0) <= QUICK_RETRY_MAX_WAIT_MS &&
          !run.signal.aborted,
      },
    );
    const next = await onSuccess(result, branch);
    await run.saveBranch(next, { steps: [run.stepLog(branch, step, attempt, "succeeded", null)] });
    if (next.state === "done" && next.outcome) run.emit("branch.completed", branchCompletion(next));
    if (next.state === "failed" && next.error)
      run.emit("branch.failed", { adapter: adapterId, step, error: next.error });
    span?.setStatus({ code: 1 });
    return "succeeded";
  } catch (raw) {
    const error = raw instanceof FanoutError ? raw : asStepError(raw, run, adapterId, step);
    span?.setStatus({ code: 2, message: error.code });
    // Stopping (worker shutdown, lost lease): leave the attempt marked in flight; the next claim counts it.
    if (run.signal.aborted || error.code === "LEASE_LOST") throw error;
    const policy = run.ctx.policies.get(adapterId)!;
    const retry =
      error.retryable &&
      !policy.nonRetryableErrorCodes.includes(error.code) &&
      attemptsRemain(policy, attempt);
    const json = error.toJSON();
    if (retry) {
      const delay = backoffDelay(policy, attempt, run.ctx.random, error.retryAfterMs);
      const nextAttemptAt = run.now() + delay;
      await run.saveBranch(
        { ...branch, inFlight: false, state: "waiting_retry", nextAttemptAt, error: json },
        { steps: [run.stepLog(branch, step, attempt, "retrying", error.code)] },
      );
      run.emit("branch.retrying", {
        adapter: adapterId,
        step,
        attempt,
        nextAttemptAt: new Date(nextAttemptAt).toISOString(),
        error: json,
      });
      return "retrying";
    }
    await run.saveBranch(
      { ...branch, inFlight: false, state: "failed", outcome: "failed", nextAttemptAt: null, error: json },
      {
        steps: [run.stepLog(branch, step, attempt, "failed", error.code)],
        audit: [run.audit("branch.failed", { adapter: adapterId, step, code: error.code })],
      },
    );
    run.emit("branch.failed", { adapter: adapterId, step, error: json });
    return "failed";
  } finally {
    span?.end();
  }
}
