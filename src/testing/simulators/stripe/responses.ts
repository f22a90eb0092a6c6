/**
 * Stripe's wire conventions in the simulator: the error body `{ error: { type, code, message,
 * param } }`, the `Request-Id` header, list objects with `has_more`, and cursor pagination with
 * `limit` / `starting_after` / `ending_before`.
 *
 * @see https://docs.stripe.com/api/errors
 * @see https://docs.stripe.com/api/pagination
 */
import type { SimResponse } from "../../simulator.js";
import type { StripeObject } from "./objects.js";

let requestCounter = 0;

/** Headers Stripe puts on every response. */
export function stripeHeaders(extra: Record<string, string> = {}): Record<string, string> {
  requestCounter += 1;
  return {
    "request-id": `req_sim${String(requestCounter).padStart(10, "0")}`,
    "stripe-version": "2026-10-28.endive",
    ...extra,
  };
}

export function ok(body: unknown, extra: Record<string, string> = {}): SimResponse {
  return { status: 200, headers: stripeHeaders(extra), body };
}

/** Stripe's error body for a status. */
export function stripeError(
  status: number,
  error: { type?: string; code?: string | undefined; message?: string; param?: string } = {},
  extra: Record<string, string> = {},
): SimResponse {
  const defaults: Record<number, { type: string; code?: string; message: string }> = {
    400: { type: "invalid_request_error", code: "parameter_invalid", message: "Invalid request." },
    401: { type: "invalid_request_error", message: "Invalid API Key provided: sk_test_****" },
    402: { type: "card_error", code: "card_declined", message: "Your card was declined." },
    403: {
      type: "invalid_request_error",
      message: "The provided key does not have the required permissions for this endpoint.",
    },
    404: { type: "invalid_request_error", code: "resource_missing", message: "No such object." },
    409: { type: "idempotency_error", message: "Conflicting concurrent request." },
    // ASSUMPTION [U]: Stripe sends no 422; an unknown 4xx is shaped like a 400 invalid_request_error.
    422: { type: "invalid_request_error", code: "parameter_invalid", message: "Unprocessable request." },
    // [S] code `rate_limit` on a 429 (PROVIDERS.md §1.8: the SDK maps 429 or code=rate_limit).
    429: {
      type: "invalid_request_error",
      code: "rate_limit",
      message:
        "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
    },
  };
  const base = defaults[status] ?? {
    type: status >= 500 ? "api_error" : "invalid_request_error",
    message: status >= 500 ? "An unknown error occurred." : "Invalid request.",
  };
  const body: Record<string, unknown> = {
    type: error.type ?? base.type,
    message: error.message ?? base.message,
  };
  // `code: undefined` given explicitly means "no code" (an unknown route has none).
  const code = "code" in error ? error.code : base.code;
  if (code !== undefined) body.doc_url = `https://stripe.com/docs/error-codes/${code}`;
  if (code !== undefined) body.code = code;
  if (error.param !== undefined) body.param = error.param;
  return { status, headers: stripeHeaders(extra), body: { error: body } };
}

/** 404 for an unknown id, as Stripe words it. */
export function noSuch(kind: string, id: string, param = "id"): SimResponse {
  return stripeError(404, { code: "resource_missing", message: `No such ${kind}: '${id}'`, param });
}

/** 404 for a route Stripe does not know (also what a disabled preview feature looks like). */
export function unrecognizedUrl(method: string, path: string): SimResponse {
  return stripeError(404, {
    type: "invalid_request_error",
    code: undefined,
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
  });
}

/** A Stripe list object of one page of `all` (ordered newest first, as Stripe lists). */
export function listPage(
  all: readonly StripeObject[],
  query: URLSearchParams,
  url: string,
  pageSize: number | undefined,
): SimResponse {
  const limitText = query.get("limit");
  let limit = limitText === null ? 10 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return stripeError(400, {
      code: "parameter_invalid_integer",
      message: "Invalid integer: limit must be between 1 and 100.",
      param: "limit",
    });
  }
  if (pageSize !== undefined) limit = Math.min(limit, pageSize);
  const after = query.get("starting_after");
  const before = query.get("ending_before");
  let start = 0;
  let end = all.length;
  if (after) {
    const index = all.findIndex((o) => o.id === after);
    if (index < 0) return noSuch("object", after, "starting_after");
    start = index + 1;
    end = Math.min(all.length, start + limit);
  } else if (before) {
    const index = all.findIndex((o) => o.id === before);
    if (index < 0) return noSuch("object", before, "ending_before");
    end = index;
    start = Math.max(0, end - limit);
  } else {
    end = Math.min(all.length, limit);
  }
  const data = all.slice(start, end);
  const hasMore = before ? start > 0 : end < all.length;
  return ok({ object: "list", data, has_more: hasMore, url });
}
