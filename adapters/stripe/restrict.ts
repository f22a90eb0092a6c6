/**
 * The reversible first phase: `cancel_at_period_end: true` on the subject's active subscriptions,
 * each marked in its metadata with the request id so that a re-run (after a crash) and `unrestrict`
 * recognise exactly the subscriptions this request changed. Subscriptions that were already set to
 * cancel by someone else are left alone, and are not touched by `unrestrict` either.
 */
import type { JsonValue, OperationContext, RecordRef, RestrictResult } from "../../src/adapter.js";
import type { StripeApi, StripeRecord } from "./api.js";
import { customerIds } from "./mapping.js";

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

export async function restrict(
  api: StripeApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
): Promise<RestrictResult> {
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
  return { undo: { subscriptions: changed }, restricted: changed.length };
}

function undoIds(undo: JsonValue | undefined): string[] | undefined {
  if (undo === null || typeof undo !== "object" || Array.isArray(undo)) return undefined;
  const subs = undo.subscriptions;
  if (!Array.isArray(subs)) return undefined;
  return subs.filter((s): s is string => typeof s === "string");
}

export async function unrestrict(
  api: StripeApi,
  refs: readonly RecordRef[],
  undo: JsonValue | undefined,
  ctx: OperationContext,
): Promise<void> {
  const listed = undoIds(undo);
  // Without a recorded undo (restrict crashed before it was stored), find our marks instead.
  const candidates: StripeRecord[] = [];
  for (const customer of customerIds(refs)) candidates.push(...(await subscriptionsOf(api, ctx, customer)));
  for (const sub of candidates) {
    if (listed !== undefined && !listed.includes(sub.id)) continue;
    if (!markedBy(sub, ctx.requestId)) continue; // already undone, or changed since by someone else
    if (sub.status === "canceled") continue;
    await api.call(ctx, "subscriptions.update", (sdk) =>
      sdk.subscriptions.update(sub.id, {
        cancel_at_period_end: false,
        metadata: { [RESTRICT_MARKER]: "" },
      }),
    );
  }
}
