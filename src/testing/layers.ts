/**
 * Layers that the framework puts around every simulator (see {@link SimLayer}): injected latency,
 * random faults at a given probability, and faults a test forces on the next requests of one
 * provider (`sims.inject("stripe", { status: 401 })`). Randomness comes from a seeded generator, so
 * a run with the same seed sees the same faults at the same requests.
 */
import type { SimLayer, SimOutcome } from "./serve.js";
import type { ProviderSimulator, SimRequest, SimResponse } from "./simulator.js";

/** A transport-level fault: what the client sees instead of a clean response. */
export type TransportFault = "reset" | "malformed" | "truncate" | "slow";

/**
 * Probabilities (0–1, per request) of random faults for one provider. Each request rolls once; the
 * first fault whose cumulative probability covers the roll is applied.
 */
export interface FaultRates {
  /** HTTP 500/502/503 with the provider's own error body. @default 0 */
  serverError?: number;
  /** Start of a 429 storm: this and the next `stormLength - 1` requests get the provider's 429. @default 0 */
  rateLimit?: number;
  /** Length of a 429 storm. @default 5 */
  stormLength?: number;
  /** Wait advertised by injected 429s, in ms. @default 1000 */
  retryAfterMs?: number;
  /** The connection is dropped after the simulator handled the request (the response is lost). @default 0 */
  reset?: number;
  /** The body is cut in half and made unparseable JSON. @default 0 */
  malformed?: number;
  /** The body stops half-way and the socket closes (HTTP transport; nock sends it malformed). @default 0 */
  truncate?: number;
  /** The response is delayed by `slowMs` and then served normally. @default 0 */
  slow?: number;
  /** Delay of a slow response, in ms. @default 2000 */
  slowMs?: number;
}

/**
 * A fault forced on the next matching requests of one provider.
 *
 * ```ts
 * sims.inject("stripe", { status: 401 });                      // next request answers 401
 * sims.inject("stripe", { status: 429, retryAfterMs: 2000, times: 3 });
 * sims.inject("stripe", { fault: "reset", afterCalls: 3 });    // 4th request from now is reset
 * sims.inject("stripe", { match: { method: "GET", path: /\/charges$/ }, onMatch: () => ac.abort() });
 * ```
 */
export interface Injection {
  /** Answer with the simulator's own `errorResponse(status)`; the simulator does not see the request. */
  status?: number;
  /** Wait advertised by an injected 429 (passed to `errorResponse`). */
  retryAfterMs?: number;
  /**
   * A transport fault. `reset`, `malformed` and `truncate` happen after the simulator handled the
   * request (the effect is applied, the response is lost: the hard case for idempotency) unless
   * `before` is set; `slow` delays by `delayMs` then answers normally.
   */
  fault?: TransportFault;
  /** Apply `reset`/`malformed`/`truncate` without letting the simulator handle the request. @default false */
  before?: boolean;
  /** Delay of a `slow` fault, in ms. @default 2000 */
  delayMs?: number;
  /** How many matching requests the injection applies to. @default 1 */
  times?: number;
  /** Let this many matching requests through untouched first. @default 0 */
  afterCalls?: number;
  /** Only requests with this method and/or path (exact string or RegExp on the path without query). */
  match?: { readonly method?: string; readonly path?: string | RegExp };
  /** Called when the injection applies to a request (before it is answered). */
  onMatch?: (request: SimRequest) => void;
}

/** Returned by `inject`: how often it fired, and a way to withdraw it. */
export interface InjectionHandle {
  /** Requests the injection has applied to so far. */
  readonly fired: number;
  /** True when it will not apply again (used up or cancelled). */
  readonly done: boolean;
  cancel(): void;
}

