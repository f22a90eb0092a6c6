/**
 * Restrict (cancel subscriptions at end of term) and unrestrict (remove exactly those scheduled
 * cancellations), and the subscription calls delete shares with them.
 *
 * How a re-run recognises its own changes: before scheduling a cancellation, restrict writes a
 * comment on the subscription whose text holds a marker derived from the request id
 * (`ctx.idempotencyKey("restrict-marker")`: a hash, no personal data). The marker is durable in
 * Chargebee itself, so it survives a crash that lost restrict's result (`undo === undefined`) for
 * any length of time — unlike idempotency-key replays, which Chargebee keeps for a limited window.
 * Unrestrict removes a scheduled cancellation only where its marker is found, then deletes the
 * marker, so it never undoes a cancellation the customer scheduled and is safe to run twice.
 *
 * A subscription set to cancel at the end of its term moves to `non_renewing` and "will be
 * automatically canceled on renewal"
 * (https://www.chargebee.com/docs/1.0/subscriptions/articles-and-faq/how-can-i-cancel-a-subscription-using-the-apis.html);
 * `remove_scheduled_cancellation` applies to `non_renewing` subscriptions only
 * (https://apidocs.chargebee.com/docs/api/subscriptions#remove_scheduled_cancellation). So when the
 * term ended during the wait the restriction can no longer be undone: unrestrict says so in
 * `notUndone` (reactivating would start a new term and may invoice the customer, which is not
 * undoing anything).
 */
import type {
  JsonValue,
  OperationContext,
  RecordRef,
  Residual,
  RestrictResult,
  UnrestrictResult,
} from "../../src/adapter.js";
import type { CbResource, ChargebeeApi } from "./api.js";
import { listForCustomers } from "./by-customer.js";
import { customerIds } from "./read.js";

/** Settings erase needs from the adapter options. */
export interface EraseSettings {
  readonly deleteMode: "clear_personal_data" | "delete";
  readonly productCatalog: "1.0" | "2.0";
  /** The site's personal-data retention period in ms, when known (for the ETA of a deferred clear). */
  readonly retentionMs: number | undefined;
}

const MARKER_PREFIX = "gdpr-fanout restrict marker";

function markerText(ctx: OperationContext): string {
  return `${MARKER_PREFIX} ${ctx.idempotencyKey("restrict-marker")}: cancellation at end of term scheduled for a data-subject erasure request`;
}

export function subscriptionsOf(api: ChargebeeApi, customerId: string): Promise<CbResource[]> {
  return api.listAll("subscriptions.list", "subscription", (c, p) => c.subscription.list(p, api.headers()), {
    customer_id: { is: customerId },
  });
}

/** The subscriptions of several customers in one list call (see by-customer.ts), by customer. */
export function subscriptionsOfAll(api: ChargebeeApi, ids: readonly string[]) {
  return listForCustomers(
    api,
    "subscriptions.list",
    "subscription",
    (c, p) => c.subscription.list(p, api.headers()),
    ids,
  );
}

function markersOn(api: ChargebeeApi, ctx: OperationContext, subscriptionId: string): Promise<CbResource[]> {
  const text = markerText(ctx);
  return api
    .listAll("comments.list", "comment", (c, p) => c.comment.list(p, api.headers()), {
      entity_type: "subscription",
      entity_id: subscriptionId,
    })
    .then((comments) => comments.filter((comment) => comment.notes === text));
}

export function cancel(
  api: ChargebeeApi,
  settings: EraseSettings,
  id: string,
  endOfTerm: boolean,
  key: string,
) {
  const operation =
    settings.productCatalog === "2.0" ? "subscriptions.cancel_for_items" : "subscriptions.cancel";
  const params = endOfTerm ? { end_of_term: true } : { end_of_term: false };
  return api.call(operation, (c) =>
    settings.productCatalog === "2.0"
      ? c.subscription.cancelForItems(id, params, api.headers(key))
      : c.subscription.cancel(id, params, api.headers(key)),
  );
}

