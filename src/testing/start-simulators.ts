/**
 * `startSimulators`: every provider fake of a run, served over HTTP on 127.0.0.1 or through nock,
 * with latency and faults, a shared call log, seeding and the oracle. See docs/testing.md.
 */
import type { SubprocessorAdapter } from "../adapter.js";
import { countByRoute } from "./call-routes.js";
import { createSimEnvironment, seededRandom } from "./environment.js";
import { deleteKeeper, type KeepOnDelete } from "./keep-on-delete.js";
import {
  type FaultRates,
  faultLayer,
  type Injection,
  type InjectionHandle,
  injectionLayer,
  latencyLayer,
} from "./layers.js";
import { scaledPollInterval, withScaledBudgets } from "./scaled-budgets.js";
import { type SimCall, type SimLayer, serveHttp } from "./serve.js";
import { serveNock } from "./serve-nock.js";
import type {
  IntegrationOracleView,
  IntegrationSeed,
  IntegrationSeedOptions,
  OracleView,
  ProviderSimulator,
  SeedOptions,
  SimCaller,
  SimSubject,
  SimulatorFactory,
} from "./simulator.js";
import { simulators as registry } from "./simulators/index.js";

/** Options of {@link startSimulators}. */
export interface StartSimulatorsOptions {
  /**
   * Which providers to start: registered ids (`"stripe"`) or factories (your own simulator, or a
   * configured one such as `createStripeSimulator({ redactionJobs: false })`).
   * @default every simulator in the registry
   */
  providers?: readonly (string | SimulatorFactory)[];
  /** Latency added to every response, in ms; one number for all or a map per provider id. @default 0 */
  latencyMs?: number | Readonly<Record<string, number>>;
  /** Random faults: one set of rates for all providers or a map per provider id. @default none */
  faults?: FaultRates | Readonly<Record<string, FaultRates>>;
  /** Multiplies provider durations (rate-limit windows, job delays). @default 1 */
  timeScale?: number;
  /**
   * `"http"`: a real server per provider on 127.0.0.1 (works across processes). `"nock"`: requests
   * to `https://<id>.simulator.test` (`<id>-2…` while another nock run is open) are intercepted in
   * this process; no socket is opened.
   * @default "http"
   */
  transport?: "http" | "nock";
  /** Page size every simulator uses instead of the provider's default (small forces pagination). */
  pageSize?: number;
  /** Seed of seeded data and random faults. @default 1 */
  seed?: number;
  /**
   * The providers' clock in epoch ms: pass the clock your fanout uses (`createFanout({ now })`) and
   * the simulators age records, empty recycle bins and trashes, and finish jobs on it, so a test can
   * walk a request through a 90-day window and see what the provider would do on each day.
   * Rate-limit windows stay on real time, like the engine's limiter.
   * @default Date.now
   */
  now?: () => number;
}

