/**
 * A stateful simulator of the Chargebee API v2 (`https://{site}-test.chargebee.com/api/v2`):
 * customers (several per email), contacts, subscriptions, invoices (+ PDF download URLs), credit
 * notes, transactions, payment sources and comments; offset pagination; end-of-term cancellation
 * and its removal; `clear_personal_data` (immediate or deferred by the site's retention setting)
 * and customer `delete` (purged after a delay); idempotency keys; the test-site rate limit; HTTP
 * Basic auth with the API key as user name. Provider facts: PROVIDERS.md §2.
 */
import { chargebeeAdapter } from "../../../../adapters/chargebee/index.js";
import type { SubprocessorAdapter } from "../../../adapter.js";
import type {
  ProviderSimulator,
  SimEnvironment,
  SimRequest,
  SimResponse,
  SimSubject,
  SimulatorFactory,
} from "../../simulator.js";
import { badParam, cbError, errorFor, notFound } from "./errors.js";
import {
  CHILD_KINDS,
  type ChargebeeSiteSettings,
  ChargebeeState,
  DEFAULT_SITE,
  type DeleteBlocker,
} from "./model.js";
import * as routes from "./routes.js";

export type { ChargebeeSiteSettings, DeleteBlocker } from "./model.js";

/** One request as the simulator received it (no personal data: ids and header values only). */
export interface ChargebeeReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly idempotencyKey?: string;
  readonly businessEntityId?: string;
  readonly replayed: boolean;
  readonly status: number;
}

/** The Chargebee simulator, with test hooks beyond the {@link ProviderSimulator} contract. */
export interface ChargebeeSimulator extends ProviderSimulator {
  /** Site settings; tests may change them (e.g. `piiRetentionMs`) between calls. */
  readonly site: ChargebeeSiteSettings;
  /** Makes `POST /customers/{id}/delete` fail one of its documented preconditions. */
  blockDelete(customerId: string, blocker: DeleteBlocker): void;
  /** Status of every subscription of the subject's customers, by subscription id (oracle detail). */
  subscriptionStatuses(subject: SimSubject): Record<string, string>;
  /**
   * How many records of each kind hang off a customer, by id — also once its personal data is
   * cleared, when the oracle (which finds the subject by email) no longer sees them.
   */
  recordsOfCustomer(customerId: string): Record<string, number>;
  /** Every request received, in order. */
  received(): readonly ChargebeeReceivedRequest[];
}

/** A {@link SimulatorFactory} whose instances are {@link ChargebeeSimulator}s. */
export interface ChargebeeSimulatorFactory extends SimulatorFactory {
  create(env: SimEnvironment): ChargebeeSimulator;
}

const API = "/api/v2";
const MAX_IDEMPOTENCY_KEY = 100;

interface Remembered {
  readonly method: string;
  readonly path: string;
  readonly at: number;
  readonly response: SimResponse;
}

