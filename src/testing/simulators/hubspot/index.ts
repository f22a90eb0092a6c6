/**
 * A stateful simulator of the HubSpot APIs the `hubspot` adapter uses, routed exactly as the
 * official specs (HubSpot/HubSpot-public-api-spec-collection: contacts v3, calls v3, notes v3,
 * associations v4, files v3, communication preferences v4):
 *
 * - `GET /crm/v3/objects/contacts/{contactId}` (`idProperty=email`, `properties`,
 *   `propertiesWithHistory`, `archived`), `POST /crm/v3/objects/contacts` (create),
 *   `POST /crm/v3/objects/contacts/search` (its own rate limit, index lag),
 *   `POST /crm/v3/objects/contacts/gdpr-delete` (204; purge within 30 days; email blocklisted);
 * - `GET /crm/v4/objects/contacts/{id}/associations/{toObjectType}` (paged with `after`),
 *   `POST /crm/v4/associations/{engagementType}/{contacts|companies|deals|tickets}/batch/read`,
 *   `PUT /crm/v4/objects/{engagementType}/{id}/associations/default/{toObjectType}/{toId}`;
 * - `POST /crm/v3/objects/{calls|notes|emails|meetings|tasks|contacts}/batch/read` (207 on missing);
 * - `DELETE /crm/v3/objects/{type}/{id}` (archive: recycle bin 90 days; a call loses its recording)
 *   and `POST /crm/v3/objects/{engagementType}/batch/archive` (the same, up to 100 ids, 204);
 * - `GET /files/v3/files/{fileId}`, `DELETE /files/v3/files/{fileId}/gdpr-delete`;
 * - `GET /communication-preferences/v4/statuses/{email}`, `GET|POST …/{email}/unsubscribe-all`.
 *
 * Not modelled: a GDPR delete for calls. The calls specs here (v3, 2026-09) have no such operation;
 * only third-party listings name `/crm/v3/objects/calls/gdpr-delete`, so the adapter archives calls.
 *
 * A contact's GDPR delete keeps its calls and tasks, and the notes, emails and meetings also
 * associated with another record (the seed associates the first of each with a company, the
 * first meeting with a deal too), as HubSpot's knowledge base describes (see `gdprDeleteContact`).
 *
 * Oracle: `live` = the subject's contact, its engagements, their files and the email's subscription
 * statuses (one `communication-preferences` record); `trashed` = archived or
 * GDPR-deleted records awaiting their purge; `restricted` = subscription statuses our API calls set
 * to UNSUBSCRIBED. `destructiveApplications()` counts archives and GDPR deletes per record.
 */
import { type HubspotAdapterOptions, hubspotAdapter } from "../../../../adapters/hubspot/index.js";
import type {
  IntegrationOracleView,
  IntegrationSeed,
  IntegrationSeedOptions,
  OracleView,
  ProviderSimulator,
  SeedOptions,
  SimCaller,
  SimEnvironment,
  SimRequest,
  SimResponse,
  SimSubject,
  SimulatorFactory,
} from "../../simulator.js";
import { DEFAULT_APP_ID, IntegrationLedger, integrationOracle, seedIntegration } from "./integration.js";
import {
  DAILY_MAX,
  type HubspotTier,
  hubspotError,
  RollingWindow,
  rateLimited,
  rateLimitHeaders,
  SEARCH_PER_SECOND,
  TEN_SECONDLY_MAX,
} from "./responses.js";
import { applyRetentionSeed } from "./retention.js";
import { dispatch, hubspotRoutes, type Route } from "./router.js";
import { seedSubject } from "./seed.js";
import { type CrmType, HubspotStore, type OtherType } from "./store.js";

export type { HubspotTier } from "./responses.js";

