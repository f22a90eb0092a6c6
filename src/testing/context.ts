/**
 * An {@link OperationContext} for calling an adapter directly, outside the saga engine: in adapter
 * tests, the conformance suite, and scripts.
 */
import { createHash, randomUUID } from "node:crypto";
import type { OperationContext } from "../adapter.js";
import { fingerprintSubject } from "../fingerprint.js";
import { type Logger, silentLogger } from "../logger.js";
import { normalizeSubject, type SubjectInput } from "../subject.js";

/** Options of {@link createOperationContext}. */
export interface TestContextOptions {
  subject: SubjectInput;
  requestId?: string;
  signal?: AbortSignal;
  attempt?: number;
  logger?: Logger;
  /** Called before every provider request (default: nothing). */
  rateLimit?: () => Promise<void>;
  now?: () => Date;
  /** Key for the fingerprint. @default "test-secret" */
  secret?: string;
  /** Records the request keeps on a legal basis (`ctx.retain`, as the engine would pass them). */
  retain?: OperationContext["retain"];
  /** Types whose retention ended (`ctx.retentionEnded`: a follow-up erasure). */
  retentionEnded?: OperationContext["retentionEnded"];
}

/** Builds an {@link OperationContext} the way the engine would, for direct adapter calls. */
export function createOperationContext(options: TestContextOptions): OperationContext {
  const subject = normalizeSubject(options.subject);
  const requestId = options.requestId ?? `req_${randomUUID()}`;
  return {
    signal: options.signal ?? new AbortController().signal,
    requestId,
    subject,
    fingerprint: fingerprintSubject(subject, options.secret ?? "test-secret"),
    attempt: options.attempt ?? 1,
    idempotencyKey: (step, part) =>
      `gf-${createHash("sha256")
        .update(`${requestId}\u0000${step}\u0000${part ?? ""}`)
        .digest("hex")
        .slice(0, 40)}`,
    rateLimit: options.rateLimit ?? (async () => {}),
    now: options.now ?? (() => new Date()),
    logger: options.logger ?? silentLogger,
    ...(options.retain ? { retain: options.retain } : {}),
    ...(options.retentionEnded ? { retentionEnded: options.retentionEnded } : {}),
  };
}
