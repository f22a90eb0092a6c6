/**
 * The sweeping process of the retention-sweep benchmark: one `prospect` sweep (24 months) of the
 * four CRM simulators into a SQLite file, with the adapters' budgets scaled like the simulators'
 * windows. Reports each filed batch (with its RSS) to the parent, which may kill it with SIGKILL,
 * and at the end its result and peak RSS.
 */
import { fileURLToPath } from "node:url";
import type { SubprocessorAdapter } from "../src/adapter.js";
import { createFanout } from "../src/index.js";
import { sqliteStore } from "../src/store/sqlite-store.js";
import { findSimulator } from "../src/testing/index.js";
import { SECRET } from "./harness.js";

/** The adapter with its budget, and the endpoint budgets its sweep asks for, scaled by `timeScale`. */
export function scaleForSweep(adapter: SubprocessorAdapter, timeScale: number): SubprocessorAdapter {
  const scaled: SubprocessorAdapter = adapter.rateLimit
    ? {
        ...adapter,
        rateLimit: { ...adapter.rateLimit, intervalMs: adapter.rateLimit.intervalMs * timeScale },
      }
    : { ...adapter };
  if (!adapter.expired) return scaled;
  return {
    ...scaled,
    expired: (policy, ctx) =>
      adapter.expired!(policy, {
        ...ctx,
        rateLimit: (bucket) =>
          ctx.rateLimit(bucket && { ...bucket, intervalMs: bucket.intervalMs * timeScale }),
      }),
  };
}

const [db, optionsJson, scale] = process.argv.slice(2);
if (process.argv[1] === fileURLToPath(import.meta.url) && db && optionsJson && scale && process.send) {
  const timeScale = Number(scale);
  const options = JSON.parse(optionsJson) as Record<string, Record<string, unknown>>;
  const fanout = createFanout({
    adapters: Object.entries(options).map(([id, o]) =>
      scaleForSweep(findSimulator(id)!.createAdapter(o), timeScale),
    ),
    // `normal`: durable across a process crash (the WAL survives SIGKILL), not across power loss.
    store: sqliteStore({ path: db, synchronous: "normal" }),
    secret: SECRET,
    lease: 2000,
  });
  let heapPeak = 0;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 50);
  fanout.on("sweep.progress", (e) =>
    process.send!({ type: "progress", adapter: e.adapter, found: e.found, rss: process.memoryUsage().rss }),
  );
  const started = Date.now();
  const result = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
  clearInterval(sampler);
  process.send({
    type: "done",
    result,
    seconds: (Date.now() - started) / 1000,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    peakHeapMiB: heapPeak / 2 ** 20,
  });
  await fanout.close();
}
