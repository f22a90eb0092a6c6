/**
 * Soak: a few thousand erasures through one worker (SQLite, zero-latency fake adapters) in a child
 * process run with --expose-gc; heapUsed after a full GC is sampled after every batch and must stay
 * flat: after warm-up, the last quarter's mean within 1.5x of the first quarter's.
 */
import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const BATCHES = 32;
const PER_BATCH = 100;
const WARM_UP = 4;
const here = dirname(fileURLToPath(import.meta.url));

describe("soak", () => {
  it(`${BATCHES * PER_BATCH} erasures through one worker with a flat heap`, async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--expose-gc", "--import", "tsx", join(here, "soak-child.ts"), String(BATCHES), String(PER_BATCH)],
      { maxBuffer: 1 << 20, timeout: 240_000 },
    );
    const { samples, completed, requests } = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
      samples: number[];
      completed: number;
      requests: number;
    };
    expect(completed).toBe(requests);
    const steady = samples.slice(WARM_UP);
    const q = Math.floor(steady.length / 4);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(steady.slice(0, q));
    const last = mean(steady.slice(-q));
    const mb = (n: number) => (n / 1_048_576).toFixed(1);
    console.log(
      `soak: ${requests} requests completed; heapUsed after GC ${mb(first)} MB (first quarter) -> ${mb(last)} MB (last quarter), ratio ${(last / first).toFixed(2)}; samples ${samples.map(mb).join(" ")}`,
    );
    expect(last / first).toBeLessThan(1.5);
  }, 300_000);
});