interface ActiveInjection {
  readonly spec: Injection;
  skip: number;
  left: number;
  fired: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function matches(spec: Injection, request: SimRequest): boolean {
  const m = spec.match;
  if (!m) return true;
  if (m.method && m.method.toUpperCase() !== request.method) return false;
  if (m.path === undefined) return true;
  return typeof m.path === "string" ? m.path === request.path : m.path.test(request.path);
}

async function applyFault(
  fault: TransportFault,
  next: () => Promise<SimResponse>,
  options: { before: boolean; delayMs: number; sim: ProviderSimulator },
): Promise<SimOutcome> {
  if (fault === "slow") {
    await sleep(options.delayMs);
    return next();
  }
  const response = options.before ? { status: 200, body: { object: "list", data: [] } } : await next();
  if (fault === "reset") return { fault: "reset" };
  return { fault, response };
}

/** Layer delaying every response by `ms`. */
export function latencyLayer(ms: number): SimLayer {
  return async (_request, next) => {
    if (ms > 0) await sleep(ms);
    return next();
  };
}

/** The forced-fault queue of one provider, as a layer plus its `inject` function. */
export function injectionLayer(sim: ProviderSimulator): {
  layer: SimLayer;
  inject(spec: Injection): InjectionHandle;
  clear(): void;
} {
  const queue: ActiveInjection[] = [];
  const layer: SimLayer = async (request, next) => {
    let chosen: ActiveInjection | undefined;
    for (const active of queue) {
      if (active.left <= 0 || !matches(active.spec, request)) continue;
      if (active.skip > 0) {
        active.skip -= 1;
        continue;
      }
      chosen = active;
      break;
    }
    if (!chosen) return next();
    chosen.left -= 1;
    chosen.fired += 1;
    if (chosen.left <= 0) queue.splice(queue.indexOf(chosen), 1);
    const spec = chosen.spec;
    spec.onMatch?.(request);
    if (spec.status !== undefined) {
      return sim.errorResponse(
        spec.status,
        spec.retryAfterMs === undefined ? undefined : { retryAfterMs: spec.retryAfterMs },
      );
    }
    if (spec.fault) {
      return applyFault(spec.fault, next, {
        before: spec.before ?? false,
        delayMs: spec.delayMs ?? 2000,
        sim,
      });
    }
    return next();
  };
  return {
    layer,
    inject(spec) {
      if (spec.status !== undefined && spec.fault !== undefined) {
        throw new RangeError("inject: give either status or fault, not both");
      }
      const active: ActiveInjection = {
        spec,
        skip: Math.max(0, spec.afterCalls ?? 0),
        left: Math.max(0, spec.times ?? 1),
        fired: 0,
      };
      queue.push(active);
      return {
        get fired() {
          return active.fired;
        },
        get done() {
          return active.left <= 0;
        },
        cancel() {
          active.left = 0;
          const index = queue.indexOf(active);
          if (index >= 0) queue.splice(index, 1);
        },
      };
    },
    clear() {
      queue.length = 0;
    },
  };
}

/** Layer applying random faults at the given rates, drawing from `random`. */
export function faultLayer(sim: ProviderSimulator, rates: FaultRates, random: () => number): SimLayer {
  let storm = 0;
  const retryAfterMs = rates.retryAfterMs ?? 1000;
  const table: [number, string][] = [
    [rates.serverError ?? 0, "serverError"],
    [rates.rateLimit ?? 0, "rateLimit"],
    [rates.reset ?? 0, "reset"],
    [rates.malformed ?? 0, "malformed"],
    [rates.truncate ?? 0, "truncate"],
    [rates.slow ?? 0, "slow"],
  ];
  for (const [p, name] of table) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`faults.${name} must be a probability between 0 and 1`);
  }
  return async (_request, next) => {
    if (storm > 0) {
      storm -= 1;
      return sim.errorResponse(429, { retryAfterMs });
    }
    const roll = random();
    let acc = 0;
    let kind: string | undefined;
    for (const [p, name] of table) {
      acc += p;
      if (roll < acc) {
        kind = name;
        break;
      }
    }
    switch (kind) {
      case "serverError":
        return sim.errorResponse([500, 502, 503][Math.floor(random() * 3)] ?? 500);
      case "rateLimit":
        storm = Math.max(0, (rates.stormLength ?? 5) - 1);
        return sim.errorResponse(429, { retryAfterMs });
      case "reset":
      case "malformed":
      case "truncate":
      case "slow":
        return applyFault(kind, next, { before: false, delayMs: rates.slowMs ?? 2000, sim });
      default:
        return next();
    }
  };
}
