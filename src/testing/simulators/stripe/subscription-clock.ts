/**
 * Subscriptions over time: when a period ends, a subscription set to `cancel_at_period_end` ends
 * (`status: canceled`, `ended_at` = the period end), any other active one renews for another month.
 * Applied lazily on the simulator's clock (`env.now()`), so a test that walks 40 days sees a
 * restriction's subscriptions actually end.
 *
 * Simplification: a renewal moves the period only; the renewal invoice and charge Stripe would
 * create are not generated.
 *
 * @see https://docs.stripe.com/billing/subscriptions/cancel (cancel at the end of the period)
 * @see https://docs.stripe.com/api/subscriptions/object#subscription_object-cancel_at_period_end
 */
import type { StripeObject } from "./objects.js";

const MONTH = 30 * 86_400;

interface Item {
  current_period_start: number;
  current_period_end: number;
}

/** Advances one subscription to `nowSeconds`. */
export function advanceSubscription(sub: StripeObject, nowSeconds: number): void {
  if (sub.status === "canceled") return;
  const item = (sub.items as { data: Item[] } | undefined)?.data[0];
  if (!item) return;
  while (item.current_period_end <= nowSeconds) {
    if (sub.cancel_at_period_end === true) {
      sub.status = "canceled";
      sub.canceled_at ??= item.current_period_end;
      sub.ended_at = item.current_period_end;
      sub.cancellation_details = { comment: null, feedback: null, reason: "cancellation_requested" };
      return;
    }
    item.current_period_start = item.current_period_end;
    item.current_period_end += MONTH;
  }
}
