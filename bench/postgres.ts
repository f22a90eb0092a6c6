/**
 * Postgres figures for `npm run bench` (skipped, and said so, without GDPR_FANOUT_PG_URL; run
 * `scripts/with-postgres.sh npm run bench` for a throwaway cluster):
 * - engine overhead per durable step, same workload as the SQLite figure, next to the floor
 *   measured on the same database: one durable (synchronous_commit) single-row commit;
 * - throughput (requests/s) of 1, 2 and 4 worker processes draining one backlog;
 * - a sweep against the seven simulators (their own process) by 1 and 2 worker processes sharing
 *   the Postgres limiter (`postgresRateLimiter`): verified subjects per second, the binding
 *   provider's utilization, 429s. On a 2-core machine that also runs the simulators and Postgres,
 *   this is CPU-bound: it shows that workers share the budgets, not how far they scale.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createFanout } from "../src/index.js";
import { postgresStore } from "../src/stores/postgres.js";
import { perSecond, round as roundTo, scaleAdapter } from "./harness.js";
import { startSimProcess, sweepEmail } from "./sim-process.js";
import { instantAdapter, measureStepCost } from "./step-overhead.js";

/** Provider latency of the latency-bound throughput run. */
const LATENCY_MS = 25;
const WORKERS = (process.env.GF_BENCH_WORKERS ?? "1,2,4").split(",").map(Number);
const here = dirname(fileURLToPath(import.meta.url));
const round = (n: number) => Math.round(n * 1000) / 1000;
let schemas = 0;
const schemaName = () => `gf_bench_${process.pid}_${++schemas}`;

