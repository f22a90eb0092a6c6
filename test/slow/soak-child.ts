// The soak run (started by soak.test.ts with --expose-gc): thousands of erasures through one worker
// on SQLite with zero-latency fake adapters; after each batch, heapUsed after a full GC is sampled.
// Prints one JSON line: { samples, completed, requests }.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { createFanout } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";

const BATCHES = Number(process.argv[2] ?? 30);
const PER_BATCH = Number(process.argv[3] ?? 100);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

function fake(id: string): SubprocessorAdapter {
  return {
    id,
    capabilities: {
      export: true,
      restrict: true,
      unrestrict: true,
      asyncDelete: false,
      softDelete: false,
      lookup: ["email"],
    },
    locate: async (subject) => ({ refs: [{ type: "contact", id: `${id}_${subject.email?.length ?? 0}` }] }),
    export: async () => ({ records: [] }),
    restrict: async () => ({ restricted: 1, undo: { was: "active" } }),
    unrestrict: async () => {},
    delete: async () => ({ outcome: "erased", deleted: 1 }),
    status: async () => ({ state: "done", remaining: 0 }),
  };
}

const dir = mkdtempSync(join(tmpdir(), "gf-soak-"));
const fanout = createFanout({
  adapters: ["alpha", "beta", "gamma"].map(fake),
  store: sqliteStore({ path: join(dir, "soak.db"), synchronous: "normal" }),
  secret: "soak-test-secret-0123456789",
  concurrency: 16,
});
let listened = 0;
fanout.on("request.completed", () => {
  listened += 1;
});
const samples: number[] = [];
for (let b = 0; b < BATCHES; b++) {
  for (let i = 0; i < PER_BATCH; i++)
    await fanout.erase({ email: `soak.${b}.${i}@example.test` }, { reason: "soak" });
  await fanout.drain();
  gc();
  gc();
  samples.push(process.memoryUsage().heapUsed);
}
const completed = listened;
await fanout.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ samples, completed, requests: BATCHES * PER_BATCH }));
