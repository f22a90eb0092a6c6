/**
 * The shared rate limiter across independent limiter instances (each with its own pool, as in
 * separate worker processes): together they stay within one budget per key, measured on the
 * timestamps at which requests would be sent; a penalty from one pauses the others.
 */
import { setMaxListeners } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresRateLimiter, postgresStore } from "../../src/stores/postgres.js";
import { dropSchemas, freshSchema, PG_SKIP_REASON, PG_URL, testPool } from "./postgres-helpers.js";

const prefix = `gf_rl_${process.pid}_`;
const never = new AbortController().signal;
setMaxListeners(0, never);

/** The most grants found in any window of `intervalMs` (sorted timestamps). */
function maxInWindow(times: number[], intervalMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= intervalMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe.skipIf(!PG_URL)(`postgresRateLimiter${PG_SKIP_REASON}`, () => {
  const schema = freshSchema(`rl_${process.pid}`);
  const pool = PG_URL ? testPool() : undefined;
  beforeAll(async () => {
    const store = postgresStore({ pool: pool!, schema });
    await store.migrate();
    // Test-only: log every grant's slot (database time) as the limiter writes it.
    await pool!.query({
      text: `CREATE TABLE "${schema}".grant_log (key text, slot bigint);
        CREATE FUNCTION "${schema}".log_grant() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF cardinality(NEW.slots) > 0 AND (TG_OP = 'INSERT' OR NEW.slots IS DISTINCT FROM OLD.slots) THEN
            INSERT INTO "${schema}".grant_log VALUES (NEW.key, NEW.slots[cardinality(NEW.slots)]);
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER log_grant AFTER INSERT OR UPDATE ON "${schema}".gf_rate_limits
          FOR EACH ROW EXECUTE FUNCTION "${schema}".log_grant();`,
    });
  });
  afterAll(async () => {
    await dropSchemas(pool!, prefix);
    await pool!.end();
  });

  it("keeps ten limiter instances together within one budget (20 per 1 s, like 100 per 10 s scaled)", async () => {
    const spec = { requests: 20, intervalMs: 1000 };
    const limiters = Array.from({ length: 10 }, () =>
      postgresRateLimiter({ connectionString: PG_URL, schema, maxConnections: 2 }),
    );
    const sent: number[] = [];
    const perWorker: number[] = limiters.map(() => 0);
    const until = Date.now() + 2500;
    await Promise.all(
      limiters.flatMap((limiter, w) =>
        [0, 1].map(async () => {
          while (Date.now() < until) {
            await limiter.acquire("hubspot:app-1", spec, never);
            sent.push(Date.now());
            perWorker[w]! += 1;
          }
        }),
      ),
    );
    await Promise.all(limiters.map((l) => l.close()));
    sent.sort((a, b) => a - b);
    const { rows } = await pool!.query({
      text: `SELECT slot FROM "${schema}".grant_log WHERE key = 'hubspot:app-1' ORDER BY slot`,
    });
    const slots = rows.map((r) => Number(r.slot));
    const busiestSlots = maxInWindow(slots, spec.intervalMs);
    // Send times carry this busy test process's scheduling jitter (one event loop for all ten).
    const jitterMs = 100;
    const busiestSends = maxInWindow(sent, spec.intervalMs - jitterMs);
    console.log(
      `shared limiter: ${sent.length} grants in ${sent.at(-1)! - sent[0]!} ms across 10 instances; ` +
        `at most ${busiestSlots} granted in any ${spec.intervalMs} ms window (database clock), ` +
        `${maxInWindow(sent, spec.intervalMs)} sent in any ${spec.intervalMs} ms and ${busiestSends} in any ` +
        `${spec.intervalMs - jitterMs} ms window (this process's clock); per instance ${perWorker.join(",")}`,
    );
    expect(slots).toHaveLength(sent.length);
    expect(busiestSlots).toBeLessThanOrEqual(spec.requests);
    expect(busiestSends).toBeLessThanOrEqual(spec.requests);
    // Close to the ceiling: a full window at the start, then one grant per 50 ms (the last
    // acquisitions may sleep past `until`).
    expect(sent.length).toBeGreaterThanOrEqual(Math.floor(spec.requests * 2.3));
    // Nobody starved.
    expect(Math.min(...perWorker)).toBeGreaterThan(0);
  });

  it("pauses every instance when one of them is penalized (Retry-After)", async () => {
    const spec = { requests: 50, intervalMs: 1000 };
    const a = postgresRateLimiter({ connectionString: PG_URL, schema });
    const b = postgresRateLimiter({ connectionString: PG_URL, schema });
    await b.acquire("pipedrive:k", spec, never);
    a.penalize("pipedrive:k", 600);
    await new Promise((r) => setTimeout(r, 50)); // the penalty is written asynchronously
    const started = Date.now();
    await b.acquire("pipedrive:k", spec, never);
    const waited = Date.now() - started;
    // Another key is not slowed.
    const other = Date.now();
    await b.acquire("pipedrive:other-credential", spec, never);
    const otherWaited = Date.now() - other;
    await a.close();
    await b.close();
    expect(waited).toBeGreaterThanOrEqual(500);
    expect(otherWaited).toBeLessThan(200);
  });

  it("stops waiting when the signal aborts", async () => {
    const limiter = postgresRateLimiter({ connectionString: PG_URL, schema });
    const spec = { requests: 1, intervalMs: 60_000 };
    await limiter.acquire("slow:k", spec, never);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("stop")), 50);
    await expect(limiter.acquire("slow:k", spec, controller.signal)).rejects.toThrow("stop");
    await limiter.close();
  });
});
