// A worker process for the Postgres tests: runs the saga loop on a shared database until killed.
// Reports every commit it attempts (and whether the store accepted it) to the parent over IPC.

import { isFanoutError } from "../../src/errors.js";
import { createFanout } from "../../src/index.js";
import { postgresRateLimiter, postgresStore } from "../../src/stores/postgres.js";
import { workerFakeAdapter } from "./postgres-fakes.js";

const [url, schema, baseUrl, providers, worker, leaseMs] = process.argv.slice(2);
if (!url || !schema || !baseUrl || !providers || !worker || !leaseMs)
  throw new Error("usage: postgres-worker <url> <schema> <baseUrl> <providers> <worker> <leaseMs>");
const store = postgresStore({ connectionString: url, schema });
const commit = store.commit.bind(store);
store.commit = async (lease, now, change) => {
  // When the commit was sent: a reply read after SIGCONT may belong to a commit sent before SIGSTOP.
  const at = Date.now();
  try {
    await commit(lease, now, change);
    process.send?.({ type: "commit", worker, requestId: lease.requestId, ok: true, at });
  } catch (error) {
    const code = isFanoutError(error) ? error.code : "ERROR";
    process.send?.({ type: "commit", worker, requestId: lease.requestId, ok: false, code, at });
    throw error;
  }
};
const fanout = createFanout({
  adapters: providers.split(",").map((p) => workerFakeAdapter(p, baseUrl, worker)),
  store,
  rateLimiter: postgresRateLimiter({ connectionString: url, schema, maxConnections: 2 }),
  secret: "postgres-worker-test-secret-0123456789",
  workerId: worker,
  lease: Number(leaseMs),
  concurrency: 4,
});
process.send?.({ type: "ready", worker });
await fanout.run({ idleMs: 20 });
