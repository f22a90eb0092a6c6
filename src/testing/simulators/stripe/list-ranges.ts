/**
 * The `created` range filter of Stripe list calls: `created` (exact) or `created[gt|gte|lt|lte]`,
 * epoch seconds (stripe-node 23.1.0 `SubscriptionListParams.created: RangeQueryParam | number`,
 * `RangeQueryParam { gt?, gte?, lt?, lte? }`). Served on the subscriptions list.
 */
import type { SimResponse } from "../../simulator.js";
import type { StripeObject } from "./objects.js";
import { stripeError } from "./responses.js";

/** The query keys of the filter. */
export const CREATED_KEYS: readonly string[] = [
  "created",
  "created[gt]",
  "created[gte]",
  "created[lt]",
  "created[lte]",
];

/** A predicate for the query's `created` filters (always true without them), or a 400. */
export function createdRange(query: URLSearchParams): ((o: StripeObject) => boolean) | SimResponse {
  const tests: ((created: number) => boolean)[] = [];
  for (const key of CREATED_KEYS) {
    const text = query.get(key);
    if (text === null) continue;
    const at = Number(text);
    if (!/^\d+$/.test(text)) {
      return stripeError(400, {
        code: "parameter_invalid_integer",
        message: `Invalid integer: ${text}`,
        param: key,
      });
    }
    if (key === "created") tests.push((c) => c === at);
    else if (key === "created[gt]") tests.push((c) => c > at);
    else if (key === "created[gte]") tests.push((c) => c >= at);
    else if (key === "created[lt]") tests.push((c) => c < at);
    else tests.push((c) => c <= at);
  }
  return (o) => tests.every((t) => typeof o.created === "number" && t(o.created));
}