/** Options of {@link createHubspotSimulator}. */
export interface HubspotSimulatorOptions {
  /** Portal tier: 100 requests per 10 s on free/starter, 190 on professional/enterprise. @default "starter" */
  tier?: HubspotTier;
  /** The private-app token the simulator accepts. @default "pat-sim-00000000-0000-4000-8000-000000000001" */
  accessToken?: string;
  /**
   * Refuse (400) an API create of a GDPR-blocklisted email instead of accepting it as HubSpot's
   * knowledge base describes. @default false
   */
  refuseBlocklistedCreates?: boolean;
  /** The id of the phone integration's app, on the records it writes (`hs_object_source_id`). @default "4242001" */
  integrationAppId?: string;
}

/** The HubSpot simulator, with a few HubSpot-only views for tests. */
export interface HubspotSimulator extends ProviderSimulator {
  /** True when a GDPR delete put `email` on the portal's blocklist. */
  isBlocklisted(email: string): boolean;
  /**
   * The subject's records in the recycle bin (archived, restorable from the UI), per singular
   * type, with the time each type's last one is purged.
   */
  recycleBin(subject: SimSubject): Record<string, { count: number; purgeAt: number }>;
  /** Creates a company, deal or ticket (tests associate engagements with it); returns its id. */
  createRecord(type: OtherType, name: string): string;
}

const DEFAULT_TOKEN = "pat-sim-00000000-0000-4000-8000-000000000001";
const TEN_SECONDS = 10_000;

const SINGULAR: Readonly<Record<CrmType, string>> = {
  contacts: "contact",
  calls: "call",
  notes: "note",
  emails: "email",
  meetings: "meeting",
  tasks: "task",
};

class Simulator implements HubspotSimulator {
  readonly id = "hubspot";
  private readonly store: HubspotStore;
  private readonly window: RollingWindow;
  private readonly search: RollingWindow;
  private daily = 0;
  private readonly ledger = new IntegrationLedger();

  constructor(
    private readonly env: SimEnvironment,
    private readonly tier: HubspotTier,
    private readonly token: string,
    refuseBlocklisted: boolean,
    private readonly appId: string,
  ) {
    this.store = new HubspotStore(env);
    this.routes = hubspotRoutes(this.store, env, refuseBlocklisted);
    this.window = new RollingWindow(TEN_SECONDLY_MAX[tier], env.scale(TEN_SECONDS));
    this.search = new RollingWindow(SEARCH_PER_SECOND, env.scale(1_000));
  }

  handle(req: SimRequest): SimResponse {
    this.store.sweep();
    if (req.headers.authorization !== `Bearer ${this.token}`) return hubspotError(401);
    const now = this.env.rateNow();
    const isSearch = req.method === "POST" && /^\/crm\/v3\/objects\/[^/]+\/search$/.test(req.path);
    if (isSearch) {
      // ASSUMPTION [U]: search requests do not count against the ten-second budget and their
      // responses carry no X-HubSpot-RateLimit-* headers.
      if (!this.search.take(now).ok) return rateLimited("search", {});
      return this.route(req);
    }
    this.daily += 1;
    const taken = this.window.take(now);
    const headers = rateLimitHeaders({
      max: this.window.max,
      remaining: taken.remaining,
      intervalMs: this.window.windowMs,
      dailyMax: DAILY_MAX[this.tier],
      dailyRemaining: DAILY_MAX[this.tier] - this.daily,
    });
    // ASSUMPTION [U]: HubSpot sends no Retry-After on a ten-second 429; clients wait out the interval.
    if (!taken.ok) return rateLimited("ten-secondly", headers);
    const response = this.route(req);
    return { ...response, headers: { ...headers, ...(response.headers ?? {}) } };
  }

  private readonly routes: readonly Route[];

  private route(req: SimRequest): SimResponse {
    return dispatch(this.routes, req);
  }

  errorResponse(status: number, options: { retryAfterMs?: number } = {}): SimResponse {
    if (status === 429) {
      const headers = rateLimitHeaders({
        max: this.window.max,
        remaining: 0,
        intervalMs: this.window.windowMs,
        dailyMax: DAILY_MAX[this.tier],
        dailyRemaining: DAILY_MAX[this.tier] - this.daily,
      });
      return rateLimited("ten-secondly", headers, options.retryAfterMs);
    }
    const headers: Record<string, string> =
      options.retryAfterMs === undefined
        ? {}
        : { "retry-after": String(Math.max(1, Math.ceil(options.retryAfterMs / 1000))) };
    return hubspotError(status, { headers });
  }

