/**
 * What the conformance cases share: the running simulators of one transport, fresh subjects,
 * operation contexts with a rate limiter built from the adapter's own `rateLimit`, and helpers to
 * capture failures and wait for verification.
 */
import type {
  DeleteResult,
  OperationContext,
  RecordRef,
  StatusResult,
  SubprocessorAdapter,
} from "../../adapter.js";
import { FanoutError } from "../../errors.js";
import { createOperationContext } from "../context.js";
import type { SimSubject, SimulatorFactory } from "../simulator.js";
import type { Simulators } from "../start-simulators.js";
import type { AdapterConformanceOptions } from "./options.js";

/** The state of one transport's run, filled in `beforeAll`. */
export interface Harness {
  readonly transport: "http" | "nock";
  readonly factory: SimulatorFactory;
  readonly options: AdapterConformanceOptions;
  readonly records: number;
  sims: Simulators;
  adapter: SubprocessorAdapter;
  /** A fresh subject, seeded; `ids` are the provider ids seeded. */
  seeded(): Promise<{ subject: SimSubject; ids: string[] }>;
  /** A fresh subject with a phone number (one of its own), seeded. */
  seededWithPhone(): Promise<{ subject: SimSubject & { phone: string }; ids: string[] }>;
  /** A fresh subject that exists nowhere. */
  unknown(): SimSubject;
  /**
   * An operation context for the subject (and its ids, when given). `phoneOnly`: the subject as
   * the caller knows it is its phone number alone.
   */
  context(
    subject: SimSubject,
    extra?: {
      ids?: string[];
      requestId?: string;
      signal?: AbortSignal;
      attempt?: number;
      phoneOnly?: boolean;
    },
  ): OperationContext;
  /** The provider's credentials and other secret-looking option values. */
  secrets(): string[];
}

/** A sliding-window limiter honouring the adapter's declared limit, scaled like the simulator. */
export function windowLimiter(
  spec: SubprocessorAdapter["rateLimit"],
  timeScale: number,
): () => Promise<void> {
  if (!spec) return async () => {};
  const sent: number[] = [];
  const window = spec.intervalMs * timeScale;
  // One slot of margin: the simulator's window and ours do not start at the same instant.
  const budget = Math.max(1, spec.requests - 1);
  return async () => {
    for (;;) {
      const now = Date.now();
      while (sent.length > 0 && (sent[0] ?? 0) <= now - window) sent.shift();
      if (sent.length < budget) {
        sent.push(now);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, (sent[0] ?? now) + window - now + 1)));
    }
  };
}

export function createHarness(
  transport: "http" | "nock",
  factory: SimulatorFactory,
  options: AdapterConformanceOptions,
): Harness {
  let n = 0;
  const records = options.records ?? 2 * (options.pageSize ?? 2) + 1;
  const makeSubject = (): SimSubject => {
    n += 1;
    if (options.subject) return options.subject(n, transport);
    return { email: `conformance-${transport}-${n}@example.test`, name: `Conformance Person${n}` };
  };
  let limiter: (() => Promise<void>) | undefined;
  const harness: Harness = {
    transport,
    factory,
    options,
    records,
    sims: undefined as unknown as Simulators,
    adapter: undefined as unknown as SubprocessorAdapter,
    async seeded() {
      const subject = makeSubject();
      const ids = await harness.sims.seedSubject(subject, { records });
      return { subject, ids: ids[factory.id] ?? [] };
    },
    async seededWithPhone() {
      const base = makeSubject();
      // Ofcom's drama range (+44 20 7946 0000–0999): numbers that reach no one.
      const phone = base.phone ?? `+44 20 7946 0${String(n % 1000).padStart(3, "0")}`;
      const subject = { ...base, phone };
      const ids = await harness.sims.seedSubject(subject, { records });
      return { subject, ids: ids[factory.id] ?? [] };
    },
    unknown: makeSubject,
    context(subject, extra = {}) {
      limiter ??= windowLimiter(harness.adapter.rateLimit, options.timeScale ?? 0.01);
      const input: { email?: string; name?: string; phone?: string; ids?: Record<string, string[]> } =
        extra.phoneOnly ? {} : { email: subject.email };
      if (subject.name !== undefined && !extra.phoneOnly) input.name = subject.name;
      if (subject.phone !== undefined) input.phone = subject.phone;
      if (extra.ids && extra.ids.length > 0) input.ids = { [harness.adapter.id]: extra.ids };
      const ctx: Parameters<typeof createOperationContext>[0] = { subject: input, rateLimit: limiter };
      if (extra.requestId !== undefined) ctx.requestId = extra.requestId;
      if (extra.signal !== undefined) ctx.signal = extra.signal;
      if (extra.attempt !== undefined) ctx.attempt = extra.attempt;
      return createOperationContext(ctx);
    },
    secrets() {
      const values = Object.entries(harness.sims.options[factory.id] ?? {})
        .filter(([key]) => !/url|host|region|domain|version/i.test(key))
        .map(([, v]) => v);
      return values.filter((v): v is string => typeof v === "string" && v.length >= 8 && !/^https?:/.test(v));
    },
  };
  return harness;
}

/** The `FanoutError` a promise rejects with; fails when it resolves or rejects with something else. */
export async function failure(promise: Promise<unknown>): Promise<FanoutError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FanoutError) return error;
    throw new Error(
      `expected a FanoutError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
  throw new Error("expected the operation to fail, it succeeded");
}

/** Polls `status` until it is no longer `pending` (or the timeout passes). */
export async function settle(
  adapter: SubprocessorAdapter,
  refs: readonly RecordRef[],
  deletion: DeleteResult,
  ctx: OperationContext,
  timeoutMs: number,
): Promise<StatusResult> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await adapter.status(refs, deletion, ctx);
    if (status.state !== "pending" || Date.now() > until) return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The largest number of times one request target was called (pagination shows up as repeats). */
export function maxRepeats(calls: readonly { method: string; path: string }[]): number {
  const counts = new Map<string, number>();
  for (const c of calls) counts.set(`${c.method} ${c.path}`, (counts.get(`${c.method} ${c.path}`) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}
