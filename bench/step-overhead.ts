/**
 * Engine cost per durable step: many erasures through zero-latency in-memory adapters, so all the
 * time is the engine's (validation, sealing, fenced commits, the step log, audit). Per store:
 * wall time per step, Node CPU per step (`process.cpuUsage`, the engine's process only), durable
 * writes per step (store transactions that write: commits, claims that took a request, lease
 * renewals and releases) and the latency of one step (start to start of consecutive provider
 * calls in a branch, not across the pivot), p50 and p99. Steps are counted as the engine started
 * them (`branch.step` events), not assumed. Runs alternate between stores, and every figure is the
 * median of the rounds with its range.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  createFanout,
  defineAdapter,
  memoryStore,
  type SagaStore,
  type SubprocessorAdapter,
} from "../src/index.js";
import { type SqliteDatabase, sqliteStore } from "../src/store/sqlite-store.js";
import { median, round } from "./harness.js";

/** When each provider call of a branch began, by request and adapter (for step latency). */
type CallLog = Map<string, number[]>;

/** A zero-latency adapter with every step (locate, restrict, delete, verify). */
export function instantAdapter(id: string, log?: CallLog): SubprocessorAdapter {
  const mark = (requestId: string, step: string) => {
    if (!log) return;
    const key = `${requestId}/${id}`;
    const list = log.get(key) ?? [];
    // Negative: the call after the pivot (restrict → delete spans the wait for every branch).
    list.push(step === "delete" ? -performance.now() : performance.now());
    log.set(key, list);
  };
  return defineAdapter({
    id,
    async locate(_subject, ctx) {
      mark(ctx.requestId, "locate");
      return { refs: [{ type: "record", id: `${id}-1` }] };
    },
    async export() {
      return { records: [] };
    },
    async restrict(_refs, ctx) {
      mark(ctx.requestId, "restrict");
      return { undo: null, restricted: 1 };
    },
    async unrestrict() {},
    async delete(_refs, ctx) {
      mark(ctx.requestId, "delete");
      return { outcome: "erased", deleted: 1 };
    },
    async status(_refs, _deletion, ctx) {
      mark(ctx.requestId, "verify");
      return { state: "done", remaining: 0 };
    },
  });
}

/** The store, counting the transactions that write. */
function countingStore(store: SagaStore): { store: SagaStore; writes: () => number; reset: () => void } {
  let writes = 0;
  const counted = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      const fn = value.bind(target) as (...args: unknown[]) => Promise<unknown>;
      if (prop === "commit" || prop === "renewLease" || prop === "releaseLease") {
        return async (...args: unknown[]) => {
          writes++;
          return fn(...args);
        };
      }
      if (prop === "claim") {
        return async (...args: unknown[]) => {
          const claimed = (await fn(...args)) as unknown[];
          if (claimed.length > 0) writes++;
          return claimed;
        };
      }
      return fn;
    },
  });
  return {
    store: counted,
    writes: () => writes,
    reset: () => {
      writes = 0;
    },
  };
}