export async function restrict(
  api: ChargebeeApi,
  ctx: OperationContext,
  settings: EraseSettings,
  refs: readonly RecordRef[],
): Promise<RestrictResult> {
  const ours: string[] = [];
  const ids = customerIds(refs);
  const subscriptions =
    ids.length === 0 ? new Map<string, CbResource[]>() : await subscriptionsOfAll(api, ids);
  for (const customerId of ids) {
    for (const sub of subscriptions.get(customerId) ?? []) {
      if (sub.status === "active" && sub.gift_id === undefined) {
        // The marker first: a crash between the two calls leaves a marker without a cancellation,
        // which unrestrict handles; never a cancellation it could not recognise.
        await api.call("comments.create", (c) =>
          c.comment.create(
            {
              entity_type: "subscription",
              entity_id: sub.id,
              notes: markerText(ctx),
              added_by: "gdpr-fanout",
            },
            api.headers(ctx.idempotencyKey("restrict-mark", sub.id)),
          ),
        );
        await cancel(api, settings, sub.id, true, ctx.idempotencyKey("restrict", sub.id));
        ours.push(sub.id);
      } else if (sub.status === "non_renewing" && (await markersOn(api, ctx, sub.id)).length > 0) {
        ours.push(sub.id); // scheduled by an earlier run of this request
      }
    }
  }
  return { undo: { subscriptions: ours }, restricted: ours.length };
}

function undoIds(undo: JsonValue | undefined): string[] | undefined {
  if (typeof undo !== "object" || undo === null || Array.isArray(undo)) return undefined;
  const list = undo.subscriptions;
  return Array.isArray(list) ? list.filter((id): id is string => typeof id === "string") : undefined;
}

export async function unrestrict(
  api: ChargebeeApi,
  ctx: OperationContext,
  refs: readonly RecordRef[],
  undo: JsonValue | undefined,
): Promise<UnrestrictResult> {
  const recorded = undoIds(undo);
  let candidates = recorded;
  /** Subscriptions this request set to cancel that ended meanwhile. */
  let ended = 0;
  if (candidates === undefined) {
    candidates = [];
    for (const customerId of customerIds(refs)) {
      for (const sub of await subscriptionsOf(api, customerId)) candidates.push(sub.id);
    }
  }
  for (const id of candidates) {
    const found = await api.optional("subscriptions.retrieve", (c) =>
      c.subscription.retrieve(id, undefined, api.headers()),
    );
    if (!found) continue;
    const markers = await markersOn(api, ctx, id);
    // Restrict's own record (undo) names it, or its marker does (undo lost in a crash). A recorded
    // subscription that ended is reported again on a re-run, after its marker was removed.
    if (markers.length === 0 && recorded === undefined) continue;
    if (found.subscription.status === "cancelled") ended += 1;
    if (markers.length === 0) continue;
    if (found.subscription.status === "non_renewing") {
      await api.call("subscriptions.remove_scheduled_cancellation", (c) =>
        c.subscription.removeScheduledCancellation(
          id,
          undefined,
          api.headers(ctx.idempotencyKey("unrestrict", id)),
        ),
      );
    }
    for (const marker of markers) {
      await api.optional("comments.delete", (c) =>
        c.comment.delete(
          marker.id,
          undefined,
          api.headers(ctx.idempotencyKey("unrestrict-unmark", marker.id)),
        ),
      );
    }
  }
  return ended > 0 ? { notUndone: [endedResidual(ended)] } : {};
}

function endedResidual(count: number): Residual {
  return {
    type: "subscription",
    count,
    reason: "not_covered",
    detail: `${count} ${count === 1 ? "subscription" : "subscriptions"} set to cancel at the end of the term ended during the wait and could not be restored; reactivating starts a new term`,
  };
}
