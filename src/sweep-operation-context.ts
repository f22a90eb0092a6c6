/**
 * An {@link OperationContext} made from a {@link SweepContext}, so that an adapter's `expired` can
 * reuse the request helpers its other operations use (they read the signal, the rate limiter, the
 * clock and the logger). It has no subject: a sweep lists records, it does not look anyone up; and
 * it refuses idempotency keys, since listing writes nothing.
 */
import type { OperationContext, SweepContext } from "./adapter.js";
import { FanoutError } from "./errors.js";
import type { Subject } from "./subject.js";

const NO_SUBJECT: Subject = Object.freeze({ ids: Object.freeze({}) });

/** The operation context of one sweep listing. */
export function sweepOperationContext(ctx: SweepContext): OperationContext {
  return {
    signal: ctx.signal,
    requestId: "sweep",
    subject: NO_SUBJECT,
    fingerprint: "sweep",
    attempt: 1,
    idempotencyKey() {
      throw new FanoutError("CONFIGURATION", "A sweep listing makes no writes: it has no idempotency keys", {
        retryable: false,
      });
    },
    rateLimit: (bucket) => ctx.rateLimit(bucket),
    now: () => ctx.now(),
    logger: ctx.logger,
  };
}
