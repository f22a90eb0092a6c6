/**
 * Stripe simulator: customers (several may share one email), payment methods, charges, payment
 * intents, refunds, disputes with evidence files, invoices, subscriptions (which renew or end on the
 * simulator's clock), subscription schedules, Checkout Sessions, setup intents, quotes, credit
 * notes, tax ids and customer balance transactions; cursor pagination; `GET /v1/customers?email=`
 * (exact, case-sensitive) and the lagging customer Search API; customer delete with tombstones;
 * the `Idempotency-Key` replay of POSTs; redaction jobs (public preview) where the simulated account has
 * them, with Stripe's 10-object and 90-day rules; Stripe's error bodies and the sandbox rate limit
 * (25 requests/s).
 *
 * @see https://docs.stripe.com/api
 * @see PROVIDERS.md §1
 */
import { type StripeAdapterOptions, stripeAdapter } from "../../../../adapters/stripe/index.js";
import type { SimEnvironment, SimRequest, SimResponse, SimulatorFactory } from "../../simulator.js";
import { JOB_OBJECT_KINDS, type JobObjects } from "./objects.js";
import { stripeOracle } from "./oracle.js";
import { RedactionJobs, type RedactionTimings } from "./redaction.js";
import { ok, stripeError, unrecognizedUrl } from "./responses.js";
import { routeBilling } from "./routes.js";
import { seedCustomer } from "./seed.js";
import { StripeState } from "./state.js";

/** Configuration of one simulated Stripe account. */
export interface StripeSimulatorConfig {
  /** Whether the account has the redaction jobs preview. @default true */
  redactionJobs?: boolean;
  /** Durations of the redaction job lifecycle (scaled by `timeScale`). */
  redactionTimings?: RedactionTimings;
  /** Requests per second before 429. @default 25 (sandbox) */
  rateLimitPerSecond?: number;
  /** The fake secret key the simulator accepts. @default "sk_test_51SimulatorKey0000000000" */
  apiKey?: string;
  /**
   * How long a change (a delete, a redaction) takes to reach the customer Search API, on the
   * simulator's clock. Stripe: "under 1 minute" normally, "up to an hour" during outages.
   * @default 60000
   */
  searchLagMs?: number;
  /**
   * How many of each seeded customer's charges (with their payment intents) are dated ten days
   * before the simulator's clock: too young for Stripe to redact (90-day rule). @default 0
   */
  recentCharges?: number;
}

const DEFAULT_KEY = "sk_test_51SimulatorKey0000000000";

function authorised(request: SimRequest, apiKey: string): boolean {
  const header = request.headers.authorization ?? "";
  if (header === `Bearer ${apiKey}`) return true;
  if (header.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    return decoded === `${apiKey}:` || decoded === apiKey;
  }
  return false;
}