/** What {@link startSimulators} returns. */
export interface Simulators {
  /** Provider ids running, in start order. */
  readonly providers: readonly string[];
  /** Serialisable adapter options per provider id: `{ stripe: { apiKey, baseUrl, … }, … }`. */
  readonly options: Readonly<Record<string, Record<string, unknown>>>;
  /** Creates the subject's data in every provider; returns the ids per provider (use as `subject.ids`). */
  seedSubject(subject: SimSubject, options?: SeedOptions): Promise<Record<string, string[]>>;
  /**
   * Builds each provider's real adapter from {@link Simulators.options}, with its declared rate
   * limits scaled by `timeScale` like the simulators' windows (the adapters built by your own
   * code from `options` declare the providers' real budgets).
   */
  adapters(): SubprocessorAdapter[];
  /**
   * A `pollInterval` for `createFanout` that fits `timeScale`: the engine's default first poll of a
   * provider job (5 s) scaled like the simulators' job delays, in ms (50 at `timeScale: 0.01`).
   */
  readonly pollInterval: number;
  /** Live records per provider for a subject (or an email). */
  remaining(subject: SimSubject | string): Promise<Record<string, number>>;
  /** The oracle of one provider for a subject. */
  oracle(provider: string, subject: SimSubject | string): OracleView;
  /** The simulator instance of one provider. */
  simulator(provider: string): ProviderSimulator;
  /**
   * Seeds a caller in every CRM simulator that models integration scope (docs/tenants.md); returns
   * what was created per provider.
   */
  seedIntegration(caller: SimCaller, options?: IntegrationSeedOptions): Record<string, IntegrationSeed>;
  /** One CRM simulator's view of a caller: the integration's records apart from the tenant's. */
  integrationOracle(provider: string, caller: SimCaller): IntegrationOracleView;
  /** Forces a fault on the next matching requests of one provider. See {@link Injection}. */
  inject(provider: string, injection: Injection): InjectionHandle;
  /**
   * Makes the provider's next deletes not take: it answers them as on success and keeps the
   * records (the simulator asks `env.deleteTakes`). See {@link KeepOnDelete}.
   */
  keepOnDelete(provider: string, spec?: KeepOnDelete): InjectionHandle;
  /** Removes every pending injection and kept delete (of one provider, or all). */
  clearInjections(provider?: string): void;
  /** Every request served so far, in arrival order (optionally of one provider). */
  calls(provider?: string): SimCall[];
  /**
   * Requests served so far per provider and route (`"GET /v1/customers/:id"`: ids and emails in
   * the path replaced, see {@link callRoute}), optionally since `since` (an index into `calls()`).
   */
  callsByRoute(since?: number): Record<string, Record<string, number>>;
  /** Stops servers and interceptors. */
  close(): Promise<void>;
}

interface Running {
  readonly factory: SimulatorFactory;
  readonly sim: ProviderSimulator;
  readonly injections: ReturnType<typeof injectionLayer>;
  readonly keeper: ReturnType<typeof deleteKeeper>;
  close(): Promise<void>;
}

