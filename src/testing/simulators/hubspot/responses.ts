/**
 * HubSpot's error bodies and rate limits, as the simulator sends them.
 *
 * Error bodies follow the specs' `Error` schema (`status`, `message`, `correlationId`, `category`,
 * `subCategory?`, `errors?`, `context?`, `links?`). Rate limits: a rolling ten-second window per
 * private app (100 requests on Free/Starter, 190 on Professional/Enterprise) and a separate,
 * smaller limit for the CRM search endpoints.
 */
import { randomUUID } from "node:crypto";
import type { SimResponse } from "../../simulator.js";

/** Portal tier: sets the ten-second budget. */
export type HubspotTier = "free" | "starter" | "professional" | "enterprise";

/** Requests per rolling ten seconds for one private app, by tier (PROVIDERS.md §4.7 [S]). */
export const TEN_SECONDLY_MAX: Readonly<Record<HubspotTier, number>> = {
  free: 100,
  starter: 100,
  professional: 190,
  enterprise: 190,
};

/** Requests per day for one private app, by tier (PROVIDERS.md §4.7 [S]); reported in headers only. */
export const DAILY_MAX: Readonly<Record<HubspotTier, number>> = {
  free: 250_000,
  starter: 250_000,
  professional: 650_000,
  enterprise: 1_000_000,
};

// ASSUMPTION [U]: the search endpoints allow 5 requests per second per token, counted apart from the
// ten-second budget (PROVIDERS.md §4.2 says "≈ 4–5 req/s" [S]).
export const SEARCH_PER_SECOND = 5;

// ASSUMPTION [U]: the `category` per status (PROVIDERS.md §4.8 has OBJECT_NOT_FOUND for 404 as [U]).
const CATEGORY_BY_STATUS: Readonly<Record<number, string>> = {
  400: "VALIDATION_ERROR",
  401: "INVALID_AUTHENTICATION",
  403: "MISSING_SCOPES",
  404: "OBJECT_NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITS",
};

const MESSAGE_BY_STATUS: Readonly<Record<number, string>> = {
  400: "Invalid input (details will vary based on the error)",
  401: "Authentication credentials not found. This API supports OAuth 2.0 authentication.",
  403: "This app hasn't been granted all required scopes to make this call.",
  404: "Object not found.",
  409: "Conflict",
};

/** A HubSpot error response (`Error` schema). */
export function hubspotError(
  status: number,
  options: {
    message?: string;
    category?: string;
    subCategory?: string;
    context?: Record<string, string[]>;
    headers?: Record<string, string>;
    extra?: Record<string, unknown>;
  } = {},
): SimResponse {
  // ASSUMPTION [U]: 5xx bodies carry category INTERNAL_ERROR; HubSpot documents no 5xx body.
  const category = options.category ?? CATEGORY_BY_STATUS[status] ?? "INTERNAL_ERROR";
  const body: Record<string, unknown> = {
    status: "error",
    message:
      options.message ??
      MESSAGE_BY_STATUS[status] ??
      (status >= 500 ? "internal error" : "An error occurred"),
    correlationId: randomUUID(),
    category,
    ...(options.subCategory ? { subCategory: options.subCategory } : {}),
    ...(options.context ? { context: options.context } : {}),
    links: { "knowledge-base": "https://www.hubspot.com/products/service/knowledge-base" },
    ...(options.extra ?? {}),
  };
  return { status, headers: options.headers ?? {}, body };
}

/** A rolling window of request times. */
export class RollingWindow {
  private hits: number[] = [];
  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Records a request at `now` if the window has room; reports what is left either way. */
  take(now: number): { ok: boolean; remaining: number } {
    this.hits = this.hits.filter((t) => t > now - this.windowMs);
    if (this.hits.length >= this.max) return { ok: false, remaining: 0 };
    this.hits.push(now);
    return { ok: true, remaining: this.max - this.hits.length };
  }
}

/** The `X-HubSpot-RateLimit-*` headers sent with every response (`intervalMs` is the scaled window). */
export function rateLimitHeaders(options: {
  max: number;
  remaining: number;
  intervalMs: number;
  dailyMax: number;
  dailyRemaining: number;
}): Record<string, string> {
  // [S] header names from PROVIDERS.md §4.7; ASSUMPTION [U]: the -Secondly pair mirrors the
  // ten-second budget divided by ten, as older HubSpot docs showed.
  return {
    "x-hubspot-ratelimit-daily": String(options.dailyMax),
    "x-hubspot-ratelimit-daily-remaining": String(Math.max(0, options.dailyRemaining)),
    "x-hubspot-ratelimit-interval-milliseconds": String(options.intervalMs),
    "x-hubspot-ratelimit-max": String(options.max),
    "x-hubspot-ratelimit-remaining": String(Math.max(0, options.remaining)),
    "x-hubspot-ratelimit-secondly": String(Math.ceil(options.max / 10)),
    "x-hubspot-ratelimit-secondly-remaining": String(Math.max(0, Math.ceil(options.remaining / 10))),
  };
}

/** The 429 HubSpot sends when the ten-second budget is spent (or the search limit, `search`). */
export function rateLimited(
  kind: "ten-secondly" | "search",
  headers: Record<string, string>,
  retryAfterMs?: number,
): SimResponse {
  // [V SDK] the SDK's retry logic keys on `policyName` TEN_SECONDLY_ROLLING and on the search message.
  // ASSUMPTION [U]: the rest of the body (`errorType`, `groupName`, the search policy name SECONDLY).
  const withRetry =
    retryAfterMs === undefined
      ? headers
      : { ...headers, "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
  if (kind === "search") {
    return hubspotError(429, {
      message: "You have reached your secondly limit.",
      headers: withRetry,
      extra: { errorType: "RATE_LIMIT", policyName: "SECONDLY", groupName: "publicapi:search" },
    });
  }
  return hubspotError(429, {
    message: "You have reached your ten_secondly_rolling limit.",
    headers: withRetry,
    extra: {
      errorType: "RATE_LIMIT",
      policyName: "TEN_SECONDLY_ROLLING",
      groupName: "publicapi:private-app",
    },
  });
}
