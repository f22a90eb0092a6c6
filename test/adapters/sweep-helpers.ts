/** Shared by the adapters' sweep tests: one simulator behind nock on a clock, and `expired()` read to the end. */
import type { ExpiredRecord, RateLimitBucket, SubprocessorAdapter, SweepPolicy } from "../../src/adapter.js";
import { acquireBudgets, localRateLimiter } from "../../src/engine/rate-limiter.js";
import { monthsBefore } from "../../src/engine/sweep-cutoff.js";
import { silentLogger } from "../../src/logger.js";
import { createSimEnvironment } from "../../src/testing/environment.js";
import { serveNock } from "../../src/testing/serve-nock.js";
import type { ProviderSimulator, SeedOptions, SimulatorFactory } from "../../src/testing/simulator.js";

export const NOW = Date.UTC(2026, 11, 1);
export const DAY = 86_400_000;
export const months = (n: number) => monthsBefore(NOW, n);
export const prospect24: SweepPolicy = { kind: "prospect", olderThan: new Date(months(24)) };
export const inactive90: SweepPolicy = { kind: "inactive", olderThan: new Date(NOW - 90 * DAY) };

let origins = 0;

/** A simulator of `factory` on the test clock behind nock, with its adapter (`options` added). */
export async function simulated(
  factory: SimulatorFactory,
  close: (fn: () => Promise<void>) => void,
  options: Record<string, unknown> = {},
  pageSize = 3,
) {
  const env = createSimEnvironment({ pageSize, now: () => NOW, rateNow: Date.now });
  const sim = factory.create(env);
  const serving = await serveNock(sim, `https://${factory.id}-sweep-${++origins}.simulator.test`);
  close(() => serving.close());
  const adapter = factory.createAdapter({ ...sim.adapterOptions(serving.baseUrl), ...options });
  const seed = (name: string, o: SeedOptions) =>
    sim.seed({ email: `${name}@example.test`, name: `Sweep ${name}` }, { records: 1, ...o });
  return { sim: sim as ProviderSimulator, adapter, seed };
}

const limiter = localRateLimiter();

/** The adapter's declared budget, shared by every call a test makes through it. */
export const budget =
  (adapter: SubprocessorAdapter, signal: AbortSignal = new AbortController().signal) =>
  (bucket?: RateLimitBucket) =>
    acquireBudgets(limiter, `test:${adapter.rateLimitKey ?? adapter.id}`, adapter.rateLimit, bucket, signal);

/** Everything `expired` yields, from `cursor` on (under the adapter's declared budget, as the engine runs it). */
export async function list(adapter: SubprocessorAdapter, policy: SweepPolicy, cursor?: string) {
  const out: ExpiredRecord[] = [];
  const signal = new AbortController().signal;
  for await (const r of adapter.expired!(policy, {
    signal,
    cursor,
    rateLimit: budget(adapter, signal),
    now: () => new Date(NOW),
    logger: silentLogger,
  }))
    out.push(r);
  return out;
}
