/** `inspect()`: a live, read-only look at where a subject's data exists. Nothing is recorded. */
import { randomBytes } from "node:crypto";
import { isFanoutError } from "../errors.js";
import { fingerprintSubject } from "../fingerprint.js";
import { toFanoutError } from "../http/classify.js";
import { childLogger } from "../logger.js";
import type { Subject } from "../subject.js";
import { subjectIdentifiers } from "../subject.js";
import type { EngineContext } from "./context.js";
import { acquireBudgets } from "./rate-limiter.js";
import type { InspectResult } from "./types.js";

export async function inspectSubject(ctx: EngineContext, subject: Subject): Promise<InspectResult[]> {
  const requestId = `inspect_${randomBytes(8).toString("hex")}`;
  const fingerprint = fingerprintSubject(subject, ctx.secret);
  const signal = AbortSignal.timeout(120_000);
  return Promise.all(
    [...ctx.adapters.values()].map(async (adapter): Promise<InspectResult> => {
      try {
        const { refs } = await adapter.locate(subject, {
          signal,
          requestId,
          subject,
          fingerprint,
          attempt: 1,
          idempotencyKey: (step, part) => `${requestId}-${adapter.id}-${step}-${part ?? ""}`,
          rateLimit: (bucket) =>
            acquireBudgets(
              ctx.limiter,
              adapter.rateLimitKey ?? adapter.id,
              adapter.rateLimit,
              bucket,
              signal,
            ),
          now: () => new Date(ctx.now()),
          logger: childLogger(ctx.logger, {
            requestId,
            adapter: adapter.id,
            step: "inspect",
            subject: fingerprint,
          }),
        });
        const byType: Record<string, number> = {};
        for (const ref of refs) byType[ref.type] = (byType[ref.type] ?? 0) + 1;
        return { adapter: adapter.id, records: refs.length, byType, error: null };
      } catch (error) {
        const e = isFanoutError(error)
          ? error
          : toFanoutError(error, {
              provider: adapter.id,
              operation: "locate",
              redact: subjectIdentifiers(subject),
            });
        return { adapter: adapter.id, records: null, byType: {}, error: e.toJSON() };
      }
    }),
  );
}
