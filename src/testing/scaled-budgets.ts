/**
 * Adapters for simulators running at a `timeScale`: the simulators count their rate-limit windows
 * scaled (Chargebee's 150 requests a minute become 150 per 600 ms at 0.01), so the budgets the
 * adapters declare to the engine's limiter are scaled the same way — the adapter's own `rateLimit`
 * and every endpoint budget it names in `ctx.rateLimit(bucket)`. Without this, a test at
 * `timeScale: 0.01` would still wait out the providers' real windows.
 */
import type { OperationContext, RateLimitSpec, SubprocessorAdapter } from "../adapter.js";

function isOperationContext(value: unknown): value is OperationContext {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as OperationContext).rateLimit === "function" &&
    (value as OperationContext).signal instanceof AbortSignal
  );
}

/** The adapter with every declared budget's window multiplied by `timeScale`. */
export function withScaledBudgets(adapter: SubprocessorAdapter, timeScale: number): SubprocessorAdapter {
  if (timeScale === 1) return adapter;
  const scale = <T extends RateLimitSpec>(spec: T): T => ({
    ...spec,
    intervalMs: Math.max(1, Math.round(spec.intervalMs * timeScale)),
  });
  const scaledContext = (ctx: OperationContext): OperationContext => ({
    ...ctx,
    rateLimit: (bucket) => ctx.rateLimit(bucket && scale(bucket)),
  });
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(adapter)) {
    out[key] =
      typeof value === "function"
        ? (...args: unknown[]) =>
            (value as (...a: unknown[]) => unknown).apply(
              adapter,
              args.map((a) => (isOperationContext(a) ? scaledContext(a) : a)),
            )
        : value;
  }
  if (adapter.rateLimit) out.rateLimit = scale(adapter.rateLimit);
  return out as unknown as SubprocessorAdapter;
}

/** The engine's first status-poll interval matching simulators at `timeScale` (5 s × timeScale). */
export function scaledPollInterval(timeScale: number): number {
  return Math.max(1, Math.round(5000 * timeScale));
}
