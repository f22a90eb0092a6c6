/**
 * Checking the providers' own purges. A `scheduled` branch ends when the provider accepted an
 * irreversible deletion and promised to purge by an ETA (HubSpot, Pipedrive's trash, Chargebee's
 * retention). The request is answered then, but the promise is checked: a day after each ETA the
 * worker asks the adapter's `status` again.
 * - `done` (nothing left that the adapter can see): the purge is verified; the receipt is signed
 *   again with `purgeVerifiedAt`.
 * - `scheduled` with nothing live, past the ETA: the adapter cannot observe the purge (a trash the
 *   API does not show): `unverifiable`, stated as such on the receipt, never called verified;
 *   with a later ETA, checked again after it.
 * - live data still there (`remaining`): `PURGE_NOT_CONFIRMED` — the request returns to
 *   `needs_attention`, and `retry()` checks again.
 * - `pending`, or a retryable error: checked again later, with backoff.
 * The subject was shredded at completion; a purge check needs only the stored record ids.
 */
import type { DeleteResult, StatusResult } from "../adapter.js";
import { FanoutError, type FanoutErrorJSON } from "../errors.js";
import type { BranchRecord } from "../store/types.js";
import { requestAuditHead } from "./audit-trail.js";
import { purgeView } from "./branch-facts.js";
import { shredBranch } from "./branch-sealing.js";
import { holdsOf, PURGE_CHECK_GRACE_MS } from "./finalize.js";
import { signReceipt } from "./receipt.js";
import { receiptContent } from "./receipt-content.js";
import type { RequestRun } from "./request-run.js";
import { deletedRefs } from "./retention.js";
import { attemptsRemain, backoffDelay } from "./retry-policy.js";
import { asStepError } from "./step-executor.js";
import { toJson, validateStatus } from "./validate-output.js";

interface PurgeData {
  readonly state: "pending" | "verified" | "not_confirmed" | "unverifiable";
  readonly verifiedAt?: number;
  readonly attempts?: number;
  /** A retry's time, when a check failed transiently. */
  readonly nextCheckAt?: number;
  readonly error?: FanoutErrorJSON | null;
}

function purgeData(b: BranchRecord): PurgeData {
  return (b.data.purge as PurgeData | undefined) ?? { state: "pending" };
}

/** When the branch's purge is to be checked next, or `null` when it is not pending. */
function checkAt(b: BranchRecord): number | null {
  const view = purgeView(b);
  if (view?.state !== "pending") return null;
  return purgeData(b).nextCheckAt ?? Date.parse(view.dueBy) + PURGE_CHECK_GRACE_MS;
}

function withPurge(run: RequestRun, b: BranchRecord, purge: PurgeData): BranchRecord {
  return { ...b, updatedAt: run.now(), data: { ...b.data, purge: toJson(purge) } };
}

/** Checks one branch's purge; returns the branch as it should be stored. */
async function checkOne(run: RequestRun, b: BranchRecord): Promise<BranchRecord> {
  const adapter = run.adapter(b.adapterId);
  const previous = purgeData(b);
  const attempt = (previous.attempts ?? 0) + 1;
  const refs = deletedRefs(b);
  const deletion = b.data.deletion as unknown as DeleteResult;
  let status: StatusResult;
  try {
    const ctx = run.operationContext(adapter, "purge_check", attempt, run.signal);
    status = validateStatus(await adapter.status(refs, deletion, ctx), adapter.id);
  } catch (raw) {
    if (run.signal.aborted) throw raw;
    const error = asStepError(raw, run, adapter.id, "purge_check");
    const policy = run.ctx.policies.get(adapter.id)!;
    if (error.retryable && attemptsRemain(policy, attempt)) {
      const nextCheckAt = run.now() + backoffDelay(policy, attempt, run.ctx.random, error.retryAfterMs);
      return withPurge(run, b, { ...previous, attempts: attempt, nextCheckAt, error: error.toJSON() });
    }
    return withPurge(run, b, { state: "not_confirmed", attempts: attempt, error: error.toJSON() });
  }
  if (status.state === "done") {
    const verified = withPurge(run, b, { state: "verified", verifiedAt: run.now(), attempts: attempt });
    return { ...verified, data: { ...verified.data, status: toJson(status) } };
  }
  if (status.state === "pending") {
    const nextCheckAt = run.now() + run.ctx.pollIntervalMs * 2 ** Math.min(attempt - 1, 20);
    return withPurge(run, b, { ...previous, attempts: attempt, nextCheckAt });
  }
  const promised = status.eta ? Date.parse(status.eta) : Date.parse(String(b.data.eta));
  if (status.state === "scheduled" && status.remaining === 0 && promised > run.now()) {
    // The provider moved its date: check again a day after the new one.
    const nextCheckAt = promised + PURGE_CHECK_GRACE_MS;
    return withPurge(run, b, { ...previous, attempts: attempt, nextCheckAt });
  }
  if (status.state === "scheduled" && status.remaining === 0) {
    // Nothing live is left, but the adapter cannot see the provider's trash: say exactly that.
    const blind = withPurge(run, b, { state: "unverifiable", attempts: attempt });
    return { ...blind, data: { ...blind.data, status: toJson(status) } };
  }
  // Past its ETA the provider still holds something the adapter can see: the promise was not kept.
  const unconfirmed = withPurge(run, b, { state: "not_confirmed", attempts: attempt });
  return { ...unconfirmed, data: { ...unconfirmed.data, status: toJson(status) } };
}

