// A sweep process for the sweep kill test: runs one `prospect` sweep against the simulators over
// HTTP on a SQLite file, reporting each filed batch to the parent, which kills it with SIGKILL.
import { createFanout, type SubprocessorAdapter } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { findSimulator } from "../../src/testing/index.js";

const [dbPath, optionsJson, scale] = process.argv.slice(2);
if (!dbPath || !optionsJson || !scale)
  throw new Error("usage: sweep-kill-child <db> <options json> <timeScale>");
const options = JSON.parse(optionsJson) as Record<string, Record<string, unknown>>;
const timeScale = Number(scale);
const scaled = (a: SubprocessorAdapter): SubprocessorAdapter =>
  a.rateLimit ? { ...a, rateLimit: { ...a.rateLimit, intervalMs: a.rateLimit.intervalMs * timeScale } } : a;
const fanout = createFanout({
  adapters: Object.entries(options).map(([id, o]) => scaled(findSimulator(id)!.createAdapter(o))),
  store: sqliteStore({ path: dbPath }),
  secret: "sweep-kill-secret-0123456789",
  // A short claim, so that the next sweep takes a killed one's place within a second.
  lease: 1000,
});
fanout.on("sweep.progress", (e) => process.send?.({ type: "progress", adapter: e.adapter, filed: e.filed }));
const result = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
process.send?.({ type: "done", result });
await fanout.close();
