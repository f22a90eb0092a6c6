/**
 * The {@link SimEnvironment} a simulator runs in: a clock that can be scaled, a small page size,
 * and deterministic randomness.
 */
import type { SimEnvironment } from "./simulator.js";

/** Options of {@link createSimEnvironment}. */
export interface SimEnvironmentOptions {
  /** Multiplies provider durations (rate windows, job delays). @default 1 */
  timeScale?: number;
  /** Page size that simulators use instead of the provider default. */
  pageSize?: number;
  /** Seed of the deterministic random generator. @default 1 */
  seed?: number;
  /** The provider's clock in epoch ms (record ages, purges, jobs). @default Date.now */
  now?: () => number;
  /** The clock of rate-limit windows. @default `now` */
  rateNow?: () => number;
  /** Whether a delete takes (see `SimEnvironment.deleteTakes`). @default every delete takes */
  deleteTakes?: (type: string) => boolean;
}

/** A small deterministic PRNG (mulberry32), so seeded data and injected faults repeat run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates a {@link SimEnvironment}. */
export function createSimEnvironment(options: SimEnvironmentOptions = {}): SimEnvironment {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0) || !Number.isFinite(timeScale))
    throw new RangeError("timeScale must be a positive number");
  const now = options.now ?? Date.now;
  return {
    now,
    rateNow: options.rateNow ?? now,
    scale: (ms) => ms * timeScale,
    pageSize: options.pageSize,
    random: seededRandom(options.seed ?? 1),
    deleteTakes: options.deleteTakes ?? (() => true),
  };
}