/** Builds a Stripe simulator factory for an account configured as given. */
export function createStripeSimulator(config: StripeSimulatorConfig = {}): SimulatorFactory {
  const apiKey = config.apiKey ?? DEFAULT_KEY;
  const perSecond = config.rateLimitPerSecond ?? 25;
  return {
    id: "stripe",
    create(env: SimEnvironment) {
      const state = new StripeState(env, config.searchLagMs ?? 60_000);
      const jobs = new RedactionJobs(state, env, config.redactionTimings ?? {});
      const recent: number[] = [];
      const idempotency = new Map<string, { fingerprint: string; response: SimResponse }>();

      // ASSUMPTION [U]: one sliding window of 1 s for the global sandbox limit (Stripe does not
      // describe its limiter); per-endpoint and concurrency limiters are not modelled.
      const rateLimited = (): boolean => {
        const now = env.rateNow();
        const window = env.scale(1000);
        while (recent.length > 0 && (recent[0] ?? 0) <= now - window) recent.shift();
        if (recent.length >= perSecond) return true;
        recent.push(now);
        return false;
      };

      const errorResponse = (status: number, options?: { retryAfterMs?: number }): SimResponse => {
        if (status === 429) {
          // ASSUMPTION [U]: Stripe documents no Retry-After on 429 (PROVIDERS.md §1.7); the simulator
          // sends one (whole seconds, rounded up) so that clients honouring it can be tested.
          const seconds = Math.max(1, Math.ceil((options?.retryAfterMs ?? env.scale(1000)) / 1000));
          return stripeError(429, {}, { "retry-after": String(seconds) });
        }
        return stripeError(status, {}, status >= 500 ? { "stripe-should-retry": "true" } : {});
      };

      const route = (request: SimRequest): SimResponse => {
        const { method, path } = request;
        if (path.startsWith("/v1/privacy/redaction_jobs")) {
          // ASSUMPTION [U]: an account without the preview answers like an unknown route.
          if (config.redactionJobs === false) return unrecognizedUrl(method, path);
          return routeRedaction(request, jobs);
        }
        const billing = routeBilling(request, state, env);
        return billing ?? unrecognizedUrl(method, path);
      };

      return {
        id: "stripe",
        errorResponse,
        handle(request) {
          if (!authorised(request, apiKey)) {
            const masked = `${apiKey.slice(0, 8)}****${apiKey.slice(-4)}`;
            return stripeError(401, { message: `Invalid API Key provided: ${masked}` });
          }
          if (rateLimited()) return errorResponse(429);
          state.advance();
          jobs.advanceAll();
          const key = request.headers["idempotency-key"];
          // Only POSTs are replayed: "All POST requests accept idempotency keys. Don't send
          // idempotency keys in GET and DELETE requests because it has no effect. These requests
          // are idempotent by definition" (https://docs.stripe.com/api/idempotent_requests).
          if (key === undefined || request.method !== "POST") return route(request);
          if (key.length > 255)
            return stripeError(400, { message: "Idempotency key too long.", param: "Idempotency-Key" });
          const fingerprint = `${request.method} ${request.path} ${request.rawBody.toString("utf8")}`;
          const seen = idempotency.get(key);
          if (seen) {
            if (seen.fingerprint !== fingerprint) {
              return stripeError(400, {
                type: "idempotency_error",
                message:
                  "Keys for idempotent requests can only be used with the same parameters they were first used with.",
              });
            }
            return {
              ...seen.response,
              headers: { ...(seen.response.headers ?? {}), "idempotent-replayed": "true" },
            };
          }
          const response = route(request);
          // Keys are kept for the whole run (Stripe prunes them after >= 24 h). A request rejected
          // by the rate limiter above was never processed and is not stored (Stripe: safe to retry).
          idempotency.set(key, { fingerprint, response });
          return response;
        },
        seed: (subject, options) => [seedCustomer(state, subject, options, config.recentCharges ?? 0)],
        oracle: (subject) => {
          state.advance();
          jobs.advanceAll();
          return stripeOracle(state, subject);
        },
        destructiveApplications: () => new Map(state.destructive),
        // `redaction` is left at its default ("auto"): the adapter finds out what the account has.
        adapterOptions: (baseUrl) => ({ apiKey, baseUrl }),
      };
    },
    createAdapter: (options) => stripeAdapter(options as unknown as StripeAdapterOptions),
  };
}

function routeRedaction(request: SimRequest, jobs: RedactionJobs): SimResponse {
  const parts = request.path.split("/").filter(Boolean); // v1 privacy redaction_jobs {id} {action}
  const body = (request.body ?? {}) as Record<string, string>;
  if (parts.length === 3 && request.method === "POST") {
    const pick = (kind: string) =>
      Object.entries(body)
        .filter(([k]) => k === `objects[${kind}]` || k.startsWith(`objects[${kind}][`))
        .map(([, v]) => v);
    const objects = Object.fromEntries(
      JOB_OBJECT_KINDS.map((kind) => [kind, pick(kind)]),
    ) as unknown as JobObjects;
    if (JOB_OBJECT_KINDS.every((kind) => objects[kind].length === 0)) {
      return stripeError(400, {
        code: "parameter_missing",
        message: "Missing required param: objects.",
        param: "objects",
      });
    }
    return ok(jobs.create(objects, body.validation_behavior ?? "error"));
  }
  const id = parts[3];
  const job = id === undefined ? undefined : jobs.get(id);
  if (!job || id === undefined)
    return stripeError(404, {
      code: "resource_missing",
      message: `No such redaction job: '${id ?? ""}'`,
      param: "id",
    });
  const action = parts[4];
  const expand = [...request.query.entries()].some(([k, v]) => k.startsWith("expand[") && v === "objects");
  if (action === undefined && request.method === "GET") return ok(jobs.view(job, expand));
  if (action === "validation_errors" && request.method === "GET") {
    return ok({ object: "list", data: jobs.validationErrors(job), has_more: false, url: `${request.path}` });
  }
  if ((action === "run" || action === "cancel" || action === "validate") && request.method === "POST") {
    const problem = jobs.act(job, action);
    if (problem) return stripeError(400, { code: "invalid_state", message: problem });
    return ok(jobs.view(job, false));
  }
  return unrecognizedUrl(request.method, request.path);
}

/** The default simulated Stripe account: redaction jobs enabled. */
export const stripeSimulator: SimulatorFactory = createStripeSimulator();
