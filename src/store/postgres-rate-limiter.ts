/**
 * `postgresRateLimiter()`: one rate budget per key (provider credential) shared by every worker
 * process on the database, so ten workers together stay within a provider's published limit, and a
 * `Retry-After` seen by any of them pauses all of them.
 *
 * A sliding log per key: the row keeps the send times granted in the last `requests` grants. A new
 * grant goes at the latest of now, the pause's end and the oldest kept grant + `intervalMs` (+ a
 * margin for jitter), so no window of `intervalMs` ever holds more than `requests` grants across all
 * processes, while a burst up to the budget passes after a quiet spell. Long budgets are bounded to
 * a log of 1,000 grants over the proportional window (`boundedWindow`). Each grant is
 * one upsert under the key's row lock, timed by the database's clock (workers' clocks may differ);
 * the caller then sleeps until its slot.
 */
import type { RateLimitSpec } from "../adapter.js";
import { abortableSleep, boundedWindow, type RateLimiter } from "../engine/rate-limiter.js";
import { FanoutError } from "../errors.js";
import { lazyPool, type PgConnectionOptions, quoteSchema } from "./postgres-pool.js";
import { postgresStore } from "./postgres-store.js";

/** Options of {@link postgresRateLimiter}: where the budget table lives (migrated by the store). */
export interface PostgresRateLimiterOptions extends PgConnectionOptions {
  /**
   * Extra spacing between a grant and the one `requests` grants before it, absorbing the jitter
   * between a slot's time and the moment the request reaches the provider (event loop, network).
   * @default 5 % of the interval, at least 50 ms and at most 1 s
   */
  marginMs?: number;
}

/** A {@link RateLimiter} with its pool; `close()` ends the pool when the limiter created it. */
export interface PostgresRateLimiter extends RateLimiter {
  close(): Promise<void>;
}

const NOW_MS = "(extract(epoch FROM statement_timestamp()) * 1000)::bigint";

/**
 * Creates the shared limiter. Its table `gf_rate_limits` belongs to the store's schema: give the
 * limiter the same database and `schema` as the store (or the same `pool`); it runs the store's
 * migrations itself on first use.
 */
export function postgresRateLimiter(options: PostgresRateLimiterOptions): PostgresRateLimiter {
  const { name: schema, quoted: s } = quoteSchema(options.schema);
  const pools = lazyPool(options);
  // Pauses seen by this process apply at once, before the shared row is written.
  const localPause = new Map<string, number>();
  let migrated: Promise<void> | undefined;
  const ready = async () => {
    const pool = await pools.get();
    migrated ??= postgresStore({ pool, schema }).migrate();
    await migrated.catch((error: unknown) => {
      migrated = undefined;
      throw error;
    });
    return pool;
  };
  const margin = (intervalMs: number) =>
    Math.ceil(options.marginMs ?? Math.min(1000, Math.max(50, intervalMs * 0.05)));

  const acquireSql = `INSERT INTO ${s}.gf_rate_limits AS l (key, slots, paused_until)
      VALUES ($1, ARRAY[${NOW_MS}], 0)
      ON CONFLICT (key) DO UPDATE SET slots = (
        CASE WHEN cardinality(l.slots) >= $2 THEN l.slots[cardinality(l.slots) - $2 + 2 :] ELSE l.slots END
      ) || GREATEST(
        EXCLUDED.slots[1],
        l.paused_until,
        COALESCE(l.slots[cardinality(l.slots)] + $5, 0),
        CASE WHEN cardinality(l.slots) >= $2 THEN l.slots[cardinality(l.slots) - $2 + 1] + $3 + $4 ELSE 0 END
      )
      RETURNING slots[cardinality(slots)] - ${NOW_MS} AS wait_ms`;
  const penalizeSql = `INSERT INTO ${s}.gf_rate_limits AS l (key, slots, paused_until)
      VALUES ($1, '{}', ${NOW_MS} + $2)
      ON CONFLICT (key) DO UPDATE SET paused_until = GREATEST(l.paused_until, EXCLUDED.paused_until)`;

  return {
    async acquire(key: string, spec: RateLimitSpec, signal: AbortSignal) {
      const window = boundedWindow(spec);
      const pause = (localPause.get(key) ?? 0) - Date.now();
      if (pause > 0) await abortableSleep(pause, signal);
      let waitMs: number;
      try {
        const pool = await ready();
        const { rows } = await pool.query({
          name: `gf_${schema}_rate_acquire`,
          text: acquireSql,
          values: [key, window.requests, Math.ceil(window.intervalMs), margin(window.intervalMs), 0],
        });
        waitMs = Number(rows[0]?.wait_ms ?? 0);
      } catch (error) {
        throw new FanoutError("PROVIDER_UNAVAILABLE", "The shared rate limiter could not be reached", {
          retryable: true,
          cause: error,
        });
      }
      // +1: Node timers may fire up to a millisecond early.
      if (waitMs > 0) await abortableSleep(waitMs + 1, signal);
    },
    penalize(key: string, ms: number) {
      if (!(ms > 0)) return;
      localPause.set(key, Math.max(localPause.get(key) ?? 0, Date.now() + ms));
      ready()
        .then((pool) =>
          pool.query({ name: `gf_${schema}_rate_penalize`, text: penalizeSql, values: [key, Math.ceil(ms)] }),
        )
        .catch(() => {
          // The local pause still holds this process back; others learn of the 429 on their own.
        });
    },
    close: () => pools.close(),
  };
}
