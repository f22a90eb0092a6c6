/**
 * A Zoho CRM simulator: the accounts server's refresh-token grant (`POST /oauth/v2/token`) and the
 * CRM API v8 under `/crm/v8` (Contacts, Leads, Calls, Tasks, Events, Cases, Deals; Notes,
 * Attachments, Emails and the linked modules as related lists; search; delete to the recycle bin;
 * recycle-bin list, purge and restore), both on one origin.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/
 * @see https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html
 */
import { randomBytes } from "node:crypto";
import { type ZohoAdapterOptions, zohoAdapter } from "../../../../adapters/zoho/index.js";
import type {
  ProviderSimulator,
  SimCaller,
  SimEnvironment,
  SimRequest,
  SimResponse,
  SimulatorFactory,
} from "../../simulator.js";
import {
  addOrgNote,
  handleUsers,
  IntegrationLedger,
  integrationOracle,
  seedIntegration,
} from "./integration.js";
import { type ZohoLimitOptions, ZohoLimits, zohoError } from "./responses.js";
import { applyRetentionSeed, seeding } from "./retention.js";
import { handleCoql } from "./routes-coql.js";
import { type DeleteFaults, handleRecords } from "./routes-records.js";
import { handleRecycleBin } from "./routes-recycle-bin.js";
import { addLinked, seedSubject } from "./seed.js";
import { type LinkedModule, ZohoState } from "./state.js";

/** Options of {@link createZohoSimulator}. */
export type ZohoSimulatorOptions = ZohoLimitOptions;

/** The Zoho simulator, with a few test hooks beyond the {@link ProviderSimulator} contract. */
export interface ZohoSimulator extends ProviderSimulator {
  /** How many `POST /oauth/v2/token` requests were answered. */
  tokenCalls(): number;
  /** Invalidates every access token issued so far (as a revocation on Zoho's side would). */
  revokeAccessTokens(): void;
  /** The next delete-to-recycle-bin of `id` fails with this per-item code inside `data[]`. */
  failNextDelete(id: string, code: string): void;
  /**
   * Adds a Task, Event, Case or Deal linked to a seeded contact or lead; `shared`: it also belongs
   * to an account (a meeting also invites another person). Returns its id.
   */
  addLinked(personId: string, module: Exclude<LinkedModule, "Calls">, options?: { shared?: boolean }): string;
  /** Where a record is now: `live`, `bin` (recycle bin) or `gone` (purged or never existed). */
  whereIs(id: string): "live" | "bin" | "gone";
  /** Adds a note by one of the org's users under a record of `caller` (e.g. a call the integration wrote). */
  addOrgNote(caller: SimCaller, parentId: string): string;
}

/** A {@link SimulatorFactory} whose instances are {@link ZohoSimulator}s. */
export interface ZohoSimulatorFactory extends SimulatorFactory {
  create(env: SimEnvironment): ZohoSimulator;
}

const CLIENT_ID = "1000.SIMZOHOCLIENT7Q2W9E";
const CLIENT_SECRET = "sim-zoho-client-secret-5d1e8a";
const REFRESH_TOKEN = "1000.5a9c0e7b3f2d41d8b6c2.9e8f7a6b5c4d3e2f1a0b";
/** Access tokens live one hour. */
const TOKEN_LIFETIME_MS = 3_600_000;

function formOrQuery(request: SimRequest): Record<string, string> {
  const out: Record<string, string> = Object.fromEntries(request.query.entries());
  if (request.body && typeof request.body === "object") {
    for (const [k, v] of Object.entries(request.body as Record<string, unknown>)) {
      if (typeof v === "string") out[k] = v;
    }
  }
  return out;
}

