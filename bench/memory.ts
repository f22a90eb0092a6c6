/**
 * Memory with a large backlog: 100,000 erasure requests are recorded in a SQLite store, then a
 * fresh process drains the same number of them as from a backlog of 1,000 (equal drained counts).
 * Each drain runs in its own process with `--expose-gc`: the heap is measured after a forced GC
 * before and after the drain, so what a drained request leaves behind shows per request (a leak of
 * even a few KB per request would), and a store that loaded the backlog instead of streaming it
 * would show in the 100k drain against the 1k one. Peak RSS is reported as well.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { createFanout } from "../src/index.js";
import { sqliteStore } from "../src/store/sqlite-store.js";
import { round, SECRET } from "./harness.js";
import { instantAdapter } from "./step-overhead.js";

const run = promisify(execFile);
const self = fileURLToPath(import.meta.url);
const adapters = () => [instantAdapter("a0"), instantAdapter("a1"), instantAdapter("a2")];

async function child(args: string[]): Promise<Record<string, number>> {
  const { stdout } = await run(process.execPath, ["--expose-gc", "--import", "tsx", self, ...args], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, number>;
}

/**
 * Child: records `n` requests through the public API, 5,000 per transaction (each `erase` nests as
 * a savepoint): setting up the backlog is not what is measured.
 */
async function create(path: string, n: number) {
  const database = new Database(path);
  database.pragma("journal_mode = WAL");
  const fanout = createFanout({
    adapters: adapters(),
    store: sqliteStore({ database: database as never }),
    secret: SECRET,
  });
  const started = Date.now();
  await fanout.list({ limit: 1 }); // migrates
  for (let i = 0; i < n; i += 5000) {
    database.exec("BEGIN");
    for (let j = i; j < Math.min(n, i + 5000); j++) await fanout.erase({ email: `backlog${j}@example.test` });
    database.exec("COMMIT");
  }
  await fanout.close();
  return { created: n, seconds: (Date.now() - started) / 1000 };
}

/** Child: drains `slice` requests of the backlog with the default (durable) store settings. */
async function drain(path: string, slice: number) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("memory bench: run with --expose-gc");
  const fanout = createFanout({
    adapters: adapters(),
    store: sqliteStore({ path }),
    secret: SECRET,
    concurrency: 8,
  });
  await fanout.list({ limit: 1 }); // opens the database and prepares the store
  let heapPeak = 0;
  const sample = () => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  };
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const sampler = setInterval(sample, 20);
  let done = 0;
  const target = new Promise<void>((resolve) => {
    fanout.on("request.completed", () => {
      if (++done >= slice) resolve();
    });
  });
  const controller = new AbortController();
  const started = Date.now();
  const loop = fanout.run({ signal: controller.signal, idleMs: 5 });
  await target;
  controller.abort();
  await loop;
  sample();
  clearInterval(sampler);
  const seconds = (Date.now() - started) / 1000;
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  await fanout.close();
  return {
    drained: done,
    seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    peakHeapMiB: heapPeak / 2 ** 20,
    retainedBytesPerRequest: (heapAfter - heapBefore) / done,
    heapAfterGcMiB: heapAfter / 2 ** 20,
  };
}

export async function runMemoryBench(quick: boolean) {
  const backlog = 100_000;
  const small = 1_000;
  const slice = quick ? 500 : 1_000; // the same number from both backlogs
  const dir = mkdtempSync(join(tmpdir(), "gf-bench-mem-"));
  try {
    const big = join(dir, "big.db");
    const little = join(dir, "little.db");
    const created = await child(["create", big, String(backlog)]);
    await child(["create", little, String(small)]);
    const dbMiB = statSync(big).size / 2 ** 20;
    // Alternated, so that the machine's state between the two does not favour one.
    const bigDrain = await child(["drain", big, String(slice)]);
    const smallDrain = await child(["drain", little, String(slice)]);
    const shape = (d: Record<string, number>) => ({
      drained: d.drained!,
      retainedBytesPerRequest: round(d.retainedBytesPerRequest!, 0),
      heapAfterGcMiB: round(d.heapAfterGcMiB!, 1),
      peakRssMiB: round(d.peakRssMiB!, 1),
      peakHeapMiB: round(d.peakHeapMiB!, 1),
      drainSeconds: round(d.seconds!, 1),
    });
    return {
      memoryBacklogRatio: round(bigDrain.peakRssMiB! / smallDrain.peakRssMiB!, 3),
      memory: {
        backlog,
        drainedPerRun: slice,
        createSeconds: round(created.seconds!, 1),
        databaseMiB: round(dbMiB, 1),
        backlog100k: shape(bigDrain),
        backlog1k: shape(smallDrain),
        loadAverage1m: round(loadavg()[0]!, 2),
        note: "retainedBytesPerRequest: heap after a forced GC, after the drain minus before it, per drained request; memoryBacklogRatio: peak RSS, 100k backlog / 1k backlog, equal drained counts",
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === self) {
  const [mode, path, n] = process.argv.slice(2);
  if (mode === "create") console.log(JSON.stringify(await create(path!, Number(n))));
  else if (mode === "drain") console.log(JSON.stringify(await drain(path!, Number(n))));
  else console.log(JSON.stringify(await runMemoryBench(process.argv.includes("--quick")), null, 2));
}
