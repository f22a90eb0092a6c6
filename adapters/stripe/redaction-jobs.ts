/**
 * The redaction jobs of one request: prepared in `restrict` (created, validated, recorded on the
 * anchor), found again and completed in `delete`, cancelled by `unrestrict`.
 *
 * Job statuses: `created → validating → ready | failed`; `run` only from `ready`; `cancel` only
 * from `ready` or `failed` (https://docs.stripe.com/api/privacy/redaction-job/cancel).
 */
import type { OperationContext } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import type { StripeApi } from "./api.js";
import type { Holding } from "./documents.js";
import {
  cancelRedactionJob,
  createRedactionJob,
  getRedactionJob,
  objectsDigest,
  type RedactionJobView,
  type RedactionObjects,
} from "./redaction.js";
import { foreignJobs } from "./redaction-foreign.js";
import { type Anchor, chooseAnchor, findMarker, writeMarker } from "./redaction-marker.js";
import { coveredBy, planRedaction, type RedactionPlan } from "./redaction-plan.js";

/** The document types the request keeps on a legal basis (`ctx.retain`). */
export function retainedTypes(ctx: OperationContext): Set<string> {
  return new Set((ctx.retain ?? []).flatMap((r) => r.types));
}

/** The request's jobs and what still waits for Stripe's 90-day rule. */
export interface PreparedJobs {
  /** `false`: the account has no redaction jobs (the preview is not enabled). */
  readonly available: boolean;
  /** This request's jobs (recorded on the anchor; `unrestrict` cancels them). */
  readonly jobs: readonly RedactionJobView[];
  /** Other requests' jobs counted as covering the subject's objects (see redaction-foreign.ts). */
  readonly adopted: readonly RedactionJobView[];
  readonly plan: RedactionPlan;
  readonly anchor: Anchor | undefined;
}

const ENDED = new Set(["canceled", "canceling"]);
const VALIDATING = new Set(["created", "validating"]);
const STARTED = new Set(["redacting", "succeeded"]);

/**
 * Creates a job; a key that replays a job cancelled since gets a fresh key. The job is read back:
 * a replay answers the first response again, status included ("Subsequent requests with the same
 * key return the same result", https://docs.stripe.com/idempotency), so only a read shows that the
 * job it names was cancelled meanwhile (an unrestrict, another request's delete).
 */
async function createJob(
  api: StripeApi,
  ctx: OperationContext,
  objects: RedactionObjects,
): Promise<RedactionJobView | undefined> {
  const digest = objectsDigest(objects);
  for (let round = 0; ; round += 1) {
    const key = ctx.idempotencyKey("redaction", round === 0 ? digest : `${digest}:${round}`);
    const created = await createRedactionJob(api, ctx, objects, key);
    if (!created) return undefined;
    const job = await getRedactionJob(api, ctx, created.id);
    if (!ENDED.has(job.status) || round >= 5) return job;
  }
}

/**
 * Other requests' jobs over the subject's objects: adopted ones cover what they hold; in `delete`,
 * those that also reach objects not the subject's are cancelled (one that started meanwhile
 * covers instead). See redaction-foreign.ts.
 */
async function otherRequestsJobs(
  api: StripeApi,
  ctx: OperationContext,
  holdings: readonly Holding[],
  step: "restrict" | "delete",
): Promise<RedactionJobView[]> {
  const { adopted, conflicting } = await foreignJobs(api, ctx, holdings);
  if (step === "restrict" || conflicting.length === 0) return [...adopted];
  const ran = await cancelJobs(
    api,
    ctx,
    conflicting.map((j) => j.id),
  );
  return [...adopted, ...conflicting.filter((j) => ran.includes(j.id))];
}

/**
 * The request's jobs, as they should be now. The jobs recorded for this request are reused when
 * they are still the best plan. When the plan changed and none has started (a transaction turned
 * 90 days old during the wait, so its customer can now be the root; new documents), those that no
 * longer fit are cancelled and replaced: a job can be cancelled until it runs. When one has started,
 * only what they do not cover is added. What other requests' jobs hold is left to them (see
 * redaction-foreign.ts). Every creation has one idempotency key per set of objects, shared by
 * restrict and delete, so a retried step replays it; all are recorded on the anchor.
 */
