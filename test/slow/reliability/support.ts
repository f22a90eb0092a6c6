/**
 * Shared by the reliability suites: adapters built from `sims.options` the way another process
 * would (the registry's `createAdapter`), a logger that keeps every line at every level, the
 * credentials to look for in captured output, and a loop that drives requests until they settle.
 */
import type { SubprocessorAdapter } from "../../../src/adapter.js";
import type { Fanout } from "../../../src/index.js";
import type { Logger } from "../../../src/logger.js";
import { findSimulator } from "../../../src/testing/index.js";

/** Adapters that take a per-request `timeoutMs` option (Stripe's and HubSpot's SDK clients fix their own). */
export const TIMEOUT_OPTION = new Set(["chargebee", "postmark", "pipedrive", "zoho", "capsule"]);

/** Builds each provider's adapter from serialisable options, with an optional short timeout. */
export function adaptersFrom(
  options: Readonly<Record<string, Record<string, unknown>>>,
  timeoutMs?: number,
): SubprocessorAdapter[] {
  return Object.entries(options).map(([id, o]) => {
    const factory = findSimulator(id);
    if (!factory) throw new Error(`no simulator registered for ${id}`);
    return factory.createAdapter(
      timeoutMs !== undefined && TIMEOUT_OPTION.has(id) ? { ...o, timeoutMs } : { ...o },
    );
  });
}

const SECRET_KEY = /key|token|secret/i;

/** Every credential string in `sims.options` (API keys, tokens, client secrets). */
export function credentialsIn(options: Readonly<Record<string, Record<string, unknown>>>): string[] {
  const out: string[] = [];
  for (const o of Object.values(options)) {
    for (const [key, value] of Object.entries(o)) {
      if (!SECRET_KEY.test(key)) continue;
      for (const v of Array.isArray(value) ? value : [value]) if (typeof v === "string") out.push(v);
    }
  }
  return out;
}

/** A pino-like logger keeping every call (bindings merged), at every level. */
export function capturingLogger(lines: unknown[], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: string) =>
    (obj: Record<string, unknown>, msg?: string): void => {
      lines.push({ level, ...bindings, ...obj, msg });
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => capturingLogger(lines, { ...bindings, ...more }),
  };
}

/** Needles found in `text` (case-insensitive). */
export function leaks(text: string, needles: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return needles.filter((n) => n.length >= 4 && lower.includes(n.toLowerCase()));
}

const SETTLED = new Set(["completed", "withdrawn", "needs_attention"]);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a worker until every request is completed, withdrawn or needs attention, or the time is up;
 * returns the requests still open (with where their branches stand, to diagnose a hang).
 */
export async function driveUntilSettled(fanout: Fanout, ids: readonly string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const stop = new AbortController();
  const worker = fanout.run({ signal: stop.signal, idleMs: 10 });
  let open = [...ids];
  while (open.length > 0 && Date.now() < deadline) {
    await sleep(50);
    const states = await Promise.all(open.map(async (id) => [id, (await fanout.status(id)).state] as const));
    open = states.filter(([, s]) => !SETTLED.has(s)).map(([id]) => id);
  }
  const stuck = await Promise.all(
    open.map(async (id) => {
      const s = await fanout.status(id);
      return `${id} ${s.state}: ${s.branches
        .filter((b) => b.state !== "done")
        .map((b) => `${b.adapter} ${b.state} ${b.step}#${b.attempt} ${b.error?.code ?? ""}`)
        .join("; ")}`;
    }),
  );
  stop.abort();
  await Promise.race([worker, sleep(5000)]);
  return stuck;
}

import { localRateLimiter, type RateLimiter } from "../../../src/index.js";

/** The in-process limiter with every provider window shrunk by `factor` (Retry-After pauses stay real). */
export function scaledLimiter(factor: number): RateLimiter {
  const inner = localRateLimiter();
  return {
    acquire: (key, spec, signal) =>
      inner.acquire(
        key,
        { requests: spec.requests, intervalMs: Math.max(1, spec.intervalMs * factor) },
        signal,
      ),
    penalize: (key, ms) => inner.penalize(key, ms),
  };
}
