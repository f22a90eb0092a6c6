/**
 * The reference peer of the sweep: the loop a careful engineer writes instead of adopting the
 * engine, as issue #22 describes it. `p-map` over subjects, every provider of a subject at once;
 * each adapter call in `p-retry`, retrying only errors the adapter marks retryable, waiting at
 * least the provider's Retry-After; the engine's own in-process limiter with the same (scaled)
 * budgets, paused on a 429 as the engine pauses it; the same verification poll schedule as the
 * engine (its `pollInterval`, doubling); and when verify finds records left, it locates and
 * deletes again (three rounds). It locates again right before deleting, as the loop measured in the
 * issue did (`relocate: false` drops that). No durability, no audit, no receipt.
 */
import { setMaxListeners } from "node:events";
import pMap from "p-map";
import pRetry from "p-retry";
import type { DeleteResult, RecordRef, SubprocessorAdapter } from "../src/adapter.js";
import { acquireBudgets, type RateLimiter } from "../src/engine/rate-limiter.js";
import { mergeRefs } from "../src/engine/validate-output.js";
import { isFanoutError } from "../src/index.js";
import type { SubjectInput } from "../src/subject.js";
import { createOperationContext } from "../src/testing/index.js";

export interface CarefulOptions {
  concurrency: number;
  limiter: RateLimiter;
  /** First retry wait and first verification poll, ms (the engine's `retry.initialInterval`, `pollInterval`). */
  retryMs: number;
  pollMs: number;
  relocate: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Erases each subject everywhere; per subject, whether every provider verified (or found nothing)
 * and when it finished.
 */
export function carefulLoop(subjects: SubjectInput[], adapters: SubprocessorAdapter[], o: CarefulOptions) {
  const signal = new AbortController().signal;
  setMaxListeners(0, signal); // every call waiting for the limiter listens on it
  const call = <T>(adapter: SubprocessorAdapter, fn: () => Promise<T>) =>
    pRetry(fn, {
      retries: 10,
      minTimeout: o.retryMs,
      factor: 2,
      shouldRetry: ({ error }) => isFanoutError(error) && error.retryable,
      onFailedAttempt: async ({ error }) => {
        const wait = isFanoutError(error) ? (error.retryAfterMs ?? 0) : 0;
        if (isFanoutError(error, "RATE_LIMITED"))
          o.limiter.penalize(adapter.rateLimitKey ?? adapter.id, wait || 1000);
        await sleep(wait);
      },
    });
  const branch = async (adapter: SubprocessorAdapter, subject: SubjectInput): Promise<boolean> => {
    const base = createOperationContext({ subject, secret: "bench-secret-0123456789abcdef" });
    const key = adapter.rateLimitKey ?? adapter.id;
    const ctx = {
      ...base,
      rateLimit: (b?: never) => acquireBudgets(o.limiter, key, adapter.rateLimit, b, signal),
    };
    const locate = async () => (await call(adapter, () => adapter.locate(ctx.subject, ctx))).refs;
    let refs: readonly RecordRef[] = await locate();
    if (refs.length === 0) return true;
    if (adapter.restrict) await call(adapter, () => adapter.restrict!(refs, ctx));
    for (let round = 0; round < 3; round++) {
      if (o.relocate || round > 0) refs = mergeRefs(refs, await locate());
      const deletion: DeleteResult = await call(adapter, () => adapter.delete(refs, ctx));
      if (!["erased", "anonymized", "scheduled"].includes(deletion.outcome)) return true;
      for (let poll = 0; ; poll++) {
        const status = await call(adapter, () => adapter.status(refs, deletion, ctx));
        if (status.state === "done" || status.state === "scheduled") return true;
        if (status.state === "remaining") break; // records left: locate and delete again
        await sleep(o.pollMs * 2 ** Math.min(poll, 10));
      }
    }
    return false;
  };
  return pMap(
    subjects,
    async (subject) => {
      const ok = (await Promise.all(adapters.map((a) => branch(a, subject).catch(() => false)))).every(
        Boolean,
      );
      return { ok, at: Date.now() };
    },
    { concurrency: o.concurrency },
  );
}