export interface StepCost {
  /** Wall time of the drain per step. */
  stepOverheadMs: number;
  /** Node CPU (user + system) of this process per step. */
  stepCpuMs: number;
  /** Of which user (JavaScript, SQLite's own code) and system (the kernel: WAL writes, fsync). */
  stepCpuUserMs: number;
  stepCpuSystemMs: number;
  writesPerStep: number;
  /** Start-to-start time of consecutive steps in a branch (not across the pivot). */
  stepLatencyMs: { p50: number; p99: number };
  steps: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Drains `requests` erasures over `adapters` instant adapters and measures the engine's cost per step. */
export async function measureStepCost(store: SagaStore, requests: number, adapters = 3): Promise<StepCost> {
  const log: CallLog = new Map();
  const counting = countingStore(store);
  const fanout = createFanout({
    adapters: Array.from({ length: adapters }, (_, i) => instantAdapter(`a${i}`, log)),
    store: counting.store,
    secret: "bench-secret-0123456789abcdef",
    concurrency: 8,
  });
  for (let i = 0; i < requests; i++) await fanout.erase({ email: `bench${i}@example.test` });
  let steps = 0;
  const off = fanout.on("branch.step", () => {
    steps++;
  });
  counting.reset();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await fanout.drain();
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const writes = counting.writes();
  off();
  const done = (await fanout.list({ state: "completed", limit: 1000 })).items.length;
  await fanout.close();
  if (done !== Math.min(requests, 1000))
    throw new Error(`bench: only ${done} of ${requests} requests completed`);
  const gaps: number[] = [];
  for (const calls of log.values()) {
    for (let i = 1; i < calls.length; i++) {
      if (calls[i]! < 0) continue; // across the pivot
      gaps.push(calls[i]! - Math.abs(calls[i - 1]!));
    }
  }
  gaps.sort((a, b) => a - b);
  return {
    stepOverheadMs: elapsedMs / steps,
    stepCpuMs: (used.user + used.system) / 1000 / steps,
    stepCpuUserMs: used.user / 1000 / steps,
    stepCpuSystemMs: used.system / 1000 / steps,
    writesPerStep: writes / steps,
    stepLatencyMs: { p50: percentile(gaps, 50), p99: percentile(gaps, 99) },
    steps,
  };
}

/** Wall time per step only (the Postgres bench's figure). */
export async function measureStepOverhead(store: SagaStore, requests: number, adapters = 3): Promise<number> {
  return (await measureStepCost(store, requests, adapters)).stepOverheadMs;
}

/** One durable commit on this machine: a small insert in its own WAL transaction, synchronous=FULL. */
export function measureSqliteCommitFloor(dir: string, commits: number): number {
  const db = new Database(join(dir, `floor-${Math.random().toString(36).slice(2)}.db`));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
  const started = process.hrtime.bigint();
  for (let i = 0; i < commits; i++) db.transaction(() => insert.run(`value ${i}`)).immediate();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  db.close();
  return ms / commits;
}

/**
 * Where the CPU of a SQLite step goes (a separate, instrumented run: the wrapping adds a few µs per
 * call, so the timed rounds are not wrapped). The database is wrapped so that every synchronous
 * better-sqlite3 call is timed with `process.cpuUsage`: `inTransactionsMs` is the CPU inside the
 * store's transactions and lone statements (SQLite's work, the WAL append and sync, and the store's
 * own JavaScript that runs inside a transaction: row encoding, JSON, the audit chain's hash),
 * `statementsMs` the part spent executing the prepared statements themselves, `commitOnlyMs` one
 * bare commit's CPU (a one-row insert, measured apart) times the transactions per step; the rest
 * (`engineMs`) is the engine outside the store: step bookkeeping, events, timers, validation.
 */
export async function measureSqliteCpuSplit(dir: string, requests: number) {
  const db = new Database(join(dir, `split-${Math.random().toString(36).slice(2)}.db`));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.pragma("secure_delete = ON");
  let depth = 0;
  let inside = 0;
  let statements = 0;
  let transactions = 0;
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const timed = <A extends unknown[], R>(f: (...a: A) => R, isTransaction: boolean) => {
    return (...args: A): R => {
      if (depth > 0) return f(...args);
      depth++;
      const start = cpu();
      try {
        return f(...args);
      } finally {
        inside += cpu() - start;
        depth--;
        if (isTransaction) transactions++;
      }
    };
  };
  const wrapped: SqliteDatabase = {
    pragma: (source, options) => db.pragma(source, options),
    exec: (source) => db.exec(source),
    prepare(source) {
      const statement = db.prepare(source);
      const measure =
        <A extends unknown[], R>(f: (...a: A) => R) =>
        (...args: A): R => {
          const start = cpu();
          try {
            return timed(f, false)(...args);
          } finally {
            statements += cpu() - start;
          }
        };
      return {
        run: measure((...a: unknown[]) => statement.run(...a)),
        get: measure((...a: unknown[]) => statement.get(...a)),
        all: measure((...a: unknown[]) => statement.all(...a)),
      };
    },
    transaction<F extends (...args: never[]) => unknown>(fn: F) {
      const t = db.transaction(fn) as unknown as ((...a: unknown[]) => unknown) & {
        immediate: (...a: unknown[]) => unknown;
      };
      const out = timed((...a: unknown[]) => t(...a), true) as unknown as F & { immediate: F };
      out.immediate = timed((...a: unknown[]) => t.immediate(...a), true) as unknown as F;
      return out;
    },
    close: () => db.close(),
  };
  const cost = await measureStepCost(sqliteStore({ database: wrapped }), requests);
  const floorStart = cpu();
  const floorCommits = 300;
  measureSqliteCommitFloor(dir, floorCommits);
  const commitCpuMs = (cpu() - floorStart) / 1000 / floorCommits;
  const per = (us: number) => round(us / 1000 / cost.steps, 3);
  return {
    totalMs: round(cost.stepCpuMs, 3),
    inTransactionsMs: per(inside),
    statementsMs: per(statements),
    transactionsPerStep: round(transactions / cost.steps, 3),
    commitOnlyMs: round((commitCpuMs * transactions) / cost.steps, 3),
    engineMs: round(cost.stepCpuMs - inside / 1000 / cost.steps, 3),
  };
}

/** Median and range of `values`, rounded. */
export function spread(values: readonly number[], digits = 3) {
  return {
    median: round(median(values), digits),
    min: round(Math.min(...values), digits),
    max: round(Math.max(...values), digits),
    n: values.length,
  };
}

export async function runStepOverheadBench(quick: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "gf-bench-"));
  try {
    const requests = quick ? 100 : 400;
    const rounds = quick ? 3 : 5;
    const sqlite: StepCost[] = [];
    const memory: StepCost[] = [];
    const floors: number[] = [];
    const load: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternated: a commit floor, the SQLite store, the memory store, in every round.
      floors.push(measureSqliteCommitFloor(dir, quick ? 300 : 1000));
      sqlite.push(await measureStepCost(sqliteStore({ path: join(dir, `engine-${r}.db`) }), requests));
      memory.push(await measureStepCost(memoryStore(), requests));
      load.push(loadavg()[0]!);
    }
    // After the timed rounds, one instrumented round says where a SQLite step's CPU goes.
    const cpuSplit = await measureSqliteCpuSplit(dir, requests);
    const pick = (list: StepCost[], f: (c: StepCost) => number) => spread(list.map(f));
    return {
      stepOverheadMs: {
        sqlite: round(median(sqlite.map((c) => c.stepOverheadMs))),
        memory: round(median(memory.map((c) => c.stepOverheadMs))),
      },
      stepCpuMs: {
        sqlite: round(median(sqlite.map((c) => c.stepCpuMs))),
        memory: round(median(memory.map((c) => c.stepCpuMs))),
      },
      sqliteWritesPerStep: round(median(sqlite.map((c) => c.writesPerStep))),
      stepLatencyMs: {
        sqlite: {
          p50: round(median(sqlite.map((c) => c.stepLatencyMs.p50))),
          p99: round(median(sqlite.map((c) => c.stepLatencyMs.p99))),
        },
        memory: {
          p50: round(median(memory.map((c) => c.stepLatencyMs.p50))),
          p99: round(median(memory.map((c) => c.stepLatencyMs.p99))),
        },
      },
      sqliteCommitFloorMs: round(median(floors)),
      stepCost: {
        spread: {
          sqlite: {
            stepOverheadMs: pick(sqlite, (c) => c.stepOverheadMs),
            stepCpuMs: pick(sqlite, (c) => c.stepCpuMs),
            stepCpuUserMs: pick(sqlite, (c) => c.stepCpuUserMs),
            stepCpuSystemMs: pick(sqlite, (c) => c.stepCpuSystemMs),
            writesPerStep: pick(sqlite, (c) => c.writesPerStep),
            stepLatencyP99Ms: pick(sqlite, (c) => c.stepLatencyMs.p99),
          },
          memory: {
            stepOverheadMs: pick(memory, (c) => c.stepOverheadMs),
            stepCpuMs: pick(memory, (c) => c.stepCpuMs),
            stepCpuUserMs: pick(memory, (c) => c.stepCpuUserMs),
            stepLatencyP99Ms: pick(memory, (c) => c.stepLatencyMs.p99),
          },
          commitFloorMs: spread(floors),
        },
        /** One instrumented SQLite round: CPU per step inside the store's SQLite calls and outside. */
        sqliteCpuSplitMs: cpuSplit,
        loadAverage1m: spread(load, 2),
        workload: {
          requests,
          adaptersPerRequest: 3,
          stepsPerRequest: sqlite[0]!.steps / requests,
          concurrency: 8,
          rounds,
        },
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runStepOverheadBench(process.argv.includes("--quick")), null, 2));
}
