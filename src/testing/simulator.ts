/**
 * The provider simulator contract. A simulator is a stateful fake of one provider's HTTP API,
 * written once as a request handler and served two ways by the framework in this folder: as a real
 * HTTP server on 127.0.0.1 and as a `nock` interceptor. The framework adds what every provider
 * shares (latency, injected faults, the call log, time scaling); the simulator models what is the
 * provider's own (routes, pagination, error bodies, rate limits and their headers, async jobs,
 * soft deletes) and exposes an **oracle**: what data exists for a subject, so tests check effects,
 * not adapter return values.
 */
import type { SubprocessorAdapter } from "../adapter.js";

/** One request as the simulator sees it. */
export interface SimRequest {
  /** Upper-case method. */
  readonly method: string;
  /** Path without query string, e.g. `/v1/customers/cus_1`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed body: JSON value for JSON, `Record<string,string>` for form bodies (bracket keys kept as is), else undefined. */
  readonly body: unknown;
  /** The body bytes as received. */
  readonly rawBody: Buffer;
}

/** One response. `body`: objects are sent as JSON, strings as text, bytes as they are. */
export interface SimResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** What the framework gives a simulator. */
export interface SimEnvironment {
  /**
   * The provider's clock, in epoch milliseconds: record ages, soft-delete windows, recycle-bin and
   * trash purges and job completion follow it (a test can walk it through 90 days).
   */
  now(): number;
  /**
   * The clock of rate-limit windows. Budgets are real requests per real second (the engine's
   * limiter runs on real time), so `startSimulators({ now })` keeps this one on `Date.now`.
   */
  rateNow(): number;
  /**
   * Scales a provider duration (rate-limit windows, job delays) by the run's `timeScale`:
   * `scale(10_000)` is 10 s at timeScale 1 and 100 ms at timeScale 0.01.
   */
  scale(ms: number): number;
  /** Page size to use instead of the provider's default (small, to force pagination in tests). */
  readonly pageSize: number | undefined;
  /** Deterministic random numbers in [0, 1) for seeding and fault injection. */
  random(): number;
  /**
   * Asked where a delete removes, trashes or purges a record of `type` (named as the oracle's
   * `byType` names it): `false` means this delete does not take — leave the record as it is and
   * answer the request as the provider does on success. Tests force it with
   * `sims.keepOnDelete(provider, { type, times })`, and the conformance kit then requires `status`
   * to report `remaining`. Always `true` otherwise. Ask it in each delete handler (at least the one
   * of the subject's main record), once per record.
   */
  deleteTakes(type: string): boolean;
}

/**
 * Where a seeded person stands with the business, for retention sweeps. Each simulator maps it to
 * its provider's own vocabulary (docs/sweeps.md has the table):
 * - `prospect`: never a customer (HubSpot lifecycle stage `lead`, a Zoho Lead, no won Pipedrive
 *   deal, a Capsule party without the customer tag);
 * - `customer`: a customer now (stage `customer`, a Zoho Contact, a won deal, an active subscription);
 * - `closed`: a former customer whose account was closed or cancelled at `lastActivityAt` (HubSpot
 *   stage `other`, a cancelled Chargebee or Stripe subscription).
 */
export type SeedStage = "prospect" | "customer" | "closed";

/** Options of `seedSubject`. */
export interface SeedOptions {
  /** Roughly how many records of each kind to create for the subject. @default 5 */
  records?: number;
  /**
   * The person's standing (see {@link SeedStage}). Without it each simulator seeds as it always
   * did (a customer with recent activity; Zoho seeds both a Contact and a Lead).
   */
  stage?: SeedStage;
  /** When the person's record was created, on the simulators' clock (epoch ms or Date). @default recent */
  createdAt?: number | Date;
  /**
   * The person's last activity or change (a call, an email, an edit; for `closed`, the
   * cancellation), on the simulators' clock. @default `createdAt` when that is given, else recent
   */
  lastActivityAt?: number | Date;
}

/** The seeding times of `options` in epoch ms (`undefined` when not given). */
export function seedTimes(options: SeedOptions): { createdAt?: number; lastActivityAt?: number } {
  const ms = (v: number | Date | undefined) => (v instanceof Date ? v.getTime() : v);
  const createdAt = ms(options.createdAt);
  const lastActivityAt = ms(options.lastActivityAt) ?? createdAt;
  return {
    ...(createdAt === undefined ? {} : { createdAt }),
    ...(lastActivityAt === undefined ? {} : { lastActivityAt }),
  };
}

