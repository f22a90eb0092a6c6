/**
 * `npm run bench` (add `-- --quick` for a short run): runs the benchmarks and writes
 * bench/results/latest.json (machine-readable) and prints a table.
 */
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runPostgresBench } from "./postgres.js";
import { runStepOverheadBench } from "./step-overhead.js";

const quick = process.argv.includes("--quick");
const started = Date.now();
const stepOverhead = await runStepOverheadBench(quick);
const postgres = await runPostgresBench(quick);
const results = {
  at: new Date().toISOString(),
  quick,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  },
  ...stepOverhead,
  ...postgres,
  durationMs: Date.now() - started,
};
const out = join(dirname(fileURLToPath(import.meta.url)), "results", "latest.json");
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.table({
  "stepOverheadMs.sqlite": { value: results.stepOverheadMs.sqlite, target: "<= 0.5" },
  "stepOverheadMs.memory": { value: results.stepOverheadMs.memory, target: "-" },
  "sqliteCommitFloorMs (one durable commit)": { value: results.sqliteCommitFloorMs, target: "-" },
  ...("stepOverheadMs" in results.postgres
    ? {
        "postgres.stepOverheadMs": { value: results.postgres.stepOverheadMs, target: "<= 1" },
        "postgres.commitFloorMs (one durable commit)": { value: results.postgres.commitFloorMs, target: "-" },
        ...Object.fromEntries(
          Object.entries(results.postgres.throughput?.requestsPerSecondByWorkers ?? {}).map(([w, rps]) => [
            `postgres requests/s, ${w} worker process(es), instant adapters`,
            { value: rps, target: "-" },
          ]),
        ),
        ...Object.fromEntries(
          Object.entries(results.postgres.throughput?.latencyBoundRequestsPerSecondByWorkers ?? {}).map(
            ([w, rps]) => [
              `postgres requests/s, ${w} worker process(es), 25 ms provider latency`,
              { value: rps, target: "-" },
            ],
          ),
        ),
      }
    : { postgres: { value: "skipped", target: results.postgres.skipped } }),
});
console.log(`written to ${out}`);
