/**
 * Stripe retention sweeps: customers whose subscriptions all ended before the cut-off.
 *
 * - inactive: a live (not deleted) customer with at least one subscription, all of them ended
 *   (`canceled` or `incomplete_expired`) and the last one before the cut-off (`ended_at`, else
 *   `canceled_at`). Found with `GET /v1/subscriptions?status=canceled&created[lt]=<cut-off>` (a
 *   subscription that ended before the cut-off began before it; stripe-node 23.1.0
 *   `SubscriptionListParams`: `status` includes `canceled`, `created` is a range; there is no
 *   `ended_at` filter, so the end is checked on each subscription), then per customer
 *   `GET /v1/customers/{id}` and `GET /v1/subscriptions?customer=…&status=all`.
 * - prospect: not offered. A Stripe customer is a billing account, not a lead.
 *
 * Paging is Stripe's cursor (`starting_after` the last subscription read); a record's resume point
 * is the subscription it came from, so a resumed listing continues right after it.
 *
 * @see https://docs.stripe.com/api/subscriptions/list
 * @see docs/adapters/stripe.md#retention-sweeps
 */
import type { ExpiredRecord, OperationContext, SweepContext, SweepPolicy } from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import { sweepOperationContext } from "../../src/sweep-operation-context.js";
import type { StripeApi, StripeRecord } from "./api.js";

const PAGE = 100;

const endOf = (s: StripeRecord): number | undefined => {
  const at = typeof s.ended_at === "number" ? s.ended_at : s.canceled_at;
  return typeof at === "number" ? at : undefined;
};

/**
 * The customer, when its subscriptions all ended before `cut` (and it has some) and it is not
 * deleted; else `undefined`.
 */
async function endedBefore(
  api: StripeApi,
  op: OperationContext,
  customerId: string,
  cut: number,
): Promise<StripeRecord | undefined> {
  const customer = await api.call(op, "customers.retrieve", (sdk) => sdk.customers.retrieve(customerId));
  if (customer.deleted === true) return undefined;
  const subscriptions = await api.listAll(op, "subscriptions.list", (sdk, p) => sdk.subscriptions.list(p), {
    customer: customerId,
    status: "all",
  });
  const ended =
    subscriptions.length > 0 &&
    subscriptions.every((s) => {
      const end = endOf(s);
      return (s.status === "canceled" || s.status === "incomplete_expired") && end !== undefined && end < cut;
    });
  return ended ? customer : undefined;
}

/**
 * The customer's `email` and `phone` as the retrieve above returned them (no extra call): the sweep
 * checks subject holds on them; kept in memory only. Fields: stripe-node 23.1.0
 * `esm/resources/Customers.d.ts` (`email: string | null`, `phone?: string | null`).
 */
function identifiers(customer: StripeRecord): { email?: string; phone?: string } {
  const text = (v: unknown) => (typeof v === "string" && v.trim().length > 0 ? v.trim() : undefined);
  const email = text(customer.email);
  const phone = text(customer.phone);
  return { ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
}

/** The records `expired` yields for Stripe. */
export async function* expiredCustomers(
  api: StripeApi,
  policy: SweepPolicy,
  ctx: SweepContext,
): AsyncIterable<ExpiredRecord> {
  if (policy.kind !== "inactive") {
    throw new ConfigurationError("stripe: only the inactive policy is offered (see docs/sweeps.md)", {
      option: "stripe",
    });
  }
  const op = sweepOperationContext(ctx);
  const cut = Math.floor(policy.olderThan.getTime() / 1000);
  let after = ctx.cursor && /^sub_\w+$/.test(ctx.cursor) ? ctx.cursor : undefined;
  for (;;) {
    const params: Record<string, unknown> = { status: "canceled", created: { lt: cut }, limit: PAGE };
    if (after) params.starting_after = after;
    const page = await api.call(op, "subscriptions.listCanceled", (sdk) => sdk.subscriptions.list(params));
    const checked = new Set<string>();
    for (const sub of page.data) {
      after = sub.id;
      const customerId = typeof sub.customer === "string" ? sub.customer : undefined;
      const end = endOf(sub);
      if (!customerId || checked.has(customerId) || end === undefined || end >= cut) continue;
      checked.add(customerId);
      const customer = await endedBefore(api, op, customerId, cut);
      if (customer) yield { type: "customer", id: customerId, cursor: sub.id, ...identifiers(customer) };
    }
    if (!page.has_more || page.data.length === 0) return;
  }
}
