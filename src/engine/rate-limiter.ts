/**
 * Rate limiting shared by all branches of a process (and, with a shared implementation such as the
 * Postgres store's, by all workers): one budget per provider credential. A `Retry-After` seen by
 * any branch pauses every branch using the same budget.
 */
import type { RateLimitBucket, RateLimitSpec } from "../adapter.js";

/** The limiter contract the engine uses. */
export interface RateLimiter {
  /** Resolves when one request may be sent under `key`'s budget. */
  acquire(key: string, spec: RateLimitSpec, signal: AbortSignal): Promise<void>;
  /** The provider asked to wait: hold every request under `key` for `ms`. */
  penalize(key: string, ms: number): void;
}

/** The most grants a limiter remembers per key. */
export const MAX_LOGGED_GRANTS = 1000;

/**
 * The window a limiter enforces for `spec`: the spec itself, or — for budgets above
 * {@link MAX_LOGGED_GRANTS} (Zoho's 50,000 credits a day, Capsule's 4,000 an hour) — the same rate
 * over a proportionally shorter window, so the log stays small. Never more permissive than `spec`.
 */
export function boundedWindow(spec: RateLimitSpec): RateLimitSpec {
  const requests = Math.max(1, Math.floor(spec.requests));
  if (requests <= MAX_LOGGED_GRANTS) return { requests, intervalMs: spec.intervalMs };
  return { requests: MAX_LOGGED_GRANTS, intervalMs: (spec.intervalMs * MAX_LOGGED_GRANTS) / requests };
}

/** Sleeps `ms`, rejecting with the signal's reason when it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

interface Budget {
  /** Grant times, oldest first (at most `requests` of them). */
  grants: number[];
  pausedUntil: number;
}

/**
 * An in-process limiter: a sliding log of grant times per key, so no window of `intervalMs` ever
 * holds more than `requests` grants, while a burst up to the budget passes after a quiet spell.
 * Each acquire reserves its slot, then sleeps until it.
 */
export function localRateLimiter(now: () => number = Date.now): RateLimiter {
  const budgets = new Map<string, Budget>();
  const budget = (key: string) => {
    let b = budgets.get(key);
    if (!b) {
      b = { grants: [], pausedUntil: 0 };
      budgets.set(key, b);
    }
    return b;
  };
  return {
    async acquire(key, spec, signal) {
      const { requests, intervalMs } = boundedWindow(spec);
      const b = budget(key);
      const t = now();
      const oldest = b.grants.length >= requests ? b.grants[b.grants.length - requests]! + intervalMs : 0;
      const at = Math.max(t, b.pausedUntil, oldest);
      b.grants.push(at);
      if (b.grants.length > requests) b.grants.splice(0, b.grants.length - requests);
      if (at > t) await abortableSleep(at - t, signal);
    },
    penalize(key, ms) {
      const b = budget(key);
      b.pausedUntil = Math.max(b.pausedUntil, now() + ms);
    },
  };
}

/** Waits for the adapter's budget, then for the endpoint's own `bucket` (if any). */
export async function acquireBudgets(
  limiter: RateLimiter,
  key: string,
  spec: RateLimitSpec | undefined,
  bucket: RateLimitBucket | undefined,
  signal: AbortSignal,
): Promise<void> {
  if (spec) await limiter.acquire(key, spec, signal);
  if (bucket) await limiter.acquire(`${key}:${bucket.key}`, bucket, signal);
}
