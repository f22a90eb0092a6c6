// A worker process of the multi-worker Postgres sweep: the simulators' adapters (scaled budgets),
// the Postgres store and the shared Postgres limiter; waits for "go", then runs the saga loop.
import { createFanout } from "../src/index.js";
import { postgresRateLimiter, postgresStore } from "../src/stores/postgres.js";
import { findSimulator } from "../src/testing/index.js";
import { scaleAdapter } from "./harness.js";

const [url, schema, worker, setup] = process.argv.slice(2);
if (!url || !schema || !worker || !setup)
  throw new Error("usage: postgres-sweep-worker <url> <schema> <worker> <setup>");
const { options, timeScale, retryMs, pollMs } = JSON.parse(setup) as {
  options: Record<string, Record<string, unknown>>;
  timeScale: number;
  retryMs: number;
  pollMs: number;
};
const adapters = Object.entries(options).map(([id, o]) =>
  scaleAdapter(findSimulator(id)!.createAdapter(o), timeScale),
);
const fanout = createFanout({
  adapters,
  store: postgresStore({ connectionString: url, schema }),
  rateLimiter: postgresRateLimiter({ connectionString: url, schema }),
  secret: "bench-secret-0123456789abcdef",
  workerId: worker,
  concurrency: 50,
  pollInterval: pollMs,
  retry: { initialInterval: retryMs },
});
await fanout.store.migrate();
process.once("message", () => {
  void fanout.run({ idleMs: 25 });
});
process.send?.("ready");
