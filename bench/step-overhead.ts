/**
 * Engine overhead per durable step: many erasures through zero-latency in-memory adapters, so all
 * the time measured is the engine's (validation, sealing, fenced commits, the step log, audit).
 * Reported next to the floor measured in the same run: one durable SQLite commit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  createFanout,
  defineAdapter,
  memoryStore,
  type SagaStore,
  type SubprocessorAdapter,
} from "../src/index.js";
import { sqliteStore } from "../src/store/sqlite-store.js";

/** A zero-latency adapter with every step (locate, restrict, delete, verify). */
export function instantAdapter(id: string): SubprocessorAdapter {
  return defineAdapter({
    id,
    async locate() {
      return { refs: [{ type: "record", id: `${id}-1` }] };
    },
    async export() {
      return { records: [] };
    },
    async restrict() {
      return { undo: null, restricted: 1 };
    },
    async unrestrict() {},
    async delete() {
      return { outcome: "erased", deleted: 1 };
    },
    async status() {
      return { state: "done", remaining: 0 };
    },
  });
}

const STEPS_PER_BRANCH = 5; // locate, restrict, relocate, delete, verify

export async function measureStepOverhead(store: SagaStore, requests: number, adapters = 3): Promise<number> {
  const fanout = createFanout({
    adapters: Array.from({ length: adapters }, (_, i) => instantAdapter(`a${i}`)),
    store,
    secret: "bench-secret-0123456789abcdef",
    concurrency: 8,
  });
  for (let i = 0; i < requests; i++) await fanout.erase({ email: `bench${i}@example.test` });
  const started = process.hrtime.bigint();
  await fanout.drain();
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const done = (await fanout.list({ state: "completed", limit: 1000 })).items.length;
  await fanout.close();
  if (done !== Math.min(requests, 1000))
    throw new Error(`bench: only ${done} of ${requests} requests completed`);
  return elapsedMs / (requests * adapters * STEPS_PER_BRANCH);
}

/** One durable commit on this machine: a small insert in its own WAL transaction, synchronous=FULL. */
export function measureSqliteCommitFloor(dir: string, commits: number): number {
  const db = new Database(join(dir, "floor.db"));
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

export async function runStepOverheadBench(quick: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "gf-bench-"));
  try {
    const requests = quick ? 100 : 400;
    const floor = measureSqliteCommitFloor(dir, quick ? 500 : 2000);
    const sqlite = await measureStepOverhead(sqliteStore({ path: join(dir, "engine.db") }), requests);
    const memory = await measureStepOverhead(memoryStore(), requests);
    return {
      stepOverheadMs: { sqlite: round(sqlite), memory: round(memory) },
      sqliteCommitFloorMs: round(floor),
      stepOverheadWorkload: { requests, adaptersPerRequest: 3, stepsPerBranch: STEPS_PER_BRANCH },
      targets: { "stepOverheadMs.sqlite": 0.5 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
