/**
 * The engine next to DBOS Transact (`@dbos-inc/dbos-sdk`) on the same Postgres, same work: N
 * erasures of three branches each, the branches' steps calling the same zero-latency adapter
 * functions, eight requests at a time. Each run is a fresh process (runs alternate: engine, DBOS,
 * DBOS, engine, …), and both timed regions are the same: from creating the first request to the
 * last one's completion (the engine: `erase()` of every request, then the worker's drain; DBOS: each
 * workflow started and awaited). Set-up (migrations, DBOS launch) and one warm-up request per side
 * are outside it. DBOS runs the branches as child workflows, its own guidance for concurrent
 * branches; each branch runs the steps the engine runs for an immediate erasure (locate, restrict,
 * delete, verify: the engine reuses the first locate at the pivot).
 *
 * Measured per run: wall time, the process's CPU, and the CPU of the Postgres backends serving it
 * (from /proc, when the server runs on this machine). Ratios are DBOS ÷ engine per pair; the
 * medians and ranges are reported with the load average.
 *
 * DBOS is a dev dependency; GF_DBOS_SDK may name another build of it. Without GDPR_FANOUT_PG_URL
 * the figure is skipped and the reason recorded.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import pMap from "p-map";
import pg from "pg";
import { createFanout, type Subject, type SubprocessorAdapter } from "../src/index.js";
import { postgresStore } from "../src/stores/postgres.js";
import { createOperationContext } from "../src/testing/index.js";
import { median, round } from "./harness.js";
import { instantAdapter } from "./step-overhead.js";

const self = fileURLToPath(import.meta.url);
const run = promisify(execFile);
const CONCURRENCY = 8;
const BRANCHES = 3;
const STEPS = ["locate", "restrict", "delete", "verify"] as const;

// biome-ignore lint/suspicious/noExplicitAny: the SDK is loaded at run time, without its types.
type Dbos = any;

interface RunResult {
  wallMs: number;
  cpuMs: number;
  postgresCpuMs: number;
  steps: number;
}

/** CPU ms (user + system) of a process, from /proc (Linux); 0 elsewhere. */
function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** CPU so far of every backend of this database. */
async function backendsCpu(pool: pg.Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database()");
  return new Map(rows.map((r) => [Number(r.pid), cpuMsOf(Number(r.pid))]));
}

async function timed(url: string, body: () => Promise<number>): Promise<RunResult> {
  const probe = new pg.Pool({ connectionString: url, max: 1 });
  const before = await backendsCpu(probe);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const steps = await body();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  let postgresCpuMs = 0;
  for (const [pid, ms] of await backendsCpu(probe)) postgresCpuMs += ms - (before.get(pid) ?? 0);
  await probe.end();
  return { wallMs, cpuMs: (used.user + used.system) / 1000, postgresCpuMs, steps };
}

async function engineRun(url: string, schema: string, requests: number): Promise<RunResult> {
  const fanout = createFanout({
    adapters: Array.from({ length: BRANCHES }, (_, i) => instantAdapter(`a${i}`)),
    store: postgresStore({ connectionString: url, schema }),
    secret: "bench-secret-0123456789abcdef",
    concurrency: CONCURRENCY,
  });
  await fanout.erase({ email: "warmup@example.test" });
  await fanout.drain();
  let steps = 0;
  fanout.on("branch.step", () => {
    steps++;
  });
  const result = await timed(url, async () => {
    for (let i = 0; i < requests; i++) await fanout.erase({ email: `engine${i}@example.test` });
    await fanout.drain();
    return steps;
  });
  const done = (await fanout.list({ state: "completed", limit: 1000 })).items.length;
  await fanout.close();
  if (done < Math.min(1000, requests + 1)) throw new Error(`engine: ${done} of ${requests + 1} completed`);
  return result;
}

async function loadDbos(): Promise<Dbos | string> {
  const spec = process.env.GF_DBOS_SDK ?? "@dbos-inc/dbos-sdk";
  try {
    const mod = await import(spec.startsWith("/") ? pathToFileURL(spec).href : spec);
    return mod.DBOS ?? mod.default?.DBOS;
  } catch (error) {
    return `@dbos-inc/dbos-sdk could not be loaded (${(error as Error).message.split("\n")[0]}); run npm install or set GF_DBOS_SDK`;
  }
}

