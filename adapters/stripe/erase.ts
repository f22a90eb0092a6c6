/**
 * Erasure and its verification, after the pivot.
 *
 * `delete`: finds the request's redaction jobs (prepared by `restrict`, recorded on the anchor)
 * and those of other requests over the subject's objects (redaction-foreign.ts), validates a failed
 * one again, creates those still missing (a delete without restrict, or objects new since), deletes
 * the live customers (`DELETE /v1/customers/{id}`) and runs the jobs that are `ready`.
 * Transactions younger than Stripe's 90 days are not sent to a job: they are reported as a
 * `not_covered` residual with the day they become redactable, and `status` keeps reporting them.
 *
 * `status`: re-checks that no customer is live (by id, email and phone), runs jobs once `ready`
 * and reports them until `succeeded`.
 *
 * Without redaction jobs the outcome is `manual_required`: deleting a customer leaves the billing
 * details snapshotted on its documents, so calling the branch `erased` would put a false statement
 * into a signed receipt. The detail says how many documents keep personal data.
 *
 * Retention (`ctx.retain`): the documents of a retained type stay out of every job and are
 * reported as `legal_retention` with the rule's basis and `until`; the other documents of the same
 * customers stay with them (see redaction-plan.ts) as `not_covered` until the same day. The
 * customer itself is still deleted. The follow-up erasure at `until` (no `retain`) redacts them all.
 */
import type {
  DeleteResult,
  JsonValue,
  OperationContext,
  ProviderJob,
  RecordRef,
  Residual,
  StatusResult,
} from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { isResourceMissing, type StripeApi } from "./api.js";
import { type Holding, loadHoldings } from "./documents.js";
import { liveCustomers } from "./locate.js";
import { customerIds } from "./mapping.js";
import { getRedactionJob, runRedactionJob, validateRedactionJob, validationProblems } from "./redaction.js";
import { prepareJobs, retainedTypes } from "./redaction-jobs.js";
import { planRedaction, type Waiting } from "./redaction-plan.js";
import { type KeptFacts, keptFacts, keptResiduals } from "./retention.js";

/** What `delete` keeps for `status` (ids and counts only). */
interface EraseState {
  customers: string[];
  jobs: string[];
  redaction: "job" | "unavailable" | "disabled";
  documents: number;
  waiting: Waiting[];
  /** Customers deleted without being the root of a job (see `RedactionPlan.unrooted`). */
  unrooted: number;
  /** Documents kept on a legal basis (with the rule's basis and end), and those kept with them. */
  retained: KeptFacts["retained"];
  keptWith: KeptFacts["keptWith"];
}

function manualDetail(documents: number, why: string): string {
  return (
    `Stripe customers deleted; personal data remains on ${documents} billing document(s): ${why}. ` +
    "Ask Stripe to redact them (Dashboard or support) or enable the redaction jobs preview."
  );
}

/** What stays at Stripe after the jobs: kept records, young transactions, customers not redacted as a whole. */
function residuals(state: Pick<EraseState, "waiting" | "unrooted" | "retained" | "keptWith">): Residual[] {
  const out = [...keptResiduals(state), ...waitingResiduals(state.waiting)];
  if (state.unrooted > 0) {
    out.push({
      type: "customer",
      count: state.unrooted,
      reason: "not_covered",
      detail:
        `${state.unrooted} Stripe customer(s) deleted without a redaction of their own (a transaction was ` +
        "younger than 90 days): records only the customer's redaction reaches (events, request logs, " +
        "notifications) stay at Stripe; Stripe does not document whether a job accepts a deleted customer",
    });
  }
  return out;
}

function waitingResiduals(waiting: readonly Waiting[]): Residual[] {
  const label: Record<string, string> = {
    charge: "charge(s)",
    payment_intent: "payment intent(s)",
    dispute: "dispute(s) (with their evidence files) of charges",
  };
  return waiting.map((w) => ({
    type: w.type,
    count: w.count,
    reason: "not_covered",
    until: new Date(w.until * 1000).toISOString(),
    detail:
      `${w.count} Stripe ${label[w.type] ?? w.type} younger than 90 days keep billing details: ` +
      "Stripe redacts transactions only 90 days after they were made (fraud prevention)",
  }));
}

