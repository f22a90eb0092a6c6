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

/** The most grants the Postgres limiter remembers per key. */
export const MAX_LOGGED_GRANTS = 1000;

/**
 * The window the Postgres limiter enforces for `spec` (its log is a database row): the spec itself,
 * or — for budgets above {@link MAX_LOGGED_GRANTS} (Zoho's 50,000 credits a day, Capsule's 4,000 an
 * hour) — the same rate over a proportionally shorter window. Never more permissive than `spec`.
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

/** Options of {@link localRateLimiter}. */
export interface LocalRateLimiterOptions {
  /**
   * Extra time between a release and the one `requests` releases before it, absorbing the jitter
   * between a release and the moment its request reaches the provider (event loop, network).
   * @default 5 % of the interval, at least 50 ms and at most 1 s (as `postgresRateLimiter`)
   */
  marginMs?: number;
  /**
   * Requests that may go back to back before an even spacing of `intervalMs / requests` (capped at
   * `maxSpacingMs`) applies. By default there is no spacing: a whole budget may go at once after a
   * quiet spell, so one erasure's calls are never slowed below the provider's limit.
   * @default the budget's `requests`
   */
  burst?: number;
  /** Cap on the even spacing when `burst` is set. @default 100 */
  maxSpacingMs?: number;
}

/** One waiting `acquire`. */
interface Waiter {
  readonly spec: RateLimitSpec;
  readonly signal: AbortSignal;
  resolve(): void;
  reject(reason: unknown): void;
  onAbort(): void;
}

interface Budget {
  /** Actual release times of the last grants, oldest first; only the last `requests` are read. */
  readonly released: number[];
  pausedUntil: number;
  /** The even schedule's next theoretical release (GCRA), when `burst` is set. */
  tat: number;
  readonly queue: Waiter[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The in-process limiter: per key, a FIFO of waiting requests released one at a time by a single
 * timer, at the latest of now, the pause after a `Retry-After`, and the release `requests` grants
 * before + `intervalMs` + a margin — so no window of `intervalMs` ever holds more than `requests`
 * releases, while a whole budget may go at once after a quiet spell.
 *
 * What it records is when a request was actually let go, not a slot computed in advance: when the
 * event loop stalls (a slow synchronous commit, a busy machine), the requests whose slots passed
 * meanwhile would otherwise all leave together when it ends and reach the provider bunched at a
 * window's edge. Day-long budgets are kept exactly (a log of up to twice their `requests` numbers
 * before it is trimmed: at most 800 KB for Zoho's 50,000 credits), so a sweep may spend them in a
 * burst as the provider allows.
 */
export function localRateLimiter(
  now: () => number = Date.now,
  options: LocalRateLimiterOptions = {},
): RateLimiter {
  const budgets = new Map<string, Budget>();
  const budget = (key: string) => {
    let b = budgets.get(key);
    if (!b) {
      b = { released: [], pausedUntil: 0, tat: 0, queue: [], timer: undefined };
      budgets.set(key, b);
    }
    return b;
  };
  const margin = (intervalMs: number) =>
    Math.ceil(options.marginMs ?? Math.min(1000, Math.max(50, intervalMs * 0.05)));
  const maxSpacing = options.maxSpacingMs ?? 100;
  const spacing = (spec: RateLimitSpec, requests: number) =>
    options.burst === undefined ? 0 : Math.min(maxSpacing, spec.intervalMs / requests);
  const burst = (requests: number) => Math.max(1, Math.min(requests, Math.floor(options.burst ?? requests)));

  /** The earliest time the next request under `b` may go. */
  const nextSlot = (b: Budget, spec: RateLimitSpec) => {
    const requests = Math.max(1, Math.floor(spec.requests));
    const windowStart = b.released.length >= requests ? b.released[b.released.length - requests] : undefined;
    return Math.max(
      b.pausedUntil,
      b.tat - (burst(requests) - 1) * spacing(spec, requests),
      windowStart === undefined ? 0 : windowStart + spec.intervalMs + margin(spec.intervalMs),
    );
  };

  const pump = (b: Budget) => {
    if (b.timer !== undefined) return;
    for (;;) {
      const head = b.queue[0];
      if (!head) return;
      const t = now();
      const slot = nextSlot(b, head.spec);
      if (slot > t) {
        // +1: Node timers may fire up to a millisecond early.
        b.timer = setTimeout(
          () => {
            b.timer = undefined;
            pump(b);
          },
          Math.ceil(slot - t) + 1,
        );
        return;
      }
      b.queue.shift();
      b.released.push(t);
      const requests = Math.max(1, Math.floor(head.spec.requests));
      b.tat = Math.max(b.tat, t) + spacing(head.spec, requests);
      // Only the last `requests` releases are ever read; trim in batches (amortised O(1)).
      if (b.released.length > 2 * requests + 64) b.released.splice(0, b.released.length - requests);
      head.signal.removeEventListener("abort", head.onAbort);
      head.resolve();
    }
  };

  return {
    acquire(key, spec, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason);
        const b = budget(key);
        const waiter: Waiter = {
          spec,
          signal,
          resolve,
          reject,
          onAbort: () => {
            const index = b.queue.indexOf(waiter);
            if (index >= 0) b.queue.splice(index, 1);
            reject(signal.reason);
          },
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
        b.queue.push(waiter);
        pump(b);
      });
    },
    penalize(key, ms) {
      if (!(ms > 0)) return;
      const b = budget(key);
      b.pausedUntil = Math.max(b.pausedUntil, now() + ms);
      // A request already scheduled before the pause waits for its end too.
      if (b.timer !== undefined) {
        clearTimeout(b.timer);
        b.timer = undefined;
        pump(b);
      }
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