  seed(subject: SimSubject, options: SeedOptions): string[] {
    const id = seedSubject(this.store, this.env, subject, options.records ?? 5);
    applyRetentionSeed(this.store, id, options);
    return [id];
  }

  oracle(subject: SimSubject): OracleView {
    this.store.sweep();
    const email = subject.email.trim().toLowerCase();
    const byType: Record<string, { live: number; trashed: number }> = {};
    const bump = (type: string, live: boolean) => {
      const entry = byType[type] ?? { live: 0, trashed: 0 };
      if (live) entry.live += 1;
      else entry.trashed += 1;
      byType[type] = entry;
    };
    for (const record of this.store.records.values()) {
      if (record.owner === email) bump(SINGULAR[record.type], record.state === "live");
    }
    for (const file of this.store.files.values()) {
      if (file.owner === email && file.state === "live") bump("file", true);
    }
    const preferences = this.store.preferences.get(email);
    // The email's subscription statuses are the subject's data too (exported, purged with the contact).
    if (preferences) bump("communication-preferences", true);
    const statuses = preferences?.statuses ?? [];
    const values = Object.values(byType);
    return {
      live: values.reduce((n, v) => n + v.live, 0),
      trashed: values.reduce((n, v) => n + v.trashed, 0),
      restricted: statuses.filter((s) => s.unsubscribedByApi && s.status === "UNSUBSCRIBED").length,
      byType,
    };
  }

  destructiveApplications(): ReadonlyMap<string, number> {
    return new Map(this.store.destructive);
  }

  adapterOptions(baseUrl: string): Record<string, unknown> {
    return { accessToken: this.token, baseUrl, tier: this.tier, integration: { appId: this.appId } };
  }

  seedIntegration(caller: SimCaller, options: IntegrationSeedOptions): IntegrationSeed {
    return seedIntegration(this.store, this.env, this.ledger, this.appId, caller, options);
  }

  integrationOracle(caller: SimCaller): IntegrationOracleView {
    return integrationOracle(this.store, this.ledger, caller);
  }

  isBlocklisted(email: string): boolean {
    return this.store.blocklist.has(email.trim().toLowerCase());
  }

  recycleBin(subject: SimSubject): Record<string, { count: number; purgeAt: number }> {
    this.store.sweep();
    const email = subject.email.trim().toLowerCase();
    const out: Record<string, { count: number; purgeAt: number }> = {};
    for (const record of this.store.records.values()) {
      if (record.owner !== email || record.state !== "archived") continue;
      const entry = out[SINGULAR[record.type]] ?? { count: 0, purgeAt: 0 };
      entry.count += 1;
      entry.purgeAt = Math.max(entry.purgeAt, record.purgeAt ?? 0);
      out[SINGULAR[record.type]] = entry;
    }
    return out;
  }

  createRecord(type: OtherType, name: string): string {
    return this.store.createOther(type, name);
  }
}

/** Builds a HubSpot simulator factory for a tier and token. */
export function createHubspotSimulator(options: HubspotSimulatorOptions = {}): SimulatorFactory {
  const tier = options.tier ?? "starter";
  const token = options.accessToken ?? DEFAULT_TOKEN;
  return {
    id: "hubspot",
    create: (env) =>
      new Simulator(
        env,
        tier,
        token,
        options.refuseBlocklistedCreates ?? false,
        options.integrationAppId ?? DEFAULT_APP_ID,
      ),
    createAdapter: (adapterOptions) => hubspotAdapter(adapterOptions as HubspotAdapterOptions),
  };
}

/** The HubSpot simulator (starter tier: 100 requests per rolling 10 s). */
export const hubspotSimulator: SimulatorFactory = createHubspotSimulator();
