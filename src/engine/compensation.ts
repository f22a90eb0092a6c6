/**
 * Compensation: undoing restrictions, in reverse order of completion, when a request is withdrawn
 * or fails before the pivot. Each compensation was registered before the call it undoes, so a
 * restrict cut by a crash is undone too (`undo` may then be `undefined`). Compensations are
 * shielded from cancellation (a stopping worker lets them finish), idempotent, retried with backoff
 * when they fail, and a failure shows in `status()` as `COMPENSATION_FAILED`.
 */
import type { JsonValue, RecordRef, Residual, UnrestrictResult } from "../adapter.js";
import { FanoutError } from "../errors.js";
import type { BranchRecord } from "../store/types.js";
import { subjectIdentifiers } from "../subject.js";
import type { RequestRun } from "./request-run.js";
import { validateResiduals } from "./residuals.js";
import { attemptsRemain, backoffDelay } from "./retry-policy.js";
import { asStepError } from "./step-executor.js";
import { assertNoPersonalData, toJson } from "./validate-output.js";

/** How long one unrestrict call may take when shielded from the worker's cancellation. */
const SHIELDED_TIMEOUT_MS = 120_000;

function needsCompensation(b: BranchRecord): boolean {
  return (
    (b.data.restriction === "registered" || b.data.restriction === "done") &&
    b.data.compensation !== "done" &&
    b.data.compensation !== "partial"
  );
}

/** Order: latest restriction first; one registered but never completed counts as the latest. */
function reverseOrder(branches: Iterable<BranchRecord>): BranchRecord[] {
  const seq = (b: BranchRecord) =>
    typeof b.data.restrictSeq === "number" ? b.data.restrictSeq : Number.POSITIVE_INFINITY;
  return [...branches].filter(needsCompensation).sort((a, b) => seq(b) - seq(a) || b.position - a.position);
}

/**
 * Runs due compensations. Returns `done` when nothing is left to undo, else the time of the next
 * retry (or `null` when attempts are exhausted and a person must act).
 */
export async function compensate(
  run: RequestRun,
): Promise<{ done: true } | { done: false; wakeAt: number | null }> {
  let wakeAt: number | null = null;
  let exhausted = false;
  for (const branch of reverseOrder(run.branches.values())) {
    const nextAt = typeof branch.data.compensationNextAt === "number" ? branch.data.compensationNextAt : null;
    // Refused for good (not retryable, or out of attempts): it waits for a person's retry(), which
    // resets it. Another branch's retry waking the request must not call it again.
    if (branch.data.compensation === "failed" && nextAt === null) {
      exhausted = true;
      continue;
    }
    if (nextAt !== null && nextAt > run.now()) {
      wakeAt = wakeAt === null ? nextAt : Math.min(wakeAt, nextAt);
      continue;
    }
    const result = await compensateOne(run, branch);
    if (result === "exhausted") exhausted = true;
    else if (typeof result === "number") wakeAt = wakeAt === null ? result : Math.min(wakeAt, result);
  }
  if (reverseOrder(run.branches.values()).length === 0) return { done: true };
  return { done: false, wakeAt: exhausted && wakeAt === null ? null : wakeAt };
}

async function compensateOne(run: RequestRun, branch: BranchRecord): Promise<"ok" | "exhausted" | number> {
  const adapter = run.adapter(branch.adapterId);
  const attempt =
    (typeof branch.data.compensationAttempt === "number" ? branch.data.compensationAttempt : 0) + 1;
  if (!adapter.capabilities.unrestrict || !adapter.unrestrict) {
    await run.saveBranch(
      {
        ...branch,
        state: "compensated",
        data: { ...branch.data, compensation: "done", notReversible: true },
      },
      { audit: [run.audit("compensation.not_reversible", { adapter: adapter.id })] },
    );
    return "ok";
  }
  await run.saveBranch(
    { ...branch, data: { ...branch.data, compensation: "pending", compensationAttempt: attempt } },
    { audit: [run.audit("compensation.started", { adapter: adapter.id, attempt })] },
  );
  run.emit("compensation.started", { adapter: adapter.id });
  // Shielded: not tied to the worker's signal, only to its own timeout.
  const signal = AbortSignal.timeout(SHIELDED_TIMEOUT_MS);
  const refs = Array.isArray(branch.data.refs) ? (branch.data.refs as unknown as RecordRef[]) : [];
  const undo = branch.data.restriction === "done" ? (branch.data.undo as JsonValue) : undefined;
  let notUndone: Residual[];
  try {
    const result = await adapter.unrestrict(
      refs,
      undo,
      run.operationContext(adapter, "unrestrict", attempt, signal),
    );
    notUndone = validateResiduals((result as UnrestrictResult | undefined)?.notUndone, adapter.id).filter(
      (r) => r.count > 0,
    );
    assertNoPersonalData(
      notUndone,
      subjectIdentifiers(run.subject),
      adapter.id,
      "what unrestrict could not undo",
    );
  } catch (raw) {
    const cause = asStepError(raw, run, adapter.id, "unrestrict");
    const error = new FanoutError(
      "COMPENSATION_FAILED",
      `${adapter.id}: undoing the restriction failed (${cause.code})`,
      {
        retryable: cause.retryable,
        provider: adapter.id,
        operation: "unrestrict",
        cause,
      },
    ).toJSON();
    const policy = run.ctx.policies.get(adapter.id)!;
    const again = cause.retryable && attemptsRemain(policy, attempt);
    const nextAt = again
      ? run.now() + backoffDelay(policy, attempt, run.ctx.random, cause.retryAfterMs)
      : null;
    const current = run.branches.get(branch.adapterId)!;
    await run.saveBranch(
      {
        ...current,
        data: {
          ...current.data,
          compensation: "failed",
          compensationError: error,
          compensationNextAt: nextAt,
        },
      },
      {
        steps: [run.stepLog(branch, "unrestrict", attempt, again ? "retrying" : "failed", cause.code)],
        audit: [run.audit("compensation.failed", { adapter: adapter.id, attempt, code: cause.code })],
      },
    );
    run.emit("compensation.failed", { adapter: adapter.id, error });
    return nextAt ?? "exhausted";
  }
  // An undo that could not restore everything (a subscription that ended during the wait) is
  // `partial`: the request still ends, but status, events and the receipt say what stayed changed.
  const partial = notUndone.length > 0;
  const current = run.branches.get(branch.adapterId)!;
  await run.saveBranch(
    {
      ...current,
      state: "compensated",
      data: {
        ...current.data,
        compensation: partial ? "partial" : "done",
        ...(partial ? { notUndone: toJson(notUndone) } : {}),
        compensationError: null,
        compensationNextAt: null,
      },
    },
    {
      steps: [run.stepLog(branch, "unrestrict", attempt, "succeeded", null)],
      audit: [
        run.audit(partial ? "compensation.partial" : "compensation.completed", {
          adapter: adapter.id,
          ...(partial ? { notUndone: notUndone.map((r) => ({ type: r.type, count: r.count })) } : {}),
        }),
      ],
    },
  );
  run.emit("compensation.completed", { adapter: adapter.id, partial, notUndone });
  return "ok";
}
