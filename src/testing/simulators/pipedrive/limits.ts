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
}

// Legacy burst table, Professional plan (api_token 20/40/80/100/120, OAuth 80/160/320/400/480 per
// 2 s by plan) and the 90k-per-seat daily budget of that plan [S]; three seats.
export const DEFAULT_PLAN: PipedrivePlan = {
  burstApiToken: 80,
  burstOAuth: 320,
  burstSearch: 10,
  dailyTokens: 90_000 * 3,
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

  constructor(
    private readonly env: SimEnvironment,
    readonly plan: PipedrivePlan = DEFAULT_PLAN,
  ) {
    this.dayStart = env.now();
  }

  /** Charges one request of `cost` tokens made with `token` (kind of auth and route class given). */
  charge(token: string, auth: "api_token" | "oauth", search: boolean, cost: number): LimitVerdict {
    const now = this.env.now();
    const day = this.env.scale(DAY_MS);
    if (now - this.dayStart >= day) {
      this.dayStart = now;
      this.tokensUsed = 0;
    }
    const windowMs = this.env.scale(WINDOW_MS);
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
    }
    const resetMs = dailyOk ? window.start + windowMs - now : this.dayStart + day - now;
    const headers: Record<string, string> = {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(0, limit - window.count)),
      // ASSUMPTION [U]: x-ratelimit-reset is the number of whole seconds until the window resets
      // (the daily budget's reset once that is exhausted), never below 1.
      "x-ratelimit-reset": String(Math.max(1, Math.ceil(resetMs / 1000))),
    };
    // x-daily-requests-left is sent to API-token callers only [V]; here it reports the company's
    // remaining token budget. ASSUMPTION [U]: its unit (requests vs tokens) under token-based limits.
    if (auth === "api_token")
      headers["x-daily-requests-left"] = String(Math.max(0, this.plan.dailyTokens - this.tokensUsed));
    return { allowed: burstOk && dailyOk, headers };
  }

  /** Uses up the daily budget (tests of the daily 429). */
  exhaustDailyBudget(): void {
    this.tokensUsed = this.plan.dailyTokens;
  }
}

/**
 * Token cost of an operation. The published costs seen are GET /v1/callLogs 20, GET
 * /v1/callLogs/{id} 2, POST /v1/callLogs 10, DELETE /api/v2/persons/{id} 3 [V].
 * ASSUMPTION [U]: the rest follows the same pattern — v1 lists 20, v2 lists and search 10,
 * single reads 2 (v1) / 1 (v2), deletes 6 (v1) / 3 (v2), updates 10 (v1) / 5 (v2), downloads 10.
 */
export function tokenCost(method: string, path: string, isList: boolean): number {
  const v2 = path.startsWith("/api/v2/");
  if (path.endsWith("/download")) return 10;
  if (method === "DELETE") return v2 ? 3 : 6;
  if (method === "PATCH" || method === "PUT" || method === "POST") return v2 ? 5 : 10;
  if (isList) return v2 ? 10 : 20;
  return v2 ? 1 : 2;
}
