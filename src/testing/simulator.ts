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

/** Options of `seedSubject`. */
export interface SeedOptions {
  /** Roughly how many records of each kind to create for the subject. @default 5 */
  records?: number;
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
}

/** Builds a simulator for one run. */
export interface SimulatorFactory {
  readonly id: string;
  create(env: SimEnvironment): ProviderSimulator;
  /** Builds the real adapter from `adapterOptions` (kept here so another process can do the same). */
  createAdapter(options: Record<string, unknown>): SubprocessorAdapter;
}
