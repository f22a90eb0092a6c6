/**
 * Pipedrive's rate limits as the simulator enforces them: a daily token budget shared by the
 * company (each operation costs tokens), a burst limit per 2-second window per token, and the
 * search endpoints' own 10 requests per 2 seconds.
 *
 * @see https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting
 */
import type { SimEnvironment } from "../../simulator.js";

/** The plan the simulated company is on. */
export interface PipedrivePlan {
  /** Requests per 2-second window for an API-token caller. */
  readonly burstApiToken: number;
  /** Requests per 2-second window for an OAuth caller. */
  readonly burstOAuth: number;
  /** Search requests per 2-second window. */
  readonly burstSearch: number;
  /** Daily token budget of the company (base budget × plan multiplier × seats). */
  readonly dailyTokens: number;
  /** POST/PUT requests per API token per day (reported in `x-daily-requests-left`). */
  readonly dailyWrites: number;
}

// The Professional plan: 80 requests per 2 s per API token, 320 per OAuth token, search 10 per 2 s
// per token [V: rate-limiting page]; 30,000 base tokens × plan multiplier × seats per day [V], with
// ASSUMPTION [U]: a multiplier of 3 for Professional and three seats.
export const DEFAULT_PLAN: PipedrivePlan = {
  burstApiToken: 80,
  burstOAuth: 320,
  burstSearch: 10,
  dailyTokens: 30_000 * 3 * 3,
  // ASSUMPTION [U]: 10,000 POST/PUT requests per API token per day (the documented example shows
  // `x-daily-requests-left: 9999` after one request).
  dailyWrites: 10_000,
};

const WINDOW_MS = 2_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** What one request is charged and allowed. */
export interface LimitVerdict {
  readonly allowed: boolean;
  readonly headers: Record<string, string>;
}

interface Window {
  start: number;
  count: number;
}

/** Token-budget and burst accounting for one simulated company. */
export class PipedriveLimits {
  private readonly windows = new Map<string, Window>();
  private dayStart: number;
  private tokensUsed = 0;
  private readonly writes = new Map<string, number>();

  constructor(
    private readonly env: SimEnvironment,
    readonly plan: PipedrivePlan = DEFAULT_PLAN,
  ) {
    this.dayStart = env.rateNow();
  }

  /** Charges one request of `cost` tokens made with `token` (kind of auth and route class given). */
  charge(
    token: string,
    auth: "api_token" | "oauth",
    search: boolean,
    cost: number,
    write: boolean,
  ): LimitVerdict {
    const now = this.env.rateNow();
    const day = this.env.scale(DAY_MS);
    if (now - this.dayStart >= day) {
      // ASSUMPTION [U]: the day is counted from the simulator's start, not from midnight UTC.
      this.dayStart = now;
      this.tokensUsed = 0;
      this.writes.clear();
    }
    const windowMs = this.env.scale(WINDOW_MS);
    // ASSUMPTION [U]: a search request counts against the search window only, not also against
    // the token's general burst window.
    const key = `${search ? "search" : "all"}:${token}`;
    let window = this.windows.get(key);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    const limit = search
      ? this.plan.burstSearch
      : auth === "oauth"
        ? this.plan.burstOAuth
        : this.plan.burstApiToken;
    const dailyLeft = this.plan.dailyTokens - this.tokensUsed;
    const burstOk = window.count < limit;
    const dailyOk = dailyLeft >= cost;
    if (burstOk && dailyOk) {
      window.count += 1;
      this.tokensUsed += cost;
      if (write) this.writes.set(token, (this.writes.get(token) ?? 0) + 1);
    }
    const resetMs = dailyOk ? window.start + windowMs - now : this.dayStart + day - now;
    // x-ratelimit-reset: whole seconds until the window resets [V: the documented example is `2`];
    // once the daily budget is spent, until the day resets.
    const headers: Record<string, string> = {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(0, limit - window.count)),
      "x-ratelimit-reset": String(Math.max(1, Math.ceil(resetMs / 1000))),
    };
    // POST/PUT requests left today, sent to API-token callers only [V].
    if (auth === "api_token") {
      headers["x-daily-requests-left"] = String(
        Math.max(0, this.plan.dailyWrites - (this.writes.get(token) ?? 0)),
      );
    }
    return { allowed: burstOk && dailyOk, headers };
  }

  /** Uses up the daily budget (tests of the daily 429). */
  exhaustDailyBudget(): void {
    this.tokensUsed = this.plan.dailyTokens;
  }
}

/**
 * Token cost of an operation: single GET 2, list GET 20, update 10, search 40 [S: third-party
 * summary of the published costs; GET /v1/callLogs 20 and GET /v1/callLogs/{id} 2 confirmed on the
 * API reference]; DELETE /api/v2/persons/{id} 3 [V].
 * ASSUMPTION [U]: v2 endpoints cost half their v1 counterparts, deletes 6 (v1) / 3 (v2), downloads 10.
 */
export function tokenCost(method: string, path: string, isList: boolean, isSearch: boolean): number {
  const v2 = path.startsWith("/api/v2/");
  if (isSearch) return v2 ? 20 : 40;
  if (path.endsWith("/download")) return 10;
  if (method === "DELETE") return v2 ? 3 : 6;
  if (method === "PATCH" || method === "PUT" || method === "POST") return v2 ? 5 : 10;
  if (isList) return v2 ? 10 : 20;
  return v2 ? 1 : 2;
}