/** The subject a simulator is seeded with or asked about. */
export interface SimSubject {
  readonly email: string;
  readonly phone?: string;
  readonly name?: string;
}

/** What the oracle knows about a subject in one provider. */
export interface OracleView {
  /** Live records (what `sims.remaining()` reports). */
  readonly live: number;
  /** Soft-deleted / trashed records still held by the provider until they are purged. */
  readonly trashed: number;
  /** Records restricted (suppressed, cancel-at-period-end, unsubscribed, …). */
  readonly restricted: number;
  /** Counts per record type, live and trashed. */
  readonly byType: Readonly<Record<string, { readonly live: number; readonly trashed: number }>>;
}

/**
 * A person who phoned a customer of the integration's owner (a tenant), known by number. What an
 * integration scope request (docs/tenants.md) is about.
 */
export interface SimCaller {
  /** The number as the caller gives it (any form; simulators store it in several). */
  readonly phone: string;
  readonly name?: string;
}

/** Options of `seedIntegration`. */
export interface IntegrationSeedOptions {
  /** Call activities the integration logged with the caller. @default 3 */
  readonly calls?: number;
  /** Whether the tenant keeps the caller as a contact (with records of its own). @default true */
  readonly contact?: boolean;
}

/** What `seedIntegration` created, as ids in the adapter's `subject.ids` form (e.g. `call:123`). */
export interface IntegrationSeed {
  /**
   * Records the integration wrote about the caller (the ids it stored when writing them); the
   * first is always a call activity.
   */
  readonly integrationIds: readonly string[];
  /** Records the tenant's users entered about the caller: integration scope never touches them. */
  readonly tenantIds: readonly string[];
}

/** What the oracle knows of a caller in integration terms. */
export interface IntegrationOracleView {
  /** Live records the integration wrote about the caller (calls, recordings, notes it attached). */
  readonly integration: number;
  /** Of the integration's, the call activities still live. */
  readonly calls: number;
  /** Integration records deleted but still held (recycle bin, trash) until the provider purges them. */
  readonly integrationTrashed: number;
  /** Live records the tenant entered about the caller (the contact, its own calls and notes). */
  readonly tenant: number;
  /** Per record type: live integration and tenant records. */
  readonly byType: Readonly<Record<string, { readonly integration: number; readonly tenant: number }>>;
}

/** A simulator instance. Created by a {@link SimulatorFactory} per `startSimulators` run. */
export interface ProviderSimulator {
  /** The adapter id it simulates (`stripe`, `hubspot`, …). */
  readonly id: string;
  /** Handles one request, after the framework's latency and fault layers. */
  handle(request: SimRequest): SimResponse | Promise<SimResponse>;
  /**
   * The provider's own error response for `status` (body shape and headers as the provider sends
   * them: 401, 403, 404, 422, 429 with its rate-limit headers, 5xx). The framework uses it to
   * inject faults (429 storms, 5xx) and the conformance suite to check classification.
   */
  errorResponse(status: number, options?: { retryAfterMs?: number }): SimResponse;
  /** Creates realistic data for the subject; returns the provider ids (for `subject.ids[id]`). */
  seed(subject: SimSubject, options: SeedOptions): string[];
  /** What exists for the subject right now. */
  oracle(subject: SimSubject): OracleView;
  /**
   * How many irreversible operations were applied to each record (key: `type:id`). A correct
   * adapter run never applies one twice to the same record. Used by crash and fault tests.
   */
  destructiveApplications(): ReadonlyMap<string, number>;
  /** Serialisable adapter options pointing at `baseUrl` (credentials are the simulator's fake ones). */
  adapterOptions(baseUrl: string): Record<string, unknown>;
  /**
   * CRM simulators: seeds a caller of the tenant — the tenant's own contact with records its users
   * entered, and call activities (with recordings and notes) an integration wrote. See
   * docs/tenants.md.
   */
  seedIntegration?(caller: SimCaller, options: IntegrationSeedOptions): IntegrationSeed;
  /** CRM simulators: the caller's records, the integration's counted apart from the tenant's. */
  integrationOracle?(caller: SimCaller): IntegrationOracleView;
}

/** Builds a simulator for one run. */
export interface SimulatorFactory {
  readonly id: string;
  create(env: SimEnvironment): ProviderSimulator;
  /** Builds the real adapter from `adapterOptions` (kept here so another process can do the same). */
  createAdapter(options: Record<string, unknown>): SubprocessorAdapter;
}