/** `retry()` on a request whose purge was not confirmed: check those purges again now. */
function retriedBranches(run: RequestRun): BranchRecord[] {
  const handled = typeof run.record.doc.retryHandled === "number" ? run.record.doc.retryHandled : 0;
  if (run.record.retryRequested <= handled) return [];
  return [...run.branches.values()]
    .filter((b) => purgeView(b)?.state === "not_confirmed")
    .map((b) => withPurge(run, b, { state: "pending", nextCheckAt: run.now() }));
}

/** Runs the purge checks that are due, and re-signs the receipt when anything changed. */
export async function runPurgeChecks(run: RequestRun): Promise<void> {
  const retried = retriedBranches(run);
  if (retried.length > 0) {
    await run.commit({
      branches: retried,
      request: { doc: { ...run.record.doc, retryHandled: run.record.retryRequested } },
      audit: [run.audit("request.retried", { branches: retried.map((b) => b.adapterId) })],
    });
  }
  const changed: BranchRecord[] = [];
  for (const b of run.branches.values()) {
    const at = checkAt(b);
    if (at === null || at > run.now()) continue;
    changed.push(await checkOne(run, b));
  }
  if (run.signal.aborted) return;
  for (const b of changed) run.branches.set(b.adapterId, b);
  const branches = [...run.branches.values()];
  const notConfirmed = branches.filter((b) => purgeView(b)?.state === "not_confirmed");
  const pendingAt = branches
    .map(checkAt)
    .filter((t): t is number => t !== null)
    .reduce<number | null>((min, t) => (min === null ? t : Math.min(min, t)), null);
  const settledNow = changed.filter((b) => purgeView(b)?.state !== "pending");
  const attention =
    notConfirmed.length > 0
      ? new FanoutError(
          "PURGE_NOT_CONFIRMED",
          `The provider's purge was not confirmed after its ETA: ${notConfirmed.map((b) => b.adapterId).join(", ")}`,
          { retryable: false, details: { adapters: notConfirmed.map((b) => b.adapterId) } },
        ).toJSON()
      : null;
  const state = attention ? "needs_attention" : "completed";
  const audit = settledNow.map((b) =>
    run.audit(`purge.${purgeView(b)?.state ?? "pending"}`, { adapter: b.adapterId }),
  );
  const doc = { ...run.record.doc, attention, purgePending: pendingAt !== null || notConfirmed.length > 0 };
  if (settledNow.length > 0) {
    const head = await requestAuditHead(run.ctx.store, run.record.id);
    const receipt = signReceipt(
      receiptContent({
        record: run.record,
        branches,
        adapters: run.ctx.adapters,
        audit: { entries: head.entries, head: head.hash },
        state: "completed",
        answeredAt: run.record.completedAt ?? run.now(),
        now: run.now(),
        holds: await holdsOf(run),
      }),
      run.ctx.signingKey,
    );
    Object.assign(doc, { receipt: toJson(receipt) });
  }
  const previous = run.record.state;
  await run.commit({
    // A settled purge needs the record ids no more: they become keyed fingerprints.
    branches: changed.map((b) => shredBranch(b, run.ctx.secret)),
    request: { state, wakeAt: pendingAt, doc },
    audit,
  });
  for (const b of settledNow) {
    const state = purgeView(b)?.state;
    if (state === "verified" || state === "not_confirmed" || state === "unverifiable")
      run.emit(`purge.${state}`, { adapter: b.adapterId });
  }
  if (state !== previous) run.emit("request.state", { state, previous });
  if (attention && previous !== "needs_attention") run.emit("request.needs_attention", { error: attention });
}