/** Creates a Zoho simulator factory with the given limits. */
export function createZohoSimulator(options: ZohoSimulatorOptions = {}): ZohoSimulatorFactory {
  return {
    id: "zoho",
    createAdapter: (adapterOptions) => zohoAdapter(adapterOptions as unknown as ZohoAdapterOptions),
    create(env: SimEnvironment): ZohoSimulator {
      const state = new ZohoState(env);
      const ledger = new IntegrationLedger();
      const limits = new ZohoLimits(env, options);
      const tokens = new Map<string, number>();
      const faults: DeleteFaults = new Map();
      let tokenCalls = 0;
      let apiDomain = "https://www.zohoapis.com";

      // Not modelled: Zoho's cap on how many access tokens one refresh token may mint per 10 minutes.
      const token = (request: SimRequest): SimResponse => {
        tokenCalls++;
        const params = formOrQuery(request);
        // ASSUMPTION [U]: Zoho's accounts server answers grant failures with HTTP 200 and a body
        // `{error: "invalid_client" | "invalid_code" | "unsupported_grant_type"}`.
        if (params.grant_type !== "refresh_token")
          return { status: 200, body: { error: "unsupported_grant_type" } };
        if (params.client_id !== CLIENT_ID || params.client_secret !== CLIENT_SECRET)
          return { status: 200, body: { error: "invalid_client" } };
        if (params.refresh_token !== REFRESH_TOKEN) return { status: 200, body: { error: "invalid_code" } };
        const lifetime = env.scale(TOKEN_LIFETIME_MS);
        const accessToken = `1000.${randomBytes(16).toString("hex")}.${randomBytes(16).toString("hex")}`;
        tokens.set(accessToken, env.now() + lifetime);
        return {
          status: 200,
          body: {
            access_token: accessToken,
            scope: "ZohoCRM.modules.ALL ZohoCRM.settings.recycle_bin.ALL",
            api_domain: apiDomain,
            token_type: "Bearer",
            expires_in: lifetime / 1000,
          },
        };
      };

      const authenticate = (request: SimRequest): SimResponse | undefined => {
        const header = request.headers.authorization ?? "";
        const match = /^Zoho-oauthtoken\s+(\S+)$/i.exec(header);
        if (!match) return zohoError(401, "AUTHENTICATION_FAILURE", "Authentication failed");
        const expiresAt = tokens.get(match[1] ?? "");
        if (expiresAt === undefined || expiresAt <= env.now()) {
          return zohoError(401, "INVALID_TOKEN", "invalid oauth token");
        }
        return undefined;
      };

      const route = (request: SimRequest): SimResponse => {
        const segments = request.path.split("/").filter(Boolean).slice(2).map(decodeURIComponent);
        state.expire();
        const answer =
          segments[0] === "settings" && segments[1] === "recycle_bin"
            ? handleRecycleBin(state, env, request, segments.slice(2))
            : segments[0] === "coql" && segments.length === 1
              ? handleCoql(state, request)
              : segments[0] === "users"
                ? handleUsers(request, segments)
                : segments[0] === "settings" || segments[0] === "coql"
                  ? undefined
                  : handleRecords(state, env, faults, request, segments);
        return answer ?? notFound();
      };

      const notFound = () =>
        zohoError(404, "INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one");

      return {
        id: "zoho",
        async handle(request) {
          if (request.path === "/oauth/v2/token") {
            return request.method === "POST" ? token(request) : notFound();
          }
          if (!request.path.startsWith("/crm/v8/")) return notFound();
          const denied = authenticate(request);
          if (denied) return denied;
          return limits.run(() => route(request));
        },
        errorResponse(status, errorOptions) {
          switch (status) {
            case 400:
              return zohoError(400, "INVALID_DATA", "the id given seems to be invalid");
            case 401:
              // A 401 that a token refresh does not cure (the OAS's AUTHENTICATION_FAILURE). Expired or
              // unknown tokens get INVALID_TOKEN from `authenticate`, which adapters answer with one
              // refresh and one retry, so an injected INVALID_TOKEN would not surface as a failure.
              return zohoError(401, "AUTHENTICATION_FAILURE", "Authentication failed");
            case 403:
              return zohoError(403, "OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL");
            case 404:
              return notFound();
            case 429:
              return zohoError(
                429,
                "TOO_MANY_REQUESTS",
                "The number of concurrent requests exceeded the limit",
                {},
                limits.headers(env.now() + (errorOptions?.retryAfterMs ?? env.scale(60_000))),
              );
            default:
              return status >= 500
                ? zohoError(status, "INTERNAL_ERROR", "Internal server error occurred.")
                : zohoError(status, "INVALID_REQUEST", "Please check whether the input values are correct");
          }
        },
        seed: (subject, seedOptions) => {
          const { result, added } = seeding(state, () =>
            seedSubject(state, subject, seedOptions.records ?? 5),
          );
          return applyRetentionSeed(state, result, seedOptions, added);
        },
        oracle: (subject) => {
          state.expire();
          return state.oracle(subject);
        },
        destructiveApplications: () => new Map(state.destructive),
        seedIntegration: (caller, integrationOptions) =>
          seedIntegration(state, ledger, caller, integrationOptions),
        integrationOracle: (caller) => integrationOracle(state, ledger, caller),
        addOrgNote: (caller, parentId) => addOrgNote(state, ledger, caller, parentId),
        adapterOptions(baseUrl) {
          apiDomain = baseUrl.replace(/\/+$/, "");
          return {
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            refreshToken: REFRESH_TOKEN,
            accountsUrl: apiDomain,
            apiDomain,
          };
        },
        tokenCalls: () => tokenCalls,
        revokeAccessTokens: () => tokens.clear(),
        failNextDelete: (id, code) => {
          faults.set(id, code);
        },
        addLinked: (personId, module, linkOptions) => {
          const person = state.records.get(personId);
          if (person?.module !== "Contacts" && person?.module !== "Leads") {
            throw new RangeError("addLinked needs a seeded contact or lead id");
          }
          return addLinked(state, person, module, linkOptions).id;
        },
        whereIs: (id) => {
          state.expire();
          const record = state.records.get(id);
          return record ? state.stateOf(record) : "gone";
        },
      };
    },
  };
}

/** The Zoho CRM simulator with Enterprise-edition limits. */
export const zohoSimulator: ZohoSimulatorFactory = createZohoSimulator();