/** One durable commit: a one-row insert in its own transaction, one round trip. */
async function commitFloor(pool: pg.Pool, commits: number): Promise<number> {
  const schema = schemaName();
  await pool.query(
    `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)`,
  );
  const client = await pool.connect();
  try {
    const insert = { name: "floor", text: `INSERT INTO ${schema}.t (v) VALUES ($1)` };
    await client.query({ ...insert, values: ["warm-up"] });
    const started = process.hrtime.bigint();
    for (let i = 0; i < commits; i++) await client.query({ ...insert, values: [`value ${i}`] });
    return Number(process.hrtime.bigint() - started) / 1e6 / commits;
  } finally {
    client.release();
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 elsewhere. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of each server process (when the server runs on this machine). */
async function serverCpu(pool: pg.Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query("SELECT pid FROM pg_stat_activity");
  return new Map(rows.map((r) => [Number(r.pid), cpuSeconds(Number(r.pid))]));
}

async function throughput(
  url: string,
  pool: pg.Pool,
  workers: number,
  requests: number,
  latencyMs: number,
): Promise<{ requestsPerSecond: number; workerCpuCores: number; postgresCpuCores: number }> {
  const schema = schemaName();
  const fanout = createFanout({
    adapters: Array.from({ length: 3 }, (_, i) => instantAdapter(`a${i}`)),
    store: postgresStore({ connectionString: url, schema }),
    secret: "bench-secret-0123456789abcdef",
  });
  for (let i = 0; i < requests; i++) await fanout.erase({ email: `tp${i}@example.test` });
  await fanout.close();
  const children: ChildProcess[] = [];
  try {
    await Promise.all(
      Array.from({ length: workers }, (_, w) => {
        const child = fork(
          join(here, "postgres-worker.ts"),
          [url, schema, `bench-w${w}`, String(latencyMs)],
          {
            execArgv: ["--import", "tsx"],
            stdio: ["ignore", "ignore", "inherit", "ipc"],
          },
        );
        children.push(child);
        return new Promise<void>((resolve, reject) => {
          child.once("message", () => resolve());
          child.once("error", reject);
        });
      }),
    );
    const cpuBefore = children.reduce((sum, c) => sum + cpuSeconds(c.pid), 0);
    const serverBefore = await serverCpu(pool);
    const started = process.hrtime.bigint();
    for (const child of children) child.send("go");
    for (;;) {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM ${schema}.gf_requests WHERE state = 'completed'`,
      );
      if (rows[0].n >= requests) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = children.reduce((sum, c) => sum + cpuSeconds(c.pid), 0) - cpuBefore;
    let server = 0;
    for (const [pid, used] of await serverCpu(pool)) server += used - (serverBefore.get(pid) ?? 0);
    return {
      requestsPerSecond: Math.round(requests / seconds),
      workerCpuCores: round(cpu / seconds),
      postgresCpuCores: round(server / seconds),
    };
  } finally {
    for (const child of children) child.kill("SIGKILL");
  }
}

/** The sweep by `workers` processes sharing one Postgres store and limiter. */
async function sweep(url: string, pool: pg.Pool, workers: number, subjects: number) {
  const timeScale = 0.25;
  const sims = await startSimProcess({ timeScale, seed: 5, subjects });
  const schema = schemaName();
  const setup = JSON.stringify({
    options: sims.options,
    timeScale,
    retryMs: Math.round(1000 * timeScale),
    pollMs: Math.round(5000 * timeScale),
  });
  const adapters = sims.adapters().map((a) => scaleAdapter(a, timeScale));
  const fanout = createFanout({
    adapters,
    store: postgresStore({ connectionString: url, schema }),
    secret: "bench-secret-0123456789abcdef",
  });
  const children: ChildProcess[] = [];
  try {
    await fanout.store.migrate();
    await Promise.all(
      Array.from({ length: workers }, (_, w) => {
        const child = fork(join(here, "postgres-sweep-worker.ts"), [url, schema, `sweep-w${w}`, setup], {
          execArgv: ["--import", "tsx"],
          stdio: ["ignore", "ignore", "inherit", "ipc"],
        });
        children.push(child);
        return new Promise<void>((resolve, reject) => {
          child.once("message", () => resolve());
          child.once("error", reject);
        });
      }),
    );
    const cpuBefore = children.reduce((sum, c) => sum + cpuSeconds(c.pid), 0);
    const from = Date.now();
    for (const [i, ids] of sims.ids.entries()) await fanout.erase({ email: sweepEmail(i), ids });
    for (const child of children) child.send("go");
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM ${schema}.gf_requests WHERE state IN ('completed', 'needs_attention')`,
      );
      if (rows[0].n >= subjects || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const to = Date.now();
    const cpu = children.reduce((sum, c) => sum + cpuSeconds(c.pid), 0) - cpuBefore;
    const report = await sims.report();
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM ${schema}.gf_requests WHERE state = 'completed'`,
    );
    const verified = Number(rows[0].n) - report.liveSubjects.length;
    const seconds = (to - from) / 1000;
    const answered = report.calls.filter((c) => c.status !== 429);
    const mid = from + (to - from) / 2;
    const chargebee = adapters.find((a) => a.id === "chargebee")!;
    const cbSteady = answered.filter((c) => c.provider === "chargebee" && c.at >= mid && c.at <= to).length;
    return {
      seconds: roundTo(seconds, 1),
      verifiedPerSecond: roundTo(verified / seconds, 3),
      verified,
      share429: roundTo((report.calls.length - answered.length) / Math.max(1, report.calls.length), 5),
      /** Chargebee binds at this scale: its calls per second over the second half, ÷ its budget. */
      chargebeeSteadyUtilization: roundTo(cbSteady / (seconds / 2) / perSecond(chargebee.rateLimit!), 3),
      workerCpuCores: roundTo(cpu / seconds, 3),
      liveRecordsLeft: report.live,
      loadAverage: loadavg().map((n) => roundTo(n, 2)),
    };
  } finally {
    for (const child of children) child.kill("SIGKILL");
    await fanout.close();
    await sims.close();
  }
}

export async function runPostgresBench(quick: boolean) {
  const url = process.env.GDPR_FANOUT_PG_URL;
  if (!url) {
    console.log(
      "postgres bench: skipped (GDPR_FANOUT_PG_URL is not set; try scripts/with-postgres.sh npm run bench)",
    );
    return { postgres: { skipped: "GDPR_FANOUT_PG_URL is not set" } };
  }
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    const requests = quick ? 100 : 400;
    const floor = await commitFloor(pool, quick ? 500 : 2000);
    const cost = await measureStepCost(
      postgresStore({ connectionString: url, schema: schemaName() }),
      requests,
    );
    const overhead = cost.stepOverheadMs;
    const backlog = quick ? 200 : 600;
    const instant: Record<string, number> = {};
    const latencyBound: Record<string, number> = {};
    const cpu: Record<string, number> = {};
    const serverCpuCores: Record<string, number> = {};
    for (const workers of WORKERS) {
      const a = await throughput(url, pool, workers, backlog, 0);
      const b = await throughput(url, pool, workers, backlog / 2, LATENCY_MS);
      instant[`${workers}`] = a.requestsPerSecond;
      latencyBound[`${workers}`] = b.requestsPerSecond;
      cpu[`${workers}`] = a.workerCpuCores;
      serverCpuCores[`${workers}`] = a.postgresCpuCores;
    }
    const sweepSubjects = Number(process.env.GF_PG_SWEEP_SUBJECTS ?? (quick ? 70 : 210));
    const sweeps: Record<string, Awaited<ReturnType<typeof sweep>>> = {};
    for (const workers of [1, 2]) sweeps[`${workers}`] = await sweep(url, pool, workers, sweepSubjects);
    const { rows } = await pool.query("SHOW server_version");
    return {
      postgres: {
        serverVersion: String(rows[0].server_version),
        stepOverheadMs: round(overhead),
        stepCpuMs: round(cost.stepCpuMs),
        writesPerStep: round(cost.writesPerStep),
        stepLatencyMs: { p50: round(cost.stepLatencyMs.p50), p99: round(cost.stepLatencyMs.p99) },
        commitFloorMs: round(floor),
        stepOverheadWorkload: { requests, adaptersPerRequest: 3, stepsPerRequest: cost.steps / requests },
        throughput: {
          requestsPerSecondByWorkers: instant,
          latencyBoundRequestsPerSecondByWorkers: latencyBound,
          /** CPU cores the worker processes used together during the instant run (Postgres not included). */
          workerCpuCoresByWorkers: cpu,
          /** CPU cores the Postgres server processes used meanwhile (0 when the server is elsewhere). */
          postgresCpuCoresByWorkers: serverCpuCores,
          backlog,
          latencyBoundBacklog: backlog / 2,
          adaptersPerRequest: 3,
          workerConcurrency: 8,
          providerLatencyMs: LATENCY_MS,
          note:
            "requestsPerSecondByWorkers: instant adapters, so engine, store and Postgres are all the work; " +
            `latencyBound: every provider call takes ${LATENCY_MS} ms, so one worker is bound by its concurrency. ` +
            "Worker and server CPU show how much of the machine the run got.",
        },
        sweepByWorkers: sweeps,
        sweepWorkload: {
          subjects: sweepSubjects,
          timeScale: 0.25,
          workerConcurrency: 50,
          limiter: "postgresRateLimiter (shared by the workers)",
          note: "CPU-bound on 2 cores: the simulators, Postgres and the workers share them; the figure shows that the workers share the providers' budgets (429s, binding utilization), not how throughput scales with workers",
        },
        targets: { stepOverheadMs: 1 },
      },
    };
  } finally {
    const { rows } = await pool.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [
      `gf_bench_${process.pid}_%`,
    ]);
    for (const row of rows) await pool.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
    await pool.end();
  }
}
