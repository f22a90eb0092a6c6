/**
 * `npm run bench` (add `-- --quick` for a short run): runs the benchmarks and writes
 * bench/results/latest.json (machine-readable) and prints a table. Every headline figure is a ratio
 * or a paired comparison measured in the same run; see docs/performance.md.
 *
 * Postgres and DBOS figures need a database: `scripts/with-postgres.sh npm run bench`; DBOS also
 * needs GF_DBOS_SDK (see bench/dbos.ts). Without them they are skipped and the reason recorded.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runDbosBench } from "./dbos.js";
import { runFanoutLatencyBench } from "./fanout-latency.js";
import { runMemoryBench } from "./memory.js";
import { runPostgresBench } from "./postgres.js";
import { runStepOverheadBench } from "./step-overhead.js";
import { runSweepBench } from "./sweep.js";

const quick = process.argv.includes("--quick");
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const want = (name: string) => !only || only.includes(name);
const started = Date.now();
const load: Record<string, number[]> = { start: loadavg().map((n) => Math.round(n * 100) / 100) };
const mark = (name: string) => {
  load[name] = loadavg().map((n) => Math.round(n * 100) / 100);
  console.log(`bench: ${name} done after ${Math.round((Date.now() - started) / 1000)} s`);
};

const stepOverhead = await runStepOverheadBench(quick);
mark("stepOverhead");
const postgres = want("postgres") ? await runPostgresBench(quick) : { postgres: { skipped: "--only" } };
mark("postgres");
const dbos = want("dbos")
  ? await runDbosBench(quick)
  : { dbosStepOverheadMs: null, dbos: { skipped: "--only" } };
mark("dbos");
const fanout = want("fanout") ? await runFanoutLatencyBench(quick) : null;
mark("fanout");
const memory = want("memory") ? await runMemoryBench(quick) : null;
mark("memory");
const sweep = want("sweep") ? await runSweepBench(quick) : null;
mark("sweep");

const pg = postgres.postgres as { stepOverheadMs?: number; skipped?: string };
const results = {
  at: new Date().toISOString(),
  quick,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    /** 1/5/15-minute load averages when each part finished (the machine is shared). */
    loadAverage: load,
  },
  fanoutLatencyRatio: fanout?.fanoutLatencyRatio ?? null,
  ...stepOverhead,
  stepOverheadMs: { ...stepOverhead.stepOverheadMs, postgres: pg.stepOverheadMs ?? null },
  dbosStepOverheadMs: dbos.dbosStepOverheadMs,
  sweepCeilingRatio: sweep?.sweepCeilingRatio ?? null,
  sweepSteadyUtilization: sweep?.sweepSteadyUtilization ?? null,
  sweep429Share: sweep?.sweep429Share ?? null,
  naiveSpeedup: sweep?.naiveSpeedup ?? null,
  memoryBacklogRatio: memory?.memoryBacklogRatio ?? null,
  targets: {
    fanoutLatencyRatio: "<= 1.15",
    "stepOverheadMs.sqlite": "<= 0.5",
    "stepOverheadMs.postgres": "<= 1.0",
    sweepCeilingRatio: ">= 0.9",
    sweep429Share: "< 0.01",
    memoryBacklogRatio: "about 1 (the backlog is streamed)",
  },
  fanoutLatency: fanout?.fanoutLatency ?? null,
  ...postgres,
  dbos: dbos.dbos,
  sweep: sweep?.sweep ?? null,
  memory: memory?.memory ?? null,
  durationMs: Date.now() - started,
};
const out = join(dirname(fileURLToPath(import.meta.url)), "results", "latest.json");
if (only && existsSync(out)) {
  // A partial run keeps the other parts' figures from the previous run (each part says when it ran).
  const previous = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
  const r = results as Record<string, unknown>;
  for (const [key, value] of Object.entries(previous)) {
    const skipped = (v: unknown) =>
      v === null || (typeof v === "object" && v !== null && (v as { skipped?: string }).skipped === "--only");
    if (key in r && skipped(r[key])) r[key] = value;
  }
  if (!want("postgres") && previous.stepOverheadMs)
    results.stepOverheadMs.postgres =
      (previous.stepOverheadMs as { postgres?: number | null }).postgres ?? results.stepOverheadMs.postgres;
  r.partsAt = {
    ...((previous.partsAt as object) ?? {}),
    ...Object.fromEntries(only.map((p) => [p, results.at])),
  };
}
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

const engine = sweep?.sweep.engine;
console.table({
  fanoutLatencyRatio: { value: results.fanoutLatencyRatio, target: "<= 1.15" },
  "fanout: vs pivot bound (slowest pre-pivot + slowest post-pivot)": {
    value: fanout?.fanoutLatency.ratioToPivotBound ?? null,
    target: "-",
  },
  "stepOverheadMs.sqlite": { value: results.stepOverheadMs.sqlite, target: "<= 0.5" },
  "stepOverheadMs.memory": { value: results.stepOverheadMs.memory, target: "-" },
  "sqliteCommitFloorMs (one durable commit)": { value: results.sqliteCommitFloorMs, target: "-" },
  "stepOverheadMs.postgres": {
    value: results.stepOverheadMs.postgres ?? pg.skipped ?? null,
    target: "<= 1.0",
  },
  dbosStepOverheadMs: {
    value: results.dbosStepOverheadMs ?? (dbos.dbos as { skipped?: string }).skipped ?? null,
    target: "-",
  },
  sweepCeilingRatio: { value: results.sweepCeilingRatio, target: ">= 0.9" },
  "sweep: binding provider's utilization, second half": {
    value: results.sweepSteadyUtilization,
    target: ">= 0.9",
  },
  "sweep: binding provider": { value: engine?.binding.id ?? null, target: "-" },
  "sweep: subjects/s (engine)": { value: engine?.subjectsPerSecond ?? null, target: "-" },
  "sweep: subjects/s (naive p-map + p-retry)": {
    value: sweep?.sweep.naive?.subjectsPerSecond ?? null,
    target: "-",
  },
  sweep429Share: { value: results.sweep429Share, target: "< 0.01" },
  "sweep: 429 share (naive)": { value: sweep?.sweep.naive?.share429 ?? null, target: "-" },
  naiveSpeedup: { value: results.naiveSpeedup, target: "-" },
  "memory: peak RSS MiB, 100k backlog": { value: memory?.memory.backlog100k.peakRssMiB ?? null, target: "-" },
  "memory: peak RSS MiB, 1k backlog": { value: memory?.memory.backlog1k.peakRssMiB ?? null, target: "-" },
  memoryBacklogRatio: { value: results.memoryBacklogRatio, target: "~1" },
});
if (engine) {
  console.table(
    Object.fromEntries(
      Object.entries(engine.providers).map(([id, p]) => [
        id,
        {
          "calls/s": p.callsPerSecond,
          "budget/s": p.budgetPerSecond,
          utilization: p.utilization,
          "calls/subject": p.callsPerSubject,
          "ceiling subjects/s": p.ceilingSubjectsPerSecond,
          "429s": p.rejected429,
        },
      ]),
    ),
  );
}
console.log(`written to ${out}`);