function resolveFactories(providers: StartSimulatorsOptions["providers"]): SimulatorFactory[] {
  if (providers === undefined) return [...registry];
  const out: SimulatorFactory[] = [];
  for (const p of providers) {
    if (typeof p !== "string") {
      out.push(p);
      continue;
    }
    const found = registry.find((f) => f.id === p);
    if (!found) {
      const known = registry.map((f) => f.id).join(", ");
      throw new RangeError(`unknown simulator "${p}" (registered: ${known})`);
    }
    out.push(found);
  }
  const ids = out.map((f) => f.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new RangeError(`simulator "${dup}" is listed twice`);
  return out;
}

function perProvider<T extends object | number>(
  value: T | Readonly<Record<string, T>> | undefined,
  id: string,
  isMap: (v: unknown) => boolean,
): T | undefined {
  if (value === undefined) return undefined;
  if (isMap(value)) return (value as Readonly<Record<string, T>>)[id];
  return value as T;
}

const FAULT_KEYS = new Set([
  "serverError",
  "rateLimit",
  "stormLength",
  "retryAfterMs",
  "reset",
  "malformed",
  "truncate",
  "slow",
  "slowMs",
]);

/** Origins intercepted by nock runs that are still open: a second run picks another host. */
const nockOrigins = new Set<string>();

function nockOrigin(id: string): string {
  for (let n = 1; ; n += 1) {
    const origin = n === 1 ? `https://${id}.simulator.test` : `https://${id}-${n}.simulator.test`;
    if (!nockOrigins.has(origin)) {
      nockOrigins.add(origin);
      return origin;
    }
  }
}

function toSubject(subject: SimSubject | string): SimSubject {
  return typeof subject === "string" ? { email: subject } : subject;
}

/** Starts simulators for a test run. Always `await sims.close()` (e.g. in `afterAll`). */
export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<Simulators> {
  const factories = resolveFactories(options.providers);
  const transport = options.transport ?? "http";
  if (transport !== "http" && transport !== "nock")
    throw new RangeError('transport must be "http" or "nock"');
  if (options.now !== undefined && typeof options.now !== "function")
    throw new RangeError("now must be a function returning epoch ms");
  const seed = options.seed ?? 1;
  const timeScale = options.timeScale ?? 1;
  const log: SimCall[] = [];
  const running = new Map<string, Running>();
  const adapterOptions: Record<string, Record<string, unknown>> = {};
  try {
    for (const [index, factory] of factories.entries()) {
      const keeper = deleteKeeper();
      const envOptions: Parameters<typeof createSimEnvironment>[0] = {
        seed: seed + index * 7919,
        deleteTakes: keeper.takes,
      };
      if (options.timeScale !== undefined) envOptions.timeScale = options.timeScale;
      if (options.pageSize !== undefined) envOptions.pageSize = options.pageSize;
      if (options.now !== undefined) {
        envOptions.now = options.now;
        envOptions.rateNow = Date.now;
      }
      const env = createSimEnvironment(envOptions);
      const sim = factory.create(env);
      const injections = injectionLayer(sim);
      const layers: SimLayer[] = [];
      const latency = perProvider(options.latencyMs, factory.id, (v) => typeof v === "object");
      if (latency) layers.push(latencyLayer(latency));
      layers.push(injections.layer);
      const rates = perProvider(options.faults, factory.id, (v) =>
        Object.keys(v as object).some((k) => !FAULT_KEYS.has(k)),
      );
      // A separate stream, so that faults do not shift the seeded data (and vice versa).
      if (rates) layers.push(faultLayer(sim, rates, seededRandom((seed + index * 7919) ^ 0x5eed)));
      const serveOptions = { layers, log: (call: SimCall) => log.push(call), now: env.now };
      let serving: { baseUrl: string; close(): Promise<void> };
      if (transport === "http") serving = await serveHttp(sim, serveOptions);
      else {
        const origin = nockOrigin(factory.id);
        const nocked = await serveNock(sim, origin, serveOptions);
        serving = {
          baseUrl: nocked.baseUrl,
          close: async () => {
            await nocked.close();
            nockOrigins.delete(origin);
          },
        };
      }
      running.set(factory.id, { factory, sim, injections, keeper, close: serving.close });
      adapterOptions[factory.id] = sim.adapterOptions(serving.baseUrl);
    }
  } catch (error) {
    await Promise.all([...running.values()].map((r) => r.close()));
    throw error;
  }
  const get = (provider: string): Running => {
    const r = running.get(provider);
    if (!r) throw new RangeError(`simulator "${provider}" is not running`);
    return r;
  };
  return {
    providers: [...running.keys()],
    options: adapterOptions,
    async seedSubject(subject, seedOptions = {}) {
      const ids: Record<string, string[]> = {};
      for (const [id, r] of running) ids[id] = r.sim.seed(subject, seedOptions);
      return ids;
    },
    adapters: () =>
      [...running.values()].map((r) =>
        withScaledBudgets(r.factory.createAdapter(adapterOptions[r.factory.id] ?? {}), timeScale),
      ),
    pollInterval: scaledPollInterval(timeScale),
    async remaining(subject) {
      const out: Record<string, number> = {};
      for (const [id, r] of running) out[id] = r.sim.oracle(toSubject(subject)).live;
      return out;
    },
    oracle: (provider, subject) => get(provider).sim.oracle(toSubject(subject)),
    simulator: (provider) => get(provider).sim,
    seedIntegration(caller, seedOptions = {}) {
      const out: Record<string, IntegrationSeed> = {};
      for (const [id, r] of running) {
        if (r.sim.seedIntegration) out[id] = r.sim.seedIntegration(caller, seedOptions);
      }
      return out;
    },
    integrationOracle(provider, caller) {
      const sim = get(provider).sim;
      if (!sim.integrationOracle)
        throw new RangeError(`simulator "${provider}" does not model integration scope`);
      return sim.integrationOracle(caller);
    },
    inject: (provider, injection) => get(provider).injections.inject(injection),
    keepOnDelete: (provider, spec = {}) => get(provider).keeper.keep(spec),
    clearInjections(provider) {
      for (const r of provider !== undefined ? [get(provider)] : running.values()) {
        r.injections.clear();
        r.keeper.clear();
      }
    },
    calls: (provider) => (provider === undefined ? [...log] : log.filter((c) => c.provider === provider)),
    callsByRoute: (since = 0) => countByRoute(log.slice(since)),
    async close() {
      await Promise.all([...running.values()].map((r) => r.close()));
      running.clear();
    },
  };
}
