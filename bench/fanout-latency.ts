/**
 * Fan-out latency: one erasure across the seven simulators (HTTP, a different latency per
 * provider) against the critical path of its slowest branch, measured alone in the same run: the
 * same erasure with a fanout holding only that provider's adapter. Every provider is measured alone
 * (the slowest branch is the one with the longest critical path, not the highest latency), and runs
 * alternate (all seven, then each alone) so that machine load affects both sides alike.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFanout, type Fanout } from "../src/index.js";
import { sqliteStore } from "../src/store/sqlite-store.js";
import { startSimulators } from "../src/testing/index.js";
import { elapsedMs, median, round, runUntilDone, SECRET } from "./harness.js";

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

export async function runFanoutLatencyBench(quick: boolean) {
  const trials = quick ? 2 : 5;
  const dir = mkdtempSync(join(tmpdir(), "gf-bench-fanout-"));
  // Job delays (Stripe redaction, Capsule deletion, Postmark removal) scaled to ~nothing: the
  // figure is about request latency, not about how long a provider's job takes.
  const sims = await startSimulators({
    latencyMs: LATENCY_MS,
    timeScale: 0.001,
    transport: "http",
    seed: 11,
  });
  const fanouts = new Map<string, Fanout>();
  try {
    const adapters = sims.adapters();
    const make = (name: string, list: typeof adapters) =>
      createFanout({
        adapters: list,
        store: sqliteStore({ path: join(dir, `${name}.db`) }),
        secret: SECRET,
        pollInterval: 5,
      });
    fanouts.set("all", make("all", adapters));
    for (const a of adapters) fanouts.set(a.id, make(a.id, [a]));
    let n = 0;
    const once = async (name: string) => {
      const fanout = fanouts.get(name)!;
      const email = `fanout${n++}@example.test`;
      const ids = await sims.seedSubject({ email, name: "Bench Subject" }, { records: 3 });
      let pivotMs = 0;
      const off = fanout.on("request.pivoted", () => {
        pivotMs = elapsedMs(started);
      });
      const started = process.hrtime.bigint();
      const { id } = await fanout.erase({ email, ids });
      const { failed, unfinished } = await runUntilDone(fanout, [id], 60_000);
      const ms = elapsedMs(started);
      off();
      if (failed.length || unfinished.length)
        throw new Error(`fanout bench: the ${name} erasure did not complete`);
      return { ms, pre: pivotMs, post: ms - pivotMs };
    };
    // Warm-up: first requests pay for lazy SDK imports, sockets, prepared statements.
    for (const name of fanouts.keys()) await once(name);
    const samples = new Map<string, { ms: number; pre: number; post: number }[]>(
      [...fanouts.keys()].map((k) => [k, []]),
    );
    for (let t = 0; t < trials; t++) {
      for (const name of fanouts.keys()) samples.get(name)!.push(await once(name));
    }
    const med = (name: string, key: "ms" | "pre" | "post") => median(samples.get(name)!.map((s) => s[key]));
    const alone: Record<string, number> = {};
    const prePivot: Record<string, number> = {};
    const postPivot: Record<string, number> = {};
    for (const a of adapters) {
      alone[a.id] = round(med(a.id, "ms"), 1);
      prePivot[a.id] = round(med(a.id, "pre"), 1);
      postPivot[a.id] = round(med(a.id, "post"), 1);
    }
    const [slowest, slowestMs] = Object.entries(alone).sort((x, y) => y[1] - x[1])[0]!;
    const allMs = med("all", "ms");
    // The saga pivots once every branch has located and restricted: no branch deletes before the
    // slowest restrict. The best a pivoting saga can do is the slowest pre-pivot part plus the
    // slowest post-pivot part, which may belong to two different branches.
    const pivotBoundMs = Math.max(...Object.values(prePivot)) + Math.max(...Object.values(postPivot));
    return {
      fanoutLatencyRatio: round(allMs / slowestMs, 3),
      fanoutLatency: {
        allSevenMs: round(allMs, 1),
        allSevenPrePivotMs: round(med("all", "pre"), 1),
        allSevenPostPivotMs: round(med("all", "post"), 1),
        slowestBranch: slowest,
        slowestBranchAloneMs: slowestMs,
        pivotBoundMs: round(pivotBoundMs, 1),
        ratioToPivotBound: round(allMs / pivotBoundMs, 3),
        aloneMs: alone,
        alonePrePivotMs: prePivot,
        alonePostPivotMs: postPivot,
        sumOfBranchesMs: round(
          Object.values(alone).reduce((s, v) => s + v, 0),
          1,
        ),
        providerLatencyMs: LATENCY_MS,
        trials,
        statistic: "median",
        transport: "http",
        store: "sqlite",
      },
    };
  } finally {
    for (const f of fanouts.values()) await f.close();
    await sims.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runFanoutLatencyBench(process.argv.includes("--quick")), null, 2));
}