function unredactedResidual(documents: number, why: string): Residual[] {
  if (documents === 0) return [];
  return [
    {
      type: "billing_document",
      count: documents,
      reason: "not_covered",
      detail: `${documents} Stripe billing document(s) keep the customer's billing details: ${why}`,
    },
  ];
}

/**
 * Deletes the live customers. No `Idempotency-Key`: "All POST requests accept idempotency keys.
 * Don't send idempotency keys in GET and DELETE requests because it has no effect. These requests
 * are idempotent by definition" (https://docs.stripe.com/api/idempotent_requests). A repeated
 * delete (a retry, or a round after a delete that did not take) is sent again; one of a customer
 * already deleted is answered `404 resource_missing` and counts as done.
 */
async function deleteCustomers(
  api: StripeApi,
  ctx: OperationContext,
  holdings: readonly Holding[],
): Promise<number> {
  let deleted = 0;
  for (const { customer, live } of holdings) {
    if (!live) continue;
    try {
      await api.call(ctx, "customers.del", (sdk) => sdk.customers.del(customer));
      deleted += 1;
    } catch (error) {
      // Already deleted (a re-run, or someone else): done.
      if (!isResourceMissing(error)) throw error;
    }
  }
  return deleted;
}

export async function erase(
  api: StripeApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
  redaction: boolean | "auto",
): Promise<DeleteResult> {
  const customers = customerIds(refs);
  if (customers.length === 0) return { outcome: "not_found", deleted: 0 };
  const holdings = await loadHoldings(api, ctx, customers);
  const nowSeconds = Math.floor(ctx.now().getTime() / 1000);

  if (redaction === false) {
    const plan = planRedaction(holdings, nowSeconds, undefined, retainedTypes(ctx));
    const deleted = await deleteCustomers(api, ctx, holdings);
    return withoutJobs(customers, plan.documents, deleted, "disabled", keptFacts(plan, ctx));
  }
  const prepared = await prepareJobs(api, ctx, holdings, "delete");
  if (!prepared.available) {
    if (redaction === true) {
      throw new FanoutError("UNSUPPORTED", "stripe redaction_jobs.create is not available on this account", {
        provider: "stripe",
        operation: "redaction_jobs.create",
        retryable: false,
      });
    }
    const deleted = await deleteCustomers(api, ctx, holdings);
    return withoutJobs(
      customers,
      prepared.plan.documents,
      deleted,
      "unavailable",
      keptFacts(prepared.plan, ctx),
    );
  }
  // A job that failed validation before the pivot is validated again against the state now (an
  // invoice paid, a dispute closed during the wait). Jobs adopted from other requests are
  // completed like this request's own (redaction-foreign.ts).
  const jobs = [];
  for (const job of [...prepared.jobs, ...prepared.adopted])
    jobs.push(job.status === "failed" ? await validateRedactionJob(api, ctx, job.id) : job);
  const deleted = await deleteCustomers(api, ctx, holdings);
  const views: ProviderJob[] = [];
  for (const job of jobs) {
    const current = job.status === "ready" ? await runRedactionJob(api, ctx, job.id) : job;
    views.push({ id: current.id, kind: "redaction_job", status: current.status });
  }
  const state: EraseState = {
    customers,
    jobs: jobs.map((j) => j.id),
    redaction: "job",
    documents: prepared.plan.documents,
    waiting: [...prepared.plan.waiting],
    unrooted: prepared.plan.unrooted,
    ...keptFacts(prepared.plan, ctx),
  };
  const residual = residuals(state);
  return {
    outcome: "erased",
    deleted,
    ...(views.length > 0 ? { jobs: views } : {}),
    state: state as unknown as JsonValue,
    ...(residual.length > 0 ? { residual } : {}),
  };
}

