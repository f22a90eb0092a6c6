/**
 * A stateful simulator of the Postmark API: one account (account token) with several servers
 * (one server token each), their message streams, outbound and inbound messages with a retention
 * window, bounces, per-stream suppressions, and Data Removal requests that go Pending → Done after
 * a delay and then erase the subject's data.
 *
 * @see https://postmarkapp.com/developer/api/overview
 * @see https://postmarkapp.com/developer/api/data-removals-api
 */
import { postmarkAdapter } from "../../../../adapters/postmark/index.js";
import type {
  ProviderSimulator,
  SimEnvironment,
  SimRequest,
  SimResponse,
  SimulatorFactory,
} from "../../simulator.js";
import { accountRoute, postmarkError, serverRoute } from "./routes.js";
import { PostmarkAccount } from "./state.js";

/** Options of {@link createPostmarkSimulator}. */
export interface PostmarkSimulatorOptions {
  /** How many servers the account has (the server list then spans several pages at small page sizes). @default 5 */
  servers?: number;
  /** Whether support has enabled the Data Removal API for the account. @default true */
  dataRemovalEnabled?: boolean;
  /** How long a data removal stays `Pending`, in provider milliseconds (scaled by `env.scale`). @default 60000 */
  dataRemovalDelayMs?: number;
  /** Message retention in days (45 by default; 7–365 with the Retention add-on). @default 45 */
  retentionDays?: number;
  /**
   * What a completed data removal leaves in place. Postmark does not document the scope of a
   * removal, so both readings can be run: `"bounce"` keeps the address's bounce records (until they
   * expire with the retention period), `"compliance-suppression"` keeps its `HardBounce` and
   * `SpamComplaint` suppressions.
   * @default [] (the removal erases messages, bounces and suppressions)
   */
  dataRemovalKeeps?: readonly ("bounce" | "compliance-suppression")[];
  /** Requests allowed per token per window (window scaled by `env.scale`). @default { requests: 50, windowMs: 1000 } */
  rateLimit?: { requests: number; windowMs: number };
}

// ASSUMPTION [U]: Postmark publishes no numeric API rate limit. We enforce 50 requests per second
// per token, answering 429 with `{ErrorCode: 429, Message: "Rate limit exceeded…"}` and no
// `Retry-After` header (none is documented).
// ASSUMPTION [U]: how long a data removal stays Pending is not documented; 60 s by default.
const DEFAULT_REMOVAL_DELAY_MS = 60_000;

const DEFAULT_RATE_LIMIT = { requests: 50, windowMs: 1000 };

/** The fake account token of every simulated account. */
export const POSTMARK_SIM_ACCOUNT_TOKEN = "sim-account-token-4f1c2b7e";

class PostmarkSimulator implements ProviderSimulator {
  readonly id = "postmark";
  readonly account: PostmarkAccount;
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly env: SimEnvironment,
    private readonly options: PostmarkSimulatorOptions,
  ) {
    this.account = new PostmarkAccount(
      env,
      POSTMARK_SIM_ACCOUNT_TOKEN,
      options.servers ?? 5,
      options.retentionDays ?? 45,
      options.dataRemovalDelayMs ?? DEFAULT_REMOVAL_DELAY_MS,
      options.dataRemovalKeeps ?? [],
    );
  }

  handle(request: SimRequest): SimResponse {
    this.account.settle();
    const accountToken = request.headers["x-postmark-account-token"];
    const serverToken = request.headers["x-postmark-server-token"];
    if (!accountToken && !serverToken) {
      return postmarkError(
        401,
        10,
        "No Account or Server API tokens were supplied in the HTTP headers. Please add a header for either X-Postmark-Server-Token or X-Postmark-Account-Token.",
      );
    }
    const isAccountRoute = /^\/(servers|data-removals)(\/|$)/.test(request.path);
    if (isAccountRoute) {
      if (accountToken?.trim() !== this.account.accountToken) {
        return postmarkError(401, 10, "Request does not contain a valid Account token.");
      }
      return (
        this.limited(accountToken.trim()) ??
        accountRoute(this.account, this.env, request, this.options.dataRemovalEnabled ?? true)
      );
    }
    const server = this.account.serverByToken(serverToken);
    if (!server) return postmarkError(401, 10, "Request does not contain a valid Server token.");
    return this.limited(server.token) ?? serverRoute(this.account, this.env, server, request);
  }

  private limited(token: string): SimResponse | undefined {
    const { requests, windowMs } = this.options.rateLimit ?? DEFAULT_RATE_LIMIT;
    const now = this.env.rateNow();
    const window = this.windows.get(token);
    if (!window || now - window.start >= this.env.scale(windowMs)) {
      this.windows.set(token, { start: now, count: 1 });
      return undefined;
    }
    window.count += 1;
    return window.count > requests ? this.errorResponse(429) : undefined;
  }

  errorResponse(status: number, options: { retryAfterMs?: number } = {}): SimResponse {
    const base =
      status === 400
        ? postmarkError(400, 0, "The request could not be read.")
        : status === 401
          ? postmarkError(401, 10, "Request does not contain a valid Server token.")
          : status === 403
            ? postmarkError(403, 0, "You do not have permission to perform this action.")
            : status === 404
              ? postmarkError(404, 0, "The requested resource was not found.")
              : status === 422
                ? postmarkError(422, 1000, "The request was invalid.")
                : status === 429
                  ? postmarkError(429, 429, "Rate limit exceeded. Please slow down your requests.")
                  : status === 503
                    ? postmarkError(503, 0, "Service is temporarily unavailable.")
                    : // ASSUMPTION [U]: 5xx bodies carry ErrorCode 0 (undocumented).
                      postmarkError(status, 0, "Internal server error.");
    // Postmark documents no Retry-After; it is sent only when a test injects an advertised wait.
    if (options.retryAfterMs === undefined) return base;
    return {
      ...base,
      headers: { ...(base.headers ?? {}), "retry-after": String(Math.ceil(options.retryAfterMs / 1000)) },
    };
  }

  seed(subject: Parameters<ProviderSimulator["seed"]>[0], options: Parameters<ProviderSimulator["seed"]>[1]) {
    return this.account.seed(subject, options);
  }

  oracle(subject: Parameters<ProviderSimulator["oracle"]>[0]) {
    return this.account.oracle(subject);
  }

  destructiveApplications(): ReadonlyMap<string, number> {
    this.account.settle();
    return new Map(this.account.applications);
  }

  adapterOptions(baseUrl: string): Record<string, unknown> {
    return {
      accountToken: this.account.accountToken,
      requestedBy: "dpo@phone-company.test",
      baseUrl,
      ...(this.options.retentionDays === undefined ? {} : { retentionDays: this.options.retentionDays }),
    };
  }
}

/** A {@link SimulatorFactory} whose simulators expose their account state (for tests). */
export interface PostmarkSimulatorFactory extends SimulatorFactory {
  create(env: SimEnvironment): PostmarkSimulator;
}

/** Builds a Postmark simulator factory with non-default options (e.g. Data Removals not enabled). */
export function createPostmarkSimulator(options: PostmarkSimulatorOptions = {}): PostmarkSimulatorFactory {
  return {
    id: "postmark",
    create: (env) => new PostmarkSimulator(env, options),
    createAdapter: (adapterOptions) =>
      postmarkAdapter(adapterOptions as unknown as Parameters<typeof postmarkAdapter>[0]),
  };
}

/** The Postmark simulator with default options. */
export const postmarkSimulator: SimulatorFactory = createPostmarkSimulator();

export type { PostmarkSimulator };