export async function prepareJobs(
  api: StripeApi,
  ctx: OperationContext,
  holdings: readonly Holding[],
  step: "restrict" | "delete",
): Promise<PreparedJobs> {
  const marker = findMarker(holdings, ctx.requestId);
  const existing: RedactionJobView[] = [];
  for (const id of marker?.jobs ?? []) {
    const job = await getRedactionJob(api, ctx, id);
    if (!ENDED.has(job.status)) existing.push(job);
  }
  const adopted = await otherRequestsJobs(api, ctx, holdings, step);
  // A customer that is a root of a recorded job stays one, even once deleted.
  const roots = new Set(existing.flatMap((j) => (j.objects ? j.objects.customers : [])));
  const rootable = holdings.map((h) => (roots.has(h.customer) ? { ...h, live: true } : h));
  const nowSeconds = Math.floor(ctx.now().getTime() / 1000);
  const retain = retainedTypes(ctx);
  let plan: RedactionPlan;
  let keep: RedactionJobView[];
  let missing: RedactionObjects[];
  if (existing.some((j) => STARTED.has(j.status))) {
    plan = planRedaction(rootable, nowSeconds, coveredBy([...existing, ...adopted], holdings), retain);
    keep = existing;
    missing = [...plan.jobs];
  } else {
    plan = planRedaction(rootable, nowSeconds, coveredBy(adopted, holdings), retain);
    const wanted = new Map(plan.jobs.map((objects) => [objectsDigest(objects), objects]));
    keep = existing.filter((j) => j.objects !== undefined && wanted.delete(objectsDigest(j.objects)));
    const stale = existing.filter((j) => !keep.includes(j));
    if (stale.length > 0)
      await cancelJobs(
        api,
        ctx,
        stale.map((j) => j.id),
      );
    missing = [...wanted.values()];
  }
  const created: RedactionJobView[] = [];
  for (const objects of missing) {
    const job = await createJob(api, ctx, objects);
    if (!job) return { available: false, jobs: keep, adopted, plan, anchor: marker?.anchor };
    created.push(job);
  }
  const jobs = [...keep, ...created];
  const anchor = marker?.anchor ?? chooseAnchor(holdings, ctx.requestId);
  const changed = created.length > 0 || keep.length < existing.length;
  if (changed && anchor)
    await writeMarker(
      api,
      ctx,
      anchor,
      jobs.map((j) => j.id),
    );
  return { available: true, jobs, adopted, plan, anchor };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * Waits (at most `maxMs`, backing off from 50 ms) until no job is still validating. Stripe
 * publishes no validation time; a job still validating afterwards is left for the next step.
 */
export async function settleValidation(
  api: StripeApi,
  ctx: OperationContext,
  jobs: readonly RedactionJobView[],
  maxMs: number,
): Promise<RedactionJobView[]> {
  let current = [...jobs];
  let waited = 0;
  for (let delay = 50; current.some((j) => VALIDATING.has(j.status)) && waited < maxMs; delay *= 2) {
    const step = Math.min(delay, maxMs - waited);
    try {
      await sleep(step, ctx.signal);
    } catch {
      throw new FanoutError("ABORTED", "stripe redaction_jobs.retrieve was aborted", {
        provider: "stripe",
        operation: "redaction_jobs.retrieve",
        retryable: false,
      });
    }
    waited += step;
    const next: RedactionJobView[] = [];
    for (const job of current)
      next.push(VALIDATING.has(job.status) ? await getRedactionJob(api, ctx, job.id) : job);
    current = next;
  }
  return current;
}

/** How long `unrestrict` and `restrict` wait for a validation to end. */
export const VALIDATION_WAIT_MS = 5_000;

/**
 * Cancels the jobs (nothing of them is redacted). Returns the ids of jobs that ran or are running:
 * those cannot be undone. A job still validating after the wait is a retryable `CONFLICT`.
 */
export async function cancelJobs(
  api: StripeApi,
  ctx: OperationContext,
  ids: readonly string[],
): Promise<string[]> {
  const views: RedactionJobView[] = [];
  for (const id of ids) views.push(await getRedactionJob(api, ctx, id));
  const settled = await settleValidation(api, ctx, views, VALIDATION_WAIT_MS);
  const ran: string[] = [];
  for (const job of settled) {
    if (job.status === "ready" || job.status === "failed") await cancelRedactionJob(api, ctx, job.id);
    else if (job.status === "redacting" || job.status === "succeeded") ran.push(job.id);
    else if (VALIDATING.has(job.status)) {
      throw new FanoutError(
        "CONFLICT",
        "stripe redaction job is still validating and cannot be cancelled yet",
        {
          provider: "stripe",
          operation: "redaction_jobs.cancel",
          retryable: true,
          retryAfterMs: 30_000,
        },
      );
    }
  }
  return ran;
}
