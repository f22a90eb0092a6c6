/**
 * The reversible first phase, before the pivot:
 * - `cancel_at_period_end: true` on the subject's active subscriptions, each marked in its metadata
 *   with the request id so that a re-run (after a crash) and `unrestrict` recognise exactly the
 *   subscriptions this request changed. Subscriptions already set to cancel by someone else are
 *   left alone, and are not touched by `unrestrict` either.
 * - The redaction jobs, created and validated now, while `unrestrict` can still cancel them (see
 *   redaction-jobs.ts); `delete` runs them.
 *
 * `unrestrict` undoes both. What it cannot undo it says: "You can reactivate the subscription at any
 * point up to the end of the period" (https://docs.stripe.com/billing/subscriptions/cancel); a
 * subscription whose period ended during the wait is `canceled`, a terminal status.
 */
import type {
  JsonValue,
  OperationContext,
  RecordRef,
  Residual,
  RestrictResult,
  UnrestrictResult,
} from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import type { StripeApi, StripeRecord } from "./api.js";
import { loadHoldings } from "./documents.js";
import { customerIds } from "./mapping.js";
import { cancelJobs, prepareJobs, settleValidation, VALIDATION_WAIT_MS } from "./redaction-jobs.js";
import { clearMarker, findMarker } from "./redaction-marker.js";

/** Metadata key carrying the id of the request that set `cancel_at_period_end`. */
export const RESTRICT_MARKER = "gdpr_fanout_restricted_by";

const RESTRICTABLE = new Set(["active", "trialing", "past_due"]);

function markedBy(sub: StripeRecord, requestId: string): boolean {
  const metadata = sub.metadata as Record<string, string> | null | undefined;
  return metadata?.[RESTRICT_MARKER] === requestId;
}

async function subscriptionsOf(
  api: StripeApi,
  ctx: OperationContext,
  customer: string,
): Promise<StripeRecord[]> {
  return api.listAll(ctx, "subscriptions.list", (sdk, params) => sdk.subscriptions.list(params), {
    customer,
    status: "all",
  });
}

async function restrictSubscriptions(api: StripeApi, refs: readonly RecordRef[], ctx: OperationContext) {
  const changed: string[] = [];
  for (const customer of customerIds(refs)) {
    for (const sub of await subscriptionsOf(api, ctx, customer)) {
      if (!RESTRICTABLE.has(String(sub.status))) continue;
      if (markedBy(sub, ctx.requestId)) {
        // Changed by an earlier run of this same request: still ours to undo.
        if (sub.cancel_at_period_end === true) changed.push(sub.id);
        continue;
      }
      if (sub.cancel_at_period_end === true) continue;
      await api.call(ctx, "subscriptions.update", (sdk) =>
        sdk.subscriptions.update(sub.id, {
          cancel_at_period_end: true,
          metadata: { [RESTRICT_MARKER]: ctx.requestId },
        }),
      );
      changed.push(sub.id);
    }
  }
  return changed;
}

export async function restrict(
  api: StripeApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
  redaction: boolean | "auto",
): Promise<RestrictResult> {
  const subscriptions = await restrictSubscriptions(api, refs, ctx);
  let jobs: string[] = [];
  if (redaction !== false) {
    const holdings = await loadHoldings(api, ctx, customerIds(refs));
    const prepared = await prepareJobs(api, ctx, holdings, "restrict");
    if (!prepared.available && redaction === true) {
      throw new FanoutError("UNSUPPORTED", "stripe redaction_jobs.create is not available on this account", {
        provider: "stripe",
        operation: "redaction_jobs.create",
        retryable: false,
      });
    }
    jobs = prepared.jobs.map((j) => j.id);
    const settled = await settleValidation(api, ctx, prepared.jobs, VALIDATION_WAIT_MS);
    const failed = settled.filter((j) => j.status === "failed").length;
    if (failed > 0) {
      // Not fatal before the pivot: the objects' state may change during the wait (an invoice paid,
      // a dispute closed); delete validates the job again and status reports what still fails.
      ctx.logger.warn({ failed, jobs: settled.length }, "stripe redaction job(s) failed validation");
    }
  }
  return { undo: { subscriptions, jobs }, restricted: subscriptions.length };
}

interface Undo {
  subscriptions?: string[];
  jobs?: string[];
}

function readUndo(undo: JsonValue | undefined): Undo | undefined {
  if (undo === null || typeof undo !== "object" || Array.isArray(undo)) return undefined;
  const strings = (v: JsonValue | undefined) =>
    Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : undefined;
  const out: Undo = {};
  const subscriptions = strings(undo.subscriptions);
  if (subscriptions) out.subscriptions = subscriptions;
  const jobs = strings(undo.jobs);
  if (jobs) out.jobs = jobs;
  return out;
}

async function unrestrictSubscriptions(
  api: StripeApi,
  refs: readonly RecordRef[],
  listed: string[] | undefined,
  ctx: OperationContext,
): Promise<number> {
  // Without a recorded undo (restrict crashed before it was stored), find our marks instead.
  const candidates: StripeRecord[] = [];
  for (const customer of customerIds(refs)) candidates.push(...(await subscriptionsOf(api, ctx, customer)));
  let ended = 0;
  for (const sub of candidates) {
    if (listed !== undefined && !listed.includes(sub.id)) continue;
    if (!markedBy(sub, ctx.requestId)) continue; // already undone, or changed since by someone else
    if (sub.status === "canceled") {
      ended += 1;
      continue;
    }
    await api.call(ctx, "subscriptions.update", (sdk) =>
      sdk.subscriptions.update(sub.id, {
        cancel_at_period_end: false,
        metadata: { [RESTRICT_MARKER]: "" },
      }),
    );
  }
  return ended;
}

export async function unrestrict(
  api: StripeApi,
  refs: readonly RecordRef[],
  undo: JsonValue | undefined,
  ctx: OperationContext,
): Promise<UnrestrictResult | undefined> {
  const recorded = readUndo(undo);
  const notUndone: Residual[] = [];
  const ended = await unrestrictSubscriptions(api, refs, recorded?.subscriptions, ctx);
  if (ended > 0) {
    notUndone.push({
      type: "subscription",
      count: ended,
      reason: "not_covered",
      detail:
        `${ended} Stripe subscription(s) set to cancel at period end by the restriction ended during the wait; ` +
        "an ended subscription cannot be resumed, the customer needs a new one",
    });
  }
  // The jobs: those recorded, else those on the anchor this request marked.
  const holdings = await loadHoldings(api, ctx, customerIds(refs));
  const marker = findMarker(holdings, ctx.requestId);
  const jobs = [...new Set([...(recorded?.jobs ?? []), ...(marker?.jobs ?? [])])];
  const ran = await cancelJobs(api, ctx, jobs);
  if (ran.length > 0) {
    notUndone.push({
      type: "redaction_job",
      count: ran.length,
      reason: "not_covered",
      detail: `${ran.length} Stripe redaction job(s) already ran: redaction is irreversible`,
    });
  }
  if (marker) {
    const current = holdings.flatMap((h) => h.documents).find((d) => d.id === marker.anchor.id);
    await clearMarker(api, ctx, marker.anchor, current);
  }
  return notUndone.length > 0 ? { notUndone } : undefined;
}
