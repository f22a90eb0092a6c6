/**
 * Capsule's HTTP conventions as the simulator serves them: RFC 5988 `Link` pagination with
 * `page`/`perPage`, the per-token hourly rate limit and its `X-RateLimit-*` headers, Bearer auth
 * and the error bodies.
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";

export const API_ORIGIN = "https://api.capsulecrm.com";

/** An error response in Capsule's shape. */
export function capsuleError(
  status: number,
  message?: string,
  headers: Record<string, string> = {},
): SimResponse {
  if (status === 429) {
    // Documented verbatim (handling-api-responses).
    return { status, headers, body: { error: "rate limit reached" } };
  }
  const text = message ?? defaultMessage(status);
  if (status === 401 || status === 403) {
    // ASSUMPTION [U]: the docs say only that "the body and WWW-Authenticate header include
    // additional information"; the OAuth 2 bearer-token shape (RFC 6750) is modelled.
    const error = status === 401 ? "invalid_token" : "insufficient_scope";
    return {
      status,
      headers: { ...headers, "www-authenticate": `Bearer realm="Capsule", error="${error}"` },
      body: { message: text, error },
    };
  }
  // ASSUMPTION [U]: Capsule's docs promise "valid JSON with further description of the error";
  // the `{ message, errors: [{ message }] }` shape is unverified.
  return { status, headers, body: { message: text, errors: [{ message: text }] } };
}

function defaultMessage(status: number): string {
  if (status === 401) return "authentication failed: the bearer token is invalid or expired";
  if (status === 403) return "the bearer token does not have the scope needed for this request";
  if (status === 404) return "could not find resource";
  if (status === 422) return "validation failed";
  if (status >= 500) return "an internal error occurred";
  return "bad request";
}

/** Reads `page`/`perPage`; `undefined` when they are out of range (answered with 400). */
export function pageParams(
  req: SimRequest,
  max: number,
  env: SimEnvironment,
): { page: number; perPage: number } | undefined {
  const page = Number(req.query.get("page") ?? "1");
  const perPage = Number(req.query.get("perPage") ?? "50");
  if (!Number.isInteger(page) || page < 1) return undefined;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > max) return undefined;
  return { page, perPage: env.pageSize === undefined ? perPage : Math.min(perPage, env.pageSize) };
}

/** One page of `items` with the `Link: <…>; rel="next"` header when more remain. */
export function paginate<T>(
  req: SimRequest,
  items: readonly T[],
  paging: { page: number; perPage: number },
): { items: T[]; headers: Record<string, string> } {
  const start = (paging.page - 1) * paging.perPage;
  const slice = items.slice(start, start + paging.perPage);
  const headers: Record<string, string> = {};
  if (start + paging.perPage < items.length) {
    const query = new URLSearchParams(req.query);
    query.set("page", String(paging.page + 1));
    // The next link keeps the caller's perPage (the page size override is the simulator's own).
    // Capsule links to its own origin; the simulator links to the host it was reached on (plain
    // HTTP on loopback), so a client that follows the full URL stays on the simulator.
    const host = req.headers.host;
    const scheme = host && /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host) ? "http" : "https";
    const origin = host ? `${scheme}://${host}` : API_ORIGIN;
    headers.link = `<${origin}${req.path}?${query.toString()}>; rel="next"`;
  }
  return { items: slice, headers };
}

/** The per-token hourly budget (4,000 requests per user per hour, windows scaled by `env`). */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    private readonly env: SimEnvironment,
    private readonly limit: number,
  ) {}

  /** Counts one request; returns the headers to send and whether the budget was exceeded. */
  take(token: string): { limited: boolean; headers: Record<string, string> } {
    const now = this.env.rateNow();
    const length = this.env.scale(3_600_000);
    let window = this.windows.get(token);
    if (!window || now >= window.start + length) {
      window = { start: now, used: 0 };
      this.windows.set(token, window);
    }
    const limited = window.used >= this.limit;
    if (!limited) window.used++;
    return {
      limited,
      headers: {
        "x-ratelimit-limit": String(this.limit),
        "x-ratelimit-remaining": String(Math.max(0, this.limit - window.used)),
        "x-ratelimit-reset": String(Math.ceil((window.start + length) / 1000)),
      },
    };
  }

  /** Headers describing the current window without spending a request (for injected 429s). */
  peek(token: string): Record<string, string> {
    const now = this.env.rateNow();
    const length = this.env.scale(3_600_000);
    const window = this.windows.get(token);
    const start = window && now < window.start + length ? window.start : now;
    return {
      "x-ratelimit-limit": String(this.limit),
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String(Math.ceil((start + length) / 1000)),
    };
  }
}