function withoutJobs(
  customers: string[],
  documents: number,
  deleted: number,
  mode: "disabled" | "unavailable",
  kept: Pick<EraseState, "retained" | "keptWith">,
): DeleteResult {
  const state: EraseState = {
    customers,
    jobs: [],
    redaction: mode,
    documents,
    waiting: [],
    unrooted: 0,
    ...kept,
  };
  const stateJson = state as unknown as JsonValue;
  const keptResidual = keptResiduals(kept);
  if (documents === 0) {
    return {
      outcome: "erased",
      deleted,
      state: stateJson,
      ...(keptResidual.length > 0 ? { residual: keptResidual } : {}),
    };
  }
  const why =
    mode === "disabled"
      ? "redaction is turned off in the adapter options"
      : "redaction jobs are not enabled on this account";
  return {
    outcome: "manual_required",
    deleted,
    detail: manualDetail(documents, why),
    state: stateJson,
    residual: [...keptResidual, ...unredactedResidual(documents, why)],
  };
}

function readState(deletion: DeleteResult, refs: readonly RecordRef[]): EraseState {
  const s = deletion.state as (Partial<EraseState> & { job?: unknown }) | undefined;
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  // `job` (one id): the state of deletes recorded before this version.
  const jobs = Array.isArray(s?.jobs) ? strings(s.jobs) : typeof s?.job === "string" ? [s.job] : [];
  return {
    customers: Array.isArray(s?.customers) ? strings(s.customers) : customerIds(refs),
    jobs:
      jobs.length > 0
        ? jobs
        : (deletion.jobs ?? []).filter((j) => j.kind === "redaction_job").map((j) => j.id),
    redaction: s?.redaction ?? "disabled",
    documents: typeof s?.documents === "number" ? s.documents : 0,
    waiting: Array.isArray(s?.waiting) ? s.waiting : [],
    unrooted: typeof s?.unrooted === "number" ? s.unrooted : 0,
    retained: Array.isArray(s?.retained) ? s.retained : [],
    keptWith: Array.isArray(s?.keptWith) ? s.keptWith : [],
  };
}

const PENDING = new Set(["created", "validating", "ready", "redacting"]);

export async function status(
  api: StripeApi,
  refs: readonly RecordRef[],
  deletion: DeleteResult,
  ctx: OperationContext,
  phoneSearch: boolean,
): Promise<StatusResult> {
  const state = readState(deletion, refs);
  const live = await liveCustomers(api, ctx, state.customers, phoneSearch);
  if (live.size > 0)
    return { state: "remaining", remaining: live.size, detail: `${live.size} live customer(s)` };
  if (state.jobs.length === 0) {
    if (state.redaction === "job" || state.documents === 0) {
      const residual = residuals(state);
      return { state: "done", remaining: 0, ...(residual.length > 0 ? { residual } : {}) };
    }
    return {
      state: "remaining",
      remaining: state.documents,
      detail: manualDetail(state.documents, "no redaction job was run"),
    };
  }
  const jobs: ProviderJob[] = [];
  const failed: string[] = [];
  let failedObjects = 0;
  for (const id of state.jobs) {
    let job = await getRedactionJob(api, ctx, id);
    if (job.status === "ready") job = await runRedactionJob(api, ctx, id);
    jobs.push({ id: job.id, kind: "redaction_job", status: job.status });
    if (job.status === "failed" || job.status === "canceled" || job.status === "canceling") {
      failed.push(job.status);
      failedObjects += job.objects ? Object.values(job.objects).reduce((n, ids) => n + ids.length, 0) : 1;
      if (job.status === "failed") {
        const codes = new Set((await validationProblems(api, ctx, id)).map((p) => p.code));
        failed[failed.length - 1] = `failed (${[...codes].join(", ") || "no errors listed"})`;
      }
    }
  }
  if (failed.length > 0) {
    return {
      state: "remaining",
      remaining: failedObjects,
      jobs,
      detail: `redaction job(s) ${failed.join("; ")}: see their validation errors in the Stripe Dashboard`,
    };
  }
  if (jobs.some((j) => PENDING.has(j.status ?? ""))) return { state: "pending", remaining: 0, jobs };
  const residual = residuals(state);
  return { state: "done", remaining: 0, jobs, ...(residual.length > 0 ? { residual } : {}) };
}
