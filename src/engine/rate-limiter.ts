/**
 * Rate limiting shared by all branches of a process (and, with a shared implementation such as the
 * Postgres store's, by all workers): one budget per provider credential. A `Retry-After` seen by
 * any branch pauses every branch using the same budget.
 */
import type { RateLimitSpec } from "../adapter.js";

/** The limiter contract the engine uses. */
export interface RateLimiter {
  /** Resolves when one request may be sent under `key`'s budget. */
  acquire(key: string, spec: RateLimitSpec, signal: AbortSignal): Promise<void>;
  /** The provider asked to wait: hold every request under `key` for `ms`. */
  penalize(key: string, ms: number): void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

/**
 * An in-process limiter: a sliding schedule that spaces requests evenly (`intervalMs / requests`
 * apart, with a burst of up to `requests` after idleness), so a provider never sees more than its
 * published budget from this process.
 */
export function localRateLimiter(now: () => number = Date.now): RateLimiter {
  const state = new Map<string, { next: number; pausedUntil: number }>();
  return {
    async acquire(key, spec, signal) {
      const spacing = spec.intervalMs / spec.requests;
      const entry = state.get(key) ?? { next: 0, pausedUntil: 0 };
      state.set(key, entry);
      const t = now();
      // Allow a burst: the schedule may lag behind now by at most one window.
      const earliest = Math.max(entry.next, t - spec.intervalMs + spacing, entry.pausedUntil);
      entry.next = earliest + spacing;
      const wait = earliest - t;
      if (wait > 0) await sleep(wait, signal);
    },
    penalize(key, ms) {
      const entry = state.get(key) ?? { next: 0, pausedUntil: 0 };
      entry.pausedUntil = Math.max(entry.pausedUntil, now() + ms);
      state.set(key, entry);
    },
  };
}