async function dbosRun(url: string, schema: string, requests: number): Promise<RunResult> {
  const DBOS = await loadDbos();
  if (typeof DBOS === "string") throw new Error(DBOS);
  const adapters: SubprocessorAdapter[] = Array.from({ length: BRANCHES }, (_, i) => instantAdapter(`a${i}`));
  DBOS.setConfig({
    name: "gdpr-fanout-bench",
    systemDatabaseUrl: url,
    systemDatabaseSchemaName: schema,
    logLevel: "error",
  });
  let steps = 0;
  const branch = DBOS.registerWorkflow(
    async (index: number, email: string) => {
      const adapter = adapters[index]!;
      const ctx = createOperationContext({ subject: { email } });
      const subject: Subject = ctx.subject;
      const step = <T>(name: string, fn: () => Promise<T>) => {
        steps++;
        return DBOS.runStep(fn, { name: `${adapter.id}.${name}` }) as Promise<T>;
      };
      const refs = await step("locate", async () => (await adapter.locate(subject, ctx)).refs);
      await step("restrict", () => adapter.restrict!(refs, ctx));
      const deletion = await step("delete", () => adapter.delete(refs, ctx));
      await step("verify", () => adapter.status(refs, deletion, ctx));
    },
    { name: "branch" },
  );
  const erase = DBOS.registerWorkflow(
    async (email: string) => {
      // Concurrent branches as child workflows, awaited together.
      const handles = [];
      for (let i = 0; i < BRANCHES; i++) handles.push(await DBOS.startWorkflow(branch)(i, email));
      await Promise.all(handles.map((h: { getResult(): Promise<unknown> }) => h.getResult()));
    },
    { name: "erase" },
  );
  await DBOS.launch();
  try {
    await erase("warmup@example.test");
    steps = 0;
    return await timed(url, async () => {
      await pMap(
        Array.from({ length: requests }, (_, i) => `dbos${i}@example.test`),
        (email) => erase(email),
        { concurrency: CONCURRENCY },
      );
      return steps;
    });
  } finally {
    await DBOS.shutdown().catch(() => {});
  }
}

async function child(args: string[]): Promise<RunResult> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", self, "child", ...args], {
    maxBuffer: 1 << 20,
    env: process.env,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as RunResult;
}

async function dbosVersion(): Promise<string> {
  const { createRequire } = await import("node:module");
  try {
    const entry = process.env.GF_DBOS_SDK ?? createRequire(import.meta.url).resolve("@dbos-inc/dbos-sdk");
    if (!entry.includes("dbos-sdk")) return "unknown";
    const root = entry.slice(0, entry.indexOf("dbos-sdk") + "dbos-sdk".length);
    return (JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

const spread = (values: number[]) => ({
  median: round(median(values), 3),
  min: round(Math.min(...values), 3),
  max: round(Math.max(...values), 3),
  n: values.length,
});

export async function runDbosBench(quick: boolean) {
  const url = process.env.GDPR_FANOUT_PG_URL;
  if (!url) return { dbos: { skipped: "GDPR_FANOUT_PG_URL is not set" } };
  if (typeof (await loadDbos()) === "string") return { dbos: { skipped: String(await loadDbos()) } };
  const requests = Number(process.env.GF_DBOS_REQUESTS ?? (quick ? 100 : 300));
  const pairs = Number(process.env.GF_DBOS_PAIRS ?? 5);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const prefix = `gf_dbos_${process.pid}`;
  const engine: RunResult[] = [];
  const dbos: RunResult[] = [];
  const load: number[] = [];
  try {
    for (let p = 0; p < pairs; p++) {
      const order = p % 2 === 0 ? ["engine", "dbos"] : ["dbos", "engine"];
      for (const side of order) {
        const schema = `${prefix}_${side}_${p}`;
        const result = await child([side, url, schema, String(requests)]);
        (side === "engine" ? engine : dbos).push(result);
        load.push(loadavg()[0]!);
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }
    }
  } catch (error) {
    return { dbos: { skipped: `DBOS bench failed: ${(error as Error).message.split("\n")[0]}` } };
  } finally {
    const { rows } = await pool.query("SELECT nspname FROM pg_namespace WHERE nspname LIKE $1", [
      `${prefix}_%`,
    ]);
    for (const row of rows) await pool.query(`DROP SCHEMA "${row.nspname}" CASCADE`);
    await pool.end();
  }
  const ratio = (f: (r: RunResult) => number) => spread(engine.map((e, i) => f(dbos[i]!) / f(e)));
  const perStep = (list: RunResult[], f: (r: RunResult) => number) => spread(list.map((r) => f(r) / r.steps));
  return {
    dbos: {
      version: await dbosVersion(),
      wallRatio: ratio((r) => r.wallMs),
      cpuRatio: ratio((r) => r.cpuMs),
      postgresCpuRatio: ratio((r) => r.postgresCpuMs),
      totalCpuRatio: ratio((r) => r.cpuMs + r.postgresCpuMs),
      engine: {
        wallMsPerStep: perStep(engine, (r) => r.wallMs),
        cpuMsPerStep: perStep(engine, (r) => r.cpuMs),
        postgresCpuMsPerStep: perStep(engine, (r) => r.postgresCpuMs),
      },
      dbos: {
        wallMsPerStep: perStep(dbos, (r) => r.wallMs),
        cpuMsPerStep: perStep(dbos, (r) => r.cpuMs),
        postgresCpuMsPerStep: perStep(dbos, (r) => r.postgresCpuMs),
      },
      loadAverage1m: spread(load),
      workload: {
        requests,
        branchesPerRequest: BRANCHES,
        stepsPerBranch: STEPS.length,
        concurrency: CONCURRENCY,
        pairs,
        order: "alternated (engine first in even pairs), each run a fresh process",
        dbosBranches: "child workflows (DBOS.startWorkflow), awaited together",
      },
    },
  };
}

if (process.argv[1] === self) {
  const [mode, side, url, schema, n] = process.argv.slice(2);
  if (mode === "child") {
    const result =
      side === "engine" ? await engineRun(url!, schema!, Number(n)) : await dbosRun(url!, schema!, Number(n));
    console.log(JSON.stringify(result));
    process.exit(0);
  }
  console.log(JSON.stringify(await runDbosBench(process.argv.includes("--quick")), null, 2));
  process.exit(0);
}
