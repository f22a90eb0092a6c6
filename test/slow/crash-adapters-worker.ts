// A worker process for crash-adapters.test.ts: builds the seven real adapters from the simulators'
// serialisable options (the registry's createAdapter) and runs the saga loop until it is killed.
//   crash-adapters-worker <store: sqlite:<path> | postgres:<schema>> <options.json>
import { readFileSync } from "node:fs";
import type { SagaStore } from "../../src/index.js";
import { createFanout } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { adaptersFrom, scaledLimiter } from "./reliability/support.js";

const [storeSpec, optionsFile] = process.argv.slice(2);
if (!storeSpec || !optionsFile) throw new Error("usage: crash-adapters-worker <store> <options.json>");
const options = JSON.parse(readFileSync(optionsFile, "utf8")) as Record<string, Record<string, unknown>>;

async function openStore(spec: string): Promise<SagaStore> {
  if (spec.startsWith("sqlite:")) return sqliteStore({ path: spec.slice("sqlite:".length) });
  // Resolved at run time: the Postgres store is optional in this tree.
  const path = "../../src/stores/postgres.js";
  const { postgresStore } = (await import(path)) as {
    postgresStore(o: { connectionString: string; schema: string }): SagaStore;
  };
  return postgresStore({
    connectionString: process.env.GDPR_FANOUT_PG_URL ?? "",
    schema: spec.slice("postgres:".length),
  });
}

const fanout = createFanout({
  adapters: adaptersFrom(options, 2000),
  store: await openStore(storeSpec),
  secret: "crash-adapters-secret-0123456789",
  lease: 800,
  concurrency: 4,
  pollInterval: 20,
  retry: { initialInterval: 20, maximumInterval: 200, maximumAttempts: 30 },
  rateLimiter: scaledLimiter(0.01),
});
process.send?.("ready");
await fanout.run({ idleMs: 20 });
