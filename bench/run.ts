/**
 * `npm run bench` (add `-- --quick` for a short run): runs the benchmarks and writes
 * bench/results/latest.json (machine-readable) and prints a table. Every ratio compares runs that
 * alternate in the same invocation and comes with its range and the load average; see
 * docs/performance.md.
 *
 * Postgres and DBOS figures need a database: `scripts/with-postgres.sh npm run bench`. Without one
 * they are skipped and the reason recorded. `--only=step,fanout,recovery,memory,sweep,postgres,dbos`
 * runs some parts and keeps the others' figures from the previous run (each part says when it ran).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runDbosBench } from "./dbos.js";
import { runFanoutLatencyBench } from "./fanout-latency.js";
import { runMemoryBench } from "./memory.js";
import { runPostgresBench } from "./postgres.js";
import { runRecoveryBench } from "./recovery.js";
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
  console.error(`bench: ${name} done after ${Math.round((Date.now() - started) / 1000)} s`);
};

const step = want("step") ? await runStepOverheadBench(quick) : null;
mark("step");
const fanout = want("fanout") ? await runFanoutLatencyBench(quick) : null;
mark("fanout");
const recovery = want("recovery") ? await runRecoveryBench(quick) : null;
mark("recovery");
const memory = want("memory") ? await runMemoryBench(quick) : null;
mark("memory");
const sweep = want("sweep") ? await runSweepBench(quick) : null;
mark("sweep");
const postgres = want("postgres") ? await runPostgresBench(quick) : null;
mark("postgres");
const dbos = want("dbos") ? await runDbosBench(quick) : null;
mark("dbos");

const pg = (postgres?.postgres ?? null) as {
  stepOverheadMs?: number;
  stepCpuMs?: number;
  writesPerStep?: number;
  skipped?: string;
} | null;
const dbosFigures = (dbos?.dbos ?? null) as {
  wallRatio?: { median: number };
  cpuRatio?: { median: number };
  skipped?: string;
} | null;

const TARGETS = {
  goodputRatio: ">= 1.1",
  callsPerErasedSubjectRatio: "<= 0.9",
  sqliteWritesPerStep: "<= 1.2",
  "stepCpuMs.sqlite": "<= 0.2",
  "stepOverheadMs.postgres": "<= 1.0",
  fanoutLatencyRatio: "<= 1.15 (engine ÷ the same adapter calls made directly)",
  sweep429Share: "< 0.01",
};

const results: Record<string, unknown> = {
  at: new Date().toISOString(),
  quick,
  command: quick ? "npm run bench -- --quick" : "nice scripts/with-postgres.sh npm run bench",
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    /** 1/5/15-minute load averages when each part finished (the machine is shared). */
    loadAverage: load,
  },
  goodputRatio: sweep?.goodputRatio ?? null,
  callsPerErasedSubjectRatio: sweep?.callsPerErasedSubjectRatio ?? null,
  sqliteWritesPerStep: step?.sqliteWritesPerStep ?? null,
  stepCpuMs: step ? { ...step.stepCpuMs, postgres: pg?.stepCpuMs ?? null } : null,
  stepOverheadMs: step ? { ...step.stepOverheadMs, postgres: pg?.stepOverheadMs ?? null } : null,
  stepLatencyMs: step?.stepLatencyMs ?? null,
  sqliteCommitFloorMs: step?.sqliteCommitFloorMs ?? null,
  fanoutLatencyRatio: fanout?.fanoutLatencyRatio ?? null,
  recoveryMs: recovery?.recoveryMs ?? null,
  memoryRetainedBytesPerDrainedRequest: memory
    ? {
        backlog100k: memory.memory.backlog100k.retainedBytesPerRequest,
        backlog1k: memory.memory.backlog1k.retainedBytesPerRequest,
      }
    : null,
  memoryBacklogRatio: memory?.memoryBacklogRatio ?? null,
  sweep429Share: sweep?.sweep429Share ?? null,
  sweepBindingUtilization: sweep?.sweepBindingUtilization ?? null,
  targets: TARGETS,
  stepCost: step?.stepCost ?? null,
  fanoutLatency: fanout?.fanoutLatency ?? null,
  recovery: recovery?.recovery ?? null,
  memory: memory?.memory ?? null,
  sweep: sweep?.sweep ?? null,
  postgres: postgres?.postgres ?? { skipped: "GDPR_FANOUT_PG_URL is not set" },
  dbos: dbos?.dbos ?? { skipped: "GDPR_FANOUT_PG_URL is not set" },
  durationMs: Date.now() - started,
};
const out = join(dirname(fileURLToPath(import.meta.url)), "results", "latest.json");
if (only && existsSync(out)) {
  // A partial run keeps the other parts' figures from the previous run (each part says when it ran).
  const previous = JSON.parse(readFileSync(out, "utf8")) as Record<string, unknown>;
  for (const [key, value] of Object.entries(previous)) {
    if (key in results && (results[key] === null || (results[key] as { skipped?: string })?.skipped))
      results[key] = value;
  }
  results.partsAt = {
    ...((previous.partsAt as object) ?? {}),
    ...Object.fromEntries(only.map((p) => [p, results.at])),
  };
}
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

const value = (v: unknown) => (v === undefined ? null : v);
console.table({
  goodputRatio: { value: value(results.goodputRatio), target: TARGETS.goodputRatio },
  callsPerErasedSubjectRatio: {
    value: value(results.callsPerErasedSubjectRatio),
    target: TARGETS.callsPerErasedSubjectRatio,
  },
  sqliteWritesPerStep: { value: value(results.sqliteWritesPerStep), target: TARGETS.sqliteWritesPerStep },
  "stepCpuMs.sqlite": { value: step?.stepCpuMs.sqlite ?? null, target: TARGETS["stepCpuMs.sqlite"] },
  "stepOverheadMs.sqlite": { value: step?.stepOverheadMs.sqlite ?? null, target: "-" },
  "stepLatencyMs.sqlite p50/p99": {
    value: step ? `${step.stepLatencyMs.sqlite.p50} / ${step.stepLatencyMs.sqlite.p99}` : null,
    target: "-",
  },
  "stepOverheadMs.postgres": {
    value: pg?.stepOverheadMs ?? pg?.skipped ?? null,
    target: TARGETS["stepOverheadMs.postgres"],
  },
  "dbos.wallRatio (DBOS ÷ engine)": {
    value: dbosFigures?.wallRatio?.median ?? dbosFigures?.skipped ?? null,
    target: "-",
  },
  "dbos.cpuRatio (DBOS ÷ engine)": { value: dbosFigures?.cpuRatio?.median ?? null, target: "-" },
  "recoveryMs p50/p99": {
    value: recovery ? `${recovery.recoveryMs.p50} / ${recovery.recoveryMs.p99}` : null,
    target: "-",
  },
  fanoutLatencyRatio: { value: value(results.fanoutLatencyRatio), target: "<= 1.15" },
  "memory: retained bytes per drained request (100k / 1k)": {
    value: memory
      ? `${memory.memory.backlog100k.retainedBytesPerRequest} / ${memory.memory.backlog1k.retainedBytesPerRequest}`
      : null,
    target: "-",
  },
  memoryBacklogRatio: { value: value(results.memoryBacklogRatio), target: "~1" },
  sweep429Share: { value: value(results.sweep429Share), target: TARGETS.sweep429Share },
});
console.log(`written to ${out}`);
