/**
 * Zoho CRM response shapes: error bodies, per-item statuses, page info, and the API credit and
 * concurrency limits.
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";

/** A top-level Zoho error: `{code, details, message, status: "error"}`. */
export function zohoError(
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
  headers?: Record<string, string>,
): SimResponse {
  return { status, body: { code, details, message, status: "error" }, ...(headers ? { headers } : {}) };
}

/** One item of a multi-record answer (`data[]`, `recycle_bin[]`). */
export function itemSuccess(id: string, message: string): Record<string, unknown> {
  return { code: "SUCCESS", details: { id }, message, status: "success" };
}

export function itemError(id: string, code: string, message: string): Record<string, unknown> {
  return { code, details: { id }, message, status: "error" };
}

/**
 * The status of a multi-record answer.
 * ASSUMPTION [U]: 200 when every item succeeded, 207 when some failed, 400 when all failed (the
 * OAS lists 200/207/400 for recycle-bin deletes and only 200 for record deletes).
 */
export function multiStatus(items: readonly Record<string, unknown>[]): number {
  const failed = items.filter((i) => i.status !== "success").length;
  if (failed === 0) return 200;
  return failed === items.length ? 400 : 207;
}

/** The page a list request asks for. Zoho: `page` from 1, `per_page` up to 200 (default 200). */
export function pageOf(request: SimRequest, env: SimEnvironment): { page: number; perPage: number } {
  const page = Math.max(1, Number(request.query.get("page") ?? "1") || 1);
  const asked = Math.min(200, Math.max(1, Number(request.query.get("per_page") ?? "200") || 200));
  return { page, perPage: env.pageSize === undefined ? asked : Math.min(asked, env.pageSize) };
}

/** A page of `items` in Zoho's `{data, info}` shape, or 204 No Content when the page is empty. */
export function pageResponse(
  items: readonly Record<string, unknown>[],
  request: SimRequest,
  env: SimEnvironment,
  key = "data",
): SimResponse {
  const { page, perPage } = pageOf(request, env);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  if (slice.length === 0) return { status: 204 };
  return {
    status: 200,
    body: {
      [key]: slice,
      info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < items.length },
    },
  };
}

/** Options of the credit and concurrency model. */
export interface ZohoLimitOptions {
  /**
   * API credits per rolling 24 hours (Enterprise: 50,000 + 1,000 per user). Every call costs one.
   * @default 50000
   */
  credits?: number;
  /** Concurrent requests allowed (Free 5, Standard 10, Professional 15, Enterprise 20, Ultimate 25). @default 20 */
  concurrency?: number;
  /**
   * How long each API request holds its concurrency slot, before time scaling. With 0 requests
   * never overlap inside the simulator, so the concurrency limit only bites when this is set.
   * @default 0
   */
  serviceTimeMs?: number;
}

const DAY_MS = 86_400_000;

/** Tracks credits (rolling window through `env.scale`) and concurrent requests. */
export class ZohoLimits {
  private readonly spent: number[] = [];
  private inFlight = 0;
  readonly credits: number;
  readonly concurrency: number;
  readonly serviceTimeMs: number;

  constructor(
    private readonly env: SimEnvironment,
    options: ZohoLimitOptions,
  ) {
    this.credits = options.credits ?? 50_000;
    this.concurrency = options.concurrency ?? 20;
    this.serviceTimeMs = options.serviceTimeMs ?? 0;
  }

  private window(): number {
    const start = this.env.rateNow() - this.env.scale(DAY_MS);
    while (this.spent.length > 0 && (this.spent[0] ?? 0) <= start) this.spent.shift();
    return this.spent.length;
  }

  /**
   * ASSUMPTION [U]: the rate-limit headers. Zoho's v2 docs named `X-RATELIMIT-LIMIT`,
   * `X-RATELIMIT-REMAINING` and `X-RATELIMIT-RESET`; PROVIDERS.md §6.7 marks the headers [U]. We send
   * them on every API answer, the reset as epoch milliseconds, and no `Retry-After`.
   */
  headers(resetAt?: number): Record<string, string> {
    const used = this.window();
    const oldest = this.spent[0] ?? this.env.rateNow();
    return {
      "X-RATELIMIT-LIMIT": String(this.credits),
      "X-RATELIMIT-REMAINING": String(Math.max(0, this.credits - used)),
      "X-RATELIMIT-RESET": String(Math.round(resetAt ?? oldest + this.env.scale(DAY_MS))),
    };
  }

  /** Runs `handler` within the limits, or answers 429. */
  async run(handler: () => SimResponse): Promise<SimResponse> {
    if (this.inFlight >= this.concurrency) {
      // ASSUMPTION [U]: the concurrency 429 body uses code TOO_MANY_REQUESTS (Zoho's Kaizen #203 names
      // the code; the body shape is taken from the general error model).
      return zohoError(
        429,
        "TOO_MANY_REQUESTS",
        "The number of concurrent requests exceeded the limit",
        { allowed_concurrency: this.concurrency },
        this.headers(this.env.rateNow() + this.env.scale(1000)),
      );
    }
    if (this.window() >= this.credits) {
      // ASSUMPTION [U]: exhausted credits answer 429 with code LIMIT_REACHED (the OAS enum has it; the
      // status and details are not documented).
      return zohoError(429, "LIMIT_REACHED", "API credit limit reached", {}, this.headers());
    }
    // ASSUMPTION [U]: every call costs one credit (Zoho charges some APIs more, e.g. by record count).
    this.spent.push(this.env.rateNow());
    this.inFlight++;
    try {
      if (this.serviceTimeMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.env.scale(this.serviceTimeMs)));
      }
      const response = handler();
      return { ...response, headers: { ...this.headers(), ...(response.headers ?? {}) } };
    } finally {
      this.inFlight--;
    }
  }
}
