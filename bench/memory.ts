/**
 * Memory with a large backlog: 100,000 erasure requests are recorded in a SQLite store, then a
 * fresh process drains a slice of them. Its peak RSS and heap are compared with the same drain
 * over a backlog of 1,000 (measured in the same run): a store that streams the backlog (claims a
 * few due requests at a time) gives a ratio near 1; one that loaded it would grow with it.
 * Each phase runs in its own process so that peak RSS belongs to that phase alone.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
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
  const { stdout } = await run(process.execPath, ["--import", "tsx", self, ...args], {
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
  const fanout = createFanout({
    adapters: adapters(),
    store: sqliteStore({ path }),
    secret: SECRET,
    concurrency: 8,
  });
  let heapPeak = 0;
  const sample = () => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  };
  const sampler = setInterval(sample, 20);
  const ids: string[] = [];
  let done = 0;
  const target = new Promise<void>((resolve) => {
    fanout.on("request.completed", (e) => {
      ids.push(e.requestId);
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
  await fanout.close();
  return {
    drained: done,
    seconds,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    peakHeapMiB: heapPeak / 2 ** 20,
  };
}

export async function runMemoryBench(quick: boolean) {
  const backlog = 100_000;
  const small = 1_000;
  const slice = quick ? 500 : 2_000;
  const dir = mkdtempSync(join(tmpdir(), "gf-bench-mem-"));
  try {
    const big = join(dir, "big.db");
    const little = join(dir, "little.db");
    const created = await child(["create", big, String(backlog)]);
    await child(["create", little, String(small)]);
    const dbMiB = statSync(big).size / 2 ** 20;
    const bigDrain = await child(["drain", big, String(slice)]);
    const smallDrain = await child(["drain", little, String(Math.min(slice, small))]);
    return {
      memoryBacklogRatio: round(bigDrain.peakRssMiB! / smallDrain.peakRssMiB!, 3),
      memory: {
        backlog,
        drainedSlice: slice,
        createSeconds: round(created.seconds!, 1),
        databaseMiB: round(dbMiB, 1),
        backlog100k: {
          peakRssMiB: round(bigDrain.peakRssMiB!, 1),
          peakHeapMiB: round(bigDrain.peakHeapMiB!, 1),
          drainSeconds: round(bigDrain.seconds!, 1),
        },
        backlog1k: {
          peakRssMiB: round(smallDrain.peakRssMiB!, 1),
          peakHeapMiB: round(smallDrain.peakHeapMiB!, 1),
          drainSeconds: round(smallDrain.seconds!, 1),
        },
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
