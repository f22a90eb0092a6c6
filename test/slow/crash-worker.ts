// A worker process for the crash test: runs the saga loop on a SQLite file until it is killed.
import { createFanout } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { crashFakeAdapter } from "./crash-fakes.js";

const [dbPath, baseUrl, providers] = process.argv.slice(2);
if (!dbPath || !baseUrl || !providers)
  throw new Error("usage: crash-worker <db> <baseUrl> <providers,comma,separated>");
const fanout = createFanout({
  adapters: providers.split(",").map((p) => crashFakeAdapter(p, baseUrl)),
  store: sqliteStore({ path: dbPath }),
  secret: "crash-test-secret-0123456789",
  lease: 600,
  concurrency: 3,
});
process.send?.("ready");
await fanout.run({ idleMs: 20 });
