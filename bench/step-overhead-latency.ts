/** Adapters for the throughput bench: the instant adapter, optionally with a fixed provider latency. */
import type { SubprocessorAdapter } from "../src/index.js";

export { instantAdapter } from "./step-overhead.js";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The same adapter with every provider call taking `latencyMs`. */
export function slowed(adapter: SubprocessorAdapter, latencyMs: number): SubprocessorAdapter {
  if (latencyMs <= 0) return adapter;
  const delay =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await wait(latencyMs);
      return fn(...args);
    };
  return {
    ...adapter,
    locate: delay(adapter.locate.bind(adapter)),
    export: delay(adapter.export.bind(adapter)),
    delete: delay(adapter.delete.bind(adapter)),
    status: delay(adapter.status!.bind(adapter)),
    ...(adapter.restrict ? { restrict: delay(adapter.restrict.bind(adapter)) } : {}),
  };
}
