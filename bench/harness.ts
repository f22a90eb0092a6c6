/** Helpers shared by the benchmarks: time-scaled adapters, waiting for completions, statistics. */
import { setMaxListeners } from "node:events";
import type { Fanout, SubprocessorAdapter } from "../src/index.js";

export const SECRET = "bench-secret-0123456789abcdef";

/**
 * The adapter with its declared (real) rate limit scaled like the simulators' windows: under
 * `timeScale` a simulator enforces `requests` per `intervalMs × timeScale`, so the engine's limiter
 * gets the same budget. Adapters are plain objects, so a spread keeps every method.
 */
export function scaleAdapter(adapter: SubprocessorAdapter, timeScale: number): SubprocessorAdapter {
  if (!adapter.rateLimit) return adapter;
  return {
    ...adapter,
    rateLimit: { requests: adapter.rateLimit.requests, intervalMs: adapter.rateLimit.intervalMs * timeScale },
  };
}

/** Requests per second a (scaled) budget allows. */
export const perSecond = (spec: { requests: number; intervalMs: number }) =>
  (spec.requests * 1000) / spec.intervalMs;

/**
 * Runs the worker loop until `ids` all reached a terminal state (completed, withdrawn, needs
 * attention). Returns the ids that did not complete. `idleMs`: how often the idle worker looks for
 * due timers (each look is a claim query).
 */
export async function runUntilDone(fanout: Fanout, ids: readonly string[], timeoutMs: number, idleMs = 2) {
  const waiting = new Set(ids);
  const failed: string[] = [];
  const controller = new AbortController();
  // The worker adds one listener per request in flight to this signal.
  setMaxListeners(0, controller.signal);
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const settle = (id: string, ok: boolean) => {
    if (!waiting.delete(id)) return;
    if (!ok) failed.push(id);
    if (waiting.size === 0) resolveAll();
  };
  const offs = [
    fanout.on("request.completed", (e) => settle(e.requestId, true)),
    fanout.on("request.needs_attention", (e) => settle(e.requestId, false)),
    fanout.on("request.withdrawn", (e) => settle(e.requestId, false)),
  ];
  if (waiting.size === 0) resolveAll();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const progress = process.env.GF_BENCH_PROGRESS
    ? setInterval(() => console.error(`bench: ${ids.length - waiting.size}/${ids.length} settled`), 10_000)
    : undefined;
  const loop = fanout.run({ signal: controller.signal, idleMs });
  await Promise.race([all, loop]);
  clearTimeout(timer);
  clearInterval(progress);
  const timedOut = !controller.signal.aborted ? [] : [...waiting];
  controller.abort();
  await loop;
  for (const off of offs) off();
  return { failed, unfinished: [...waiting], timedOut };
}

export const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const elapsedMs = (startedNs: bigint) => Number(process.hrtime.bigint() - startedNs) / 1e6;
