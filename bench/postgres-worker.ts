// A worker process for the Postgres throughput bench: waits for "go", then runs the saga loop.
import { createFanout } from "../src/index.js";
import { postgresStore } from "../src/stores/postgres.js";
import { instantAdapter, slowed } from "./step-overhead-latency.js";

const [url, schema, worker, latency = "0"] = process.argv.slice(2);
if (!url || !schema || !worker) throw new Error("usage: postgres-worker <url> <schema> <worker>");
const fanout = createFanout({
  adapters: Array.from({ length: 3 }, (_, i) => slowed(instantAdapter(`a${i}`), Number(latency))),
  store: postgresStore({ connectionString: url, schema }),
  secret: "bench-secret-0123456789abcdef",
  workerId: worker,
  concurrency: 8,
});
await fanout.store.migrate();
process.once("message", () => {
  void fanout.run({ idleMs: 10 });
});
process.send?.("ready");
