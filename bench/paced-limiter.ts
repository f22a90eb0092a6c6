/**
 * A candidate in-process limiter, measured by the sweep next to the engine's (see
 * docs/performance.md): paced releases instead of a burst of the whole budget. Not used by the
 * engine; proposed with the numbers.
 */
import type { RateLimitSpec } from "../src/adapter.js";
import type { RateLimiter } from "../src/engine/rate-limiter.js";

/** Options of {@link pacedRateLimiter}. */
export interface PacedRateLimiterOptions {
  /**
   * Extra time between a slot and the one `requests` slots before it, absorbing the jitter between
   * a slot and the moment its request reaches the provider (event loop, network).
   * @default 5 % of the interval, at least 50 ms and at most 1 s (as `postgresRateLimiter`)
   */
  marginMs?: number;
  /**
   * The even spacing (`intervalMs / requests`) is capped at this: a long-window budget (hourly,
   * daily) is spent at up to one request per `maxSpacingMs` until the window's cap, instead of one
   * per hour / `requests` (a Zoho day of 50,000 credits would space calls 1.7 s apart).
   * @default 100
   */
  maxSpacingMs?: number;
  /**
   * Requests that may go back to back before the even spacing applies (a burst after a quiet
   * spell; a single erasure's sequential calls are not slowed). Never more than `requests` per
   * window either way.
   * @default 10 (or the budget's `requests`, when smaller)
   */
  burst?: number;
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
  /** Release times (actual, not planned) of the last grants; only the last `requests` are read. */
  readonly released: number[];
  pausedUntil: number;
  /** The even schedule's next theoretical release (GCRA): a release may be `burst - 1` spacings early. */
  tat: number;
  readonly queue: Waiter[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * An in-process limiter with the same schedule as the Postgres one, on actual release times: per
 * key a FIFO of waiting requests released one at a time at the latest of now, the pause's end, the
 * even schedule of `intervalMs / requests` apart (capped at `maxSpacingMs`; up to `burst` requests
 * may go early, after a quiet spell) and the release `requests` grants before + `intervalMs` + a margin, so no window
 * of `intervalMs` ever holds more than `requests` releases. Spreading requests instead of sending
 * the whole budget at once keeps them from arriving jittered at a window's edge, or overrunning a
 * provider's tighter per-endpoint limit. Releasing from one timer (not one
 * sleep per request computed in advance) matters when the event loop stalls (a slow synchronous
 * commit, a busy machine): the requests whose slots passed during the stall are not all sent at
 * once when it ends: at most `burst` go together, the rest resume at the even spacing.
 */
export function pacedRateLimiter(
  now: () => number = Date.now,
  options: PacedRateLimiterOptions = {},
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
  const spacing = (spec: RateLimitSpec, requests: number) => Math.min(maxSpacing, spec.intervalMs / requests);
  const burst = (requests: number) => Math.max(1, Math.min(requests, Math.floor(options.burst ?? 10)));

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
    },
  };
}