function createSimulator(env: SimEnvironment, overrides: Partial<ChargebeeSiteSettings>): ChargebeeSimulator {
  const site: ChargebeeSiteSettings = { ...DEFAULT_SITE, ...overrides };
  const state = new ChargebeeState(env, site);
  const idempotency = new Map<string, Remembered>();
  const log: ChargebeeReceivedRequest[] = [];
  let windowStart = env.now();
  let windowCount = 0;

  function authorised(request: SimRequest): boolean {
    const header = request.headers.authorization ?? "";
    const match = /^Basic\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return false;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const user = decoded.includes(":") ? decoded.slice(0, decoded.indexOf(":")) : decoded;
    return user === site.apiKey;
  }

  /** Fixed one-minute windows (scaled); the test-site limit is 150 requests a minute. */
  function rateLimited(): SimResponse | undefined {
    // ASSUMPTION [U]: the limit is counted in fixed one-minute windows; the concurrency limit is not
    // modelled.
    const window = env.scale(60_000);
    const now = env.rateNow();
    if (now - windowStart >= window) {
      windowStart = now;
      windowCount = 0;
    }
    // ASSUMPTION [U]: every request counts, including unauthenticated ones and failures.
    windowCount += 1;
    if (windowCount <= site.requestsPerMinute) return undefined;
    return errorFor(429, windowStart + window - now);
  }

  function route(request: SimRequest, path: string): SimResponse {
    const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
    const [resource, id, action, ...extra] = segments;
    const { method } = request;
    if (extra.length > 0 || resource === undefined) return notFound("resource");
    const child = (
      {
        subscriptions: "subscription",
        invoices: "invoice",
        credit_notes: "credit_note",
        transactions: "transaction",
        payment_sources: "payment_source",
      } as const
    )[resource as "subscriptions"];
    if (method === "GET") {
      if (resource === "customers") {
        if (id === undefined) return routes.listCustomers(state, request);
        if (action === undefined) return routes.getCustomer(state, id);
        if (action === "contacts") return routes.listContacts(state, id, request);
      } else if (resource === "comments" && id === undefined) {
        return routes.listComments(state, request);
      } else if (child) {
        if (id === undefined) return routes.listChildren(state, child, request);
        if (action === undefined) return routes.getChild(state, child, id);
      }
      return notFound("resource");
    }
    if (method !== "POST")
      return cbError(405, "invalid_request", "Method not allowed", { type: "invalid_request" });
    if (resource === "comments" && id === undefined) return routes.createComment(state, request);
    if (id === undefined || action === undefined) return notFound("resource");
    switch (`${resource}/${action}`) {
      case "customers/clear_personal_data":
        return routes.clearPersonalData(state, id);
      case "customers/delete":
        return routes.deleteCustomer(state, id);
      case "subscriptions/cancel_for_items":
      case "subscriptions/cancel":
        return routes.cancelSubscription(state, id, request);
      case "subscriptions/remove_scheduled_cancellation":
        return routes.removeScheduledCancellation(state, id);
      case "invoices/pdf":
        return routes.pdf(state, "invoice", id, request);
      case "credit_notes/pdf":
        return routes.pdf(state, "credit_note", id, request);
      case "comments/delete":
        return routes.deleteComment(state, id);
      case "payment_sources/delete":
        return routes.deletePaymentSource(state, id);
      default:
        return notFound("resource");
    }
  }

  function handle(request: SimRequest): SimResponse {
    state.tick();
    const download = /^\/_sim\/downloads\/([a-z_]+)\/([^/]+)\.pdf$/.exec(request.path);
    if (download && request.method === "GET") {
      return routes.download(state, download[1] ?? "", decodeURIComponent(download[2] ?? ""));
    }
    const key = request.headers["chargebee-idempotency-key"];
    const entity = request.headers["chargebee-business-entity-id"];
    const respond = (response: SimResponse, replayed = false): SimResponse => {
      log.push({
        method: request.method,
        path: request.path,
        ...(key === undefined ? {} : { idempotencyKey: key }),
        ...(entity === undefined ? {} : { businessEntityId: entity }),
        replayed,
        status: response.status,
      });
      return response;
    };
    const limited = rateLimited();
    if (limited) return respond(limited);
    if (!authorised(request)) return respond(errorFor(401));
    if (!request.path.startsWith(`${API}/`)) return respond(notFound("resource"));
    // ASSUMPTION [U]: any well-formed business entity id is accepted (entities are not modelled);
    // a malformed one is a 400 on the header.
    if (entity !== undefined && !/^[A-Za-z0-9_-]{1,50}$/.test(entity)) {
      return respond(badParam("chargebee-business-entity-id", "invalid business entity id"));
    }
    if (request.method === "POST" && key !== undefined) {
      if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY) {
        return respond(badParam("chargebee-idempotency-key", "idempotency key must be 1 to 100 characters"));
      }
      const seen = idempotency.get(key);
      if (seen && env.now() - seen.at < env.scale(site.idempotencyWindowMs)) {
        if (seen.method !== request.method || seen.path !== request.path) {
          // ASSUMPTION [U]: reusing a key for a different request is refused with 400.
          return respond(
            badParam("chargebee-idempotency-key", "idempotency key was used for another request"),
          );
        }
        return respond(
          {
            ...seen.response,
            headers: { ...(seen.response.headers ?? {}), "chargebee-idempotency-replayed": "true" },
          },
          true,
        );
      }
    }
    const response = route(request, request.path.slice(API.length));
    // ASSUMPTION [U]: only successful responses are remembered, so a refused request can be retried
    // under the same key once its precondition holds.
    if (request.method === "POST" && key !== undefined && response.status < 300) {
      idempotency.set(key, {
        method: request.method,
        path: request.path,
        at: env.now(),
        response: structuredClone(response),
      });
    }
    return respond(response);
  }

  return {
    id: "chargebee",
    site,
    handle,
    errorResponse: (status, options) => errorFor(status, options?.retryAfterMs),
    seed: (subject, options) => state.seed(subject, options.records ?? 5),
    oracle: (subject) => state.oracle(subject),
    destructiveApplications: () => new Map(state.destructive),
    blockDelete(customerId, blocker) {
      const meta = state.meta.get(customerId);
      if (!meta) throw new Error("unknown customer");
      meta.blockers.add(blocker);
    },
    received: () => [...log],
    recordsOfCustomer(customerId) {
      state.tick();
      const out: Record<string, number> = {};
      for (const kind of CHILD_KINDS) {
        const n = state.recordsOf(kind, customerId).length;
        if (n > 0) out[kind] = n;
      }
      return out;
    },
    subscriptionStatuses(subject) {
      state.tick();
      const out: Record<string, string> = {};
      for (const customer of state.customers.values()) {
        if (String(customer.email ?? "").toLowerCase() !== subject.email.toLowerCase()) continue;
        for (const sub of state.recordsOf("subscription", customer.id)) out[sub.id] = String(sub.status);
      }
      return out;
    },
    adapterOptions(baseUrl) {
      const options: Record<string, unknown> = {
        site: site.site,
        apiKey: site.apiKey,
        testSite: true,
        baseUrl,
      };
      if (site.piiRetentionMs > 0) options.personalDataRetention = site.piiRetentionMs;
      return options;
    },
  };
}

/** A Chargebee simulator factory with site settings other than the defaults. */
export function chargebeeSimulatorWith(
  overrides: Partial<ChargebeeSiteSettings> = {},
): ChargebeeSimulatorFactory {
  return {
    id: "chargebee",
    create: (env) => createSimulator(env, overrides),
    createAdapter: (options): SubprocessorAdapter => chargebeeAdapter(options as never),
  };
}

/** The Chargebee simulator with a default test site (immediate PII clearing, 150 requests/min). */
export const chargebeeSimulator: ChargebeeSimulatorFactory = chargebeeSimulatorWith();

/** The origin the SDK calls for the simulated test site, for `serveNock`. */
export const CHARGEBEE_SIM_ORIGIN = `https://${DEFAULT_SITE.site}-test.chargebee.com`;
