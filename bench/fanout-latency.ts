/**
 * Fan-out latency: one erasure across the seven simulators (HTTP, a different latency per
 * provider), by the engine and by the same adapter calls made directly, in the same shape (every
 * provider's locate and restrict at once; once all are restricted, every provider's delete, then
 * its status polled on the engine's schedule until done) through the same kind of limiter with the
 * same budgets, without a store. The ratio is the engine's overhead over the providers themselves:
 * durable steps, the pivot commit, the worker loop. Runs alternate (engine, direct, engine, …) and
 * the ratio is the median of the pairs, with its range and the load average.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { SubprocessorAdapter } from "../src/adapter.js";
import { acquireBudgets } from "../src/engine/rate-limiter.js";
import { createFanout, localRateLimiter } from "../src/index.js";
import { sqliteStore } from "../src/store/sqlite-store.js";
import { createOperationContext, startSimulators } from "../src/testing/index.js";
import { elapsedMs, median, round, runUntilDone, SECRET, scaleAdapter } from "./harness.js";

/** Milliseconds added to every response, per provider (5–40 ms). */
export const LATENCY_MS: Readonly<Record<string, number>> = {
  stripe: 5,
  chargebee: 10,
  postmark: 15,
  hubspot: 20,
  pipedrive: 25,
  zoho: 30,
  capsule: 40,
};

const POLL_MS = 5;
const TIME_SCALE = 0.001;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The erasure without the engine: the same calls, the same shape, the same limiter. */
async function direct(
  adapters: SubprocessorAdapter[],
  subject: { email: string; ids: Record<string, string[]> },
  limiter: ReturnType<typeof localRateLimiter>,
): Promise<void> {
  const signal = new AbortController().signal;
  const contexts = adapters.map((a) => {
    const base = createOperationContext({ subject, secret: SECRET });
    const key = a.rateLimitKey ?? a.id;
    return { ...base, rateLimit: (b?: never) => acquireBudgets(limiter, key, a.rateLimit, b, signal) };
  });
  const found = await Promise.all(
    adapters.map(async (a, i) => {
      const ctx = contexts[i]!;
      const { refs } = await a.locate(ctx.subject, ctx);
      if (refs.length > 0 && a.restrict) await a.restrict(refs, ctx);
      return refs;
    }),
  );
  // The pivot: nothing is deleted before every provider is restricted.
  await Promise.all(
    adapters.map(async (a, i) => {
      const refs = found[i]!;
      const ctx = contexts[i]!;
      if (refs.length === 0) return;
      const deletion = await a.delete(refs, ctx);
      if (!["erased", "anonymized", "scheduled"].includes(deletion.outcome)) return;
      for (let poll = 0; ; poll++) {
        const status = await a.status(refs, deletion, ctx);
        if (status.state !== "pending") return;
        await sleep(POLL_MS * 2 ** Math.min(poll, 20));
      }
    }),
  );
}

export async function runFanoutLatencyBench(quick: boolean) {
  const pairs = quick ? 3 : 7;
  const dir = mkdtempSync(join(tmpdir(), "gf-bench-fanout-"));
  // Job delays (Stripe redaction, Capsule deletion, Postmark removal) scaled to ~nothing: the
  // figure is about request latency, not about how long a provider's job takes.
  const sims = await startSimulators({
    latencyMs: LATENCY_MS,
    timeScale: TIME_SCALE,
    transport: "http",
    seed: 11,
  });
  // Budgets scaled like the simulators' windows: this figure is about latency, not pacing (a real
  // budget, Chargebee's 150 a minute, would hold later erasures of the run behind earlier ones).
  const adapters = sims.adapters().map((a) => scaleAdapter(a, TIME_SCALE));
  const fanout = createFanout({
    adapters,
    store: sqliteStore({ path: join(dir, "fanout.db") }),
    secret: SECRET,
    pollInterval: POLL_MS,
  });
  const limiter = localRateLimiter();
  let n = 0;
  const subject = async () => {
    const email = `fanout${n++}@example.test`;
    return { email, ids: await sims.seedSubject({ email, name: "Bench Subject" }, { records: 3 }) };
  };
  const viaEngine = async () => {
    const s = await subject();
    const started = process.hrtime.bigint();
    const { id } = await fanout.erase(s);
    const { failed, unfinished } = await runUntilDone(fanout, [id], 60_000);
    const ms = elapsedMs(started);
    if (failed.length || unfinished.length) throw new Error("fanout bench: the erasure did not complete");
    if (Object.values(await sims.remaining(s.email)).some((left) => left > 0))
      throw new Error("fanout bench: the engine left records live");
    return ms;
  };
  const viaDirect = async () => {
    const s = await subject();
    const started = process.hrtime.bigint();
    await direct(adapters, s, limiter);
    const ms = elapsedMs(started);
    if (Object.values(await sims.remaining(s.email)).some((left) => left > 0))
      throw new Error("fanout bench: the direct calls left records live");
    return ms;
  };
  try {
    // Warm-up: first requests pay for lazy SDK imports, sockets, prepared statements.
    await viaEngine();
    await viaDirect();
    const engine: number[] = [];
    const directMs: number[] = [];
    const load: number[] = [];
    for (let p = 0; p < pairs; p++) {
      if (p % 2 === 0) {
        engine.push(await viaEngine());
        directMs.push(await viaDirect());
      } else {
        directMs.push(await viaDirect());
        engine.push(await viaEngine());
      }
      load.push(loadavg()[0]!);
    }
    const ratios = engine.map((e, i) => e / directMs[i]!);
    return {
      fanoutLatencyRatio: round(median(ratios), 3),
      fanoutLatency: {
        ratio: {
          median: round(median(ratios), 3),
          min: round(Math.min(...ratios), 3),
          max: round(Math.max(...ratios), 3),
        },
        engineMs: round(median(engine), 1),
        directMs: round(median(directMs), 1),
        engineRangeMs: [round(Math.min(...engine), 1), round(Math.max(...engine), 1)],
        directRangeMs: [round(Math.min(...directMs), 1), round(Math.max(...directMs), 1)],
        pairs,
        providerLatencyMs: LATENCY_MS,
        loadAverage1m: {
          median: round(median(load), 2),
          min: round(Math.min(...load), 2),
          max: round(Math.max(...load), 2),
        },
        transport: "http",
        store: "sqlite",
        direct:
          "the same adapter calls and shape (locate+restrict everywhere, then delete and poll status), the same limiter, no store",
      },
    };
  } finally {
    await fanout.close();
    await sims.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runFanoutLatencyBench(process.argv.includes("--quick")), null, 2));
}
