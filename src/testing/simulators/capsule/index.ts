/**
 * A stateful simulator of the Capsule CRM API v2 (`https://api.capsulecrm.com/api/v2`): people with
 * email addresses, phone numbers and tags, found by the `email` and `phone` filters; entries
 * (notes, emails, call notes with recordings attached); opportunities, projects and tasks (open,
 * pending); party deletes that answer 204, or 202 with a job to poll
 * for parties with many entries; the deleted-parties log; `Link` pagination; Bearer auth and the
 * 4,000 requests per hour per token rate limit with its `X-RateLimit-*` headers.
 *
 * Capsule publishes no machine-readable spec. What the docs state is modelled as stated; every
 * other behaviour is marked `ASSUMPTION [U]` where it is modelled.
 *
 * @see https://developer.capsulecrm.com/v2/overview/handling-api-responses
 * @see https://developer.capsulecrm.com/v2/operations/Party
 */
import { type CapsuleAdapterOptions, capsuleAdapter } from "../../../../adapters/capsule/index.js";
import type {
  ProviderSimulator,
  SimEnvironment,
  SimRequest,
  SimResponse,
  SimulatorFactory,
} from "../../simulator.js";
import { capsuleError, RateLimiter } from "./http.js";
import { IntegrationLedger, integrationOracle, seedIntegration } from "./integration.js";
import { applyRetentionSeed } from "./retention.js";
import { route } from "./routes.js";
import { seedSubject } from "./seed.js";
import { CapsuleState, type CascadeKind } from "./state.js";

/** Options of {@link createCapsuleSimulator}. */
export interface CapsuleSimulatorOptions {
  /** The token the simulator accepts. @default "capsule-sim-token-0f4e9a" */
  token?: string;
  /** A token that may read but gets 403 on writes (insufficient scope). @default "capsule-sim-readonly-5b1c" */
  readOnlyToken?: string;
  /** Requests per hour and token. @default 4000 */
  requestsPerHour?: number;
  /** A party with more entries than this is deleted by a 202 job instead of at once. @default 50 */
  asyncDeleteThreshold?: number;
  /** How long a delete job runs (scaled by the run's timeScale). @default 30000 */
  jobDelayMs?: number;
  /** Name of the restriction tag the oracle counts as `restricted`. @default "gdpr-restricted" */
  restrictTag?: string;
  /** Tags the seeded party already carries (e.g. a restriction tag set by hand). @default ["Customer"] */
  existingTags?: readonly string[];
  /**
   * Records a party delete leaves in place, to test an adapter against a Capsule whose cascade is
   * narrower than the simulator assumes (the cascade is undocumented). @default []
   */
  partyDeleteKeeps?: readonly CascadeKind[];
}

/** The simulator instance, with the options it was built with. */
export interface CapsuleSimulator extends ProviderSimulator {
  readonly token: string;
  readonly readOnlyToken: string;
  /** The simulator's data, for tests that compare exported bytes or look at tags directly. */
  readonly state: CapsuleState;
}

/** A {@link SimulatorFactory} whose simulators expose Capsule's test hooks. */
export interface CapsuleSimulatorFactory extends SimulatorFactory {
  create(env: SimEnvironment): CapsuleSimulator;
}

const DEFAULT_TOKEN = "capsule-sim-token-0f4e9a";
const DEFAULT_READONLY = "capsule-sim-readonly-5b1c";

/** Builds a Capsule simulator factory with non-default options. */
export function createCapsuleSimulator(options: CapsuleSimulatorOptions = {}): CapsuleSimulatorFactory {
  const token = options.token ?? DEFAULT_TOKEN;
  const readOnlyToken = options.readOnlyToken ?? DEFAULT_READONLY;
  const restrictTag = options.restrictTag ?? "gdpr-restricted";
  const existingTags = options.existingTags ?? ["Customer"];
  return {
    id: "capsule",
    createAdapter: (adapterOptions) => capsuleAdapter(adapterOptions as unknown as CapsuleAdapterOptions),
    create(env: SimEnvironment): CapsuleSimulator {
      const state = new CapsuleState(env, options.partyDeleteKeeps ?? []);
      const ledger = new IntegrationLedger();
      const limiter = new RateLimiter(env, options.requestsPerHour ?? 4000);
      const ctx = {
        state,
        env,
        asyncDeleteThreshold: options.asyncDeleteThreshold ?? 50,
        jobDelayMs: options.jobDelayMs ?? 30_000,
      };
      // Someone else on the same account: lookups and deletes must never touch them.
      seedSubject(
        state,
        env,
        { email: "someone.else@example.test", name: "Other Person" },
        { records: 2 },
        [],
      );
      const lastToken = { value: token };

      const handle = (req: SimRequest): SimResponse => {
        const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
        if (auth !== token && auth !== readOnlyToken) return capsuleError(401);
        lastToken.value = auth;
        const budget = limiter.take(auth);
        if (budget.limited) return capsuleError(429, undefined, budget.headers);
        if (auth === readOnlyToken && req.method !== "GET" && !req.path.endsWith("/filters/results")) {
          return withHeaders(capsuleError(403), budget.headers);
        }
        return withHeaders(route(req, ctx), budget.headers);
      };

      return {
        id: "capsule",
        token,
        readOnlyToken,
        state,
        handle,
        errorResponse(status, opts) {
          if (status === 429) {
            const headers = limiter.peek(lastToken.value);
            if (opts?.retryAfterMs !== undefined) {
              headers["x-ratelimit-reset"] = String(Math.ceil((env.now() + opts.retryAfterMs) / 1000));
            }
            return capsuleError(429, undefined, headers);
          }
          return capsuleError(status);
        },
        seed: (subject, seedOptions) => {
          const ids = seedSubject(state, env, subject, seedOptions, existingTags);
          for (const id of ids) applyRetentionSeed(state, Number(id), seedOptions, existingTags);
          return ids;
        },
        oracle: (subject) => state.oracle(subject, restrictTag),
        destructiveApplications: () => new Map(state.destructive),
        adapterOptions: (baseUrl) => ({ apiToken: token, baseUrl, restrictTag }),
        seedIntegration: (caller, seedOptions) => seedIntegration(state, ledger, caller, seedOptions),
        integrationOracle: (caller) => integrationOracle(state, ledger, caller),
      };
    },
  };
}

function withHeaders(response: SimResponse, headers: Record<string, string>): SimResponse {
  return { ...response, headers: { ...headers, ...(response.headers ?? {}) } };
}

/** The Capsule simulator with its defaults (see {@link CapsuleSimulatorOptions}). */
export const capsuleSimulator: SimulatorFactory = createCapsuleSimulator();
