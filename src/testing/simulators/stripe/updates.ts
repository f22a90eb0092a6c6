/**
 * Updates the simulator models: a subscription's `cancel_at_period_end` and metadata, and the
 * metadata of customers, charges, invoices and payment intents. "Individual keys can be unset by
 * posting an empty value to them" (https://docs.stripe.com/api/metadata). Other updatable fields
 * are not modelled and are refused as unknown parameters.
 */
import type { SimRequest, SimResponse } from "../../simulator.js";
import type { StripeObject } from "./objects.js";
import { ok, stripeError } from "./responses.js";

function applyMetadata(object: StripeObject, body: Record<string, string>): SimResponse | undefined {
  const metadata = { ...((object.metadata as Record<string, string> | null) ?? {}) };
  for (const [key, value] of Object.entries(body)) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (!match?.[1]) continue;
    if (match[1].length > 40)
      return stripeError(400, {
        code: "parameter_invalid",
        message: "Metadata keys are limited to 40 characters.",
        param: key,
      });
    if (value.length > 500)
      return stripeError(400, {
        code: "parameter_invalid",
        message: "Metadata values are limited to 500 characters.",
        param: key,
      });
    if (value === "") delete metadata[match[1]];
    else metadata[match[1]] = value;
  }
  if (Object.keys(metadata).length > 50)
    return stripeError(400, {
      code: "parameter_invalid",
      message: "Metadata is limited to 50 keys.",
      param: "metadata",
    });
  object.metadata = metadata;
  return undefined;
}

/** `POST /v1/<resource>/{id}` with `metadata[…]` only. */
export function updateMetadata(object: StripeObject, request: SimRequest): SimResponse {
  const body = (request.body ?? {}) as Record<string, string>;
  const other = Object.keys(body).find((k) => !/^metadata\[.+\]$/.test(k) && !k.startsWith("expand["));
  if (other !== undefined)
    return stripeError(400, {
      code: "parameter_unknown",
      message: `Received unknown parameter: ${other}`,
      param: other,
    });
  return applyMetadata(object, body) ?? ok(object);
}

export function updateSubscription(sub: StripeObject, request: SimRequest): SimResponse {
  const body = (request.body ?? {}) as Record<string, string>;
  if (sub.status === "canceled" && body.cancel_at_period_end !== undefined) {
    return stripeError(400, {
      code: "resource_missing",
      message: "A canceled subscription can only update its cancellation_details and metadata.",
      param: "cancel_at_period_end",
    });
  }
  if (body.cancel_at_period_end !== undefined) {
    if (body.cancel_at_period_end !== "true" && body.cancel_at_period_end !== "false") {
      return stripeError(400, {
        code: "parameter_invalid_boolean",
        message: "Invalid boolean.",
        param: "cancel_at_period_end",
      });
    }
    const on = body.cancel_at_period_end === "true";
    sub.cancel_at_period_end = on;
    const item = (sub.items as { data: { current_period_end: number }[] }).data[0];
    sub.cancel_at = on ? (item?.current_period_end ?? null) : null;
  }
  return applyMetadata(sub, body) ?? ok(sub);
}
