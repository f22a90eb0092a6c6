/**
 * One claimed request being worked on by a worker: holds its lease (with a heartbeat), its
 * branches and its subject, and drives the saga one phase at a time (see {@link runRequest}).
 * Every write goes through {@link RequestRun.commit}, fenced by the lease.
 */
import { createHash } from "node:crypto";
import type { JsonValue, OperationContext, SubprocessorAdapter } from "../adapter.js";
import { FanoutError } from "../errors.js";
import { childLogger } from "../logger.js";
import type {
  AuditInput,
  BranchRecord,
  CommitChange,
  Lease,
  RequestRecord,
  StepLogEntry,
  StepName,
} from "../store/types.js";
import type { Subject } from "../subject.js";
import { BranchSaves } from "./branch-saves.js";
import { sealBranch } from "./branch-sealing.js";
import type { EngineContext } from "./context.js";
import { overdueWake } from "./deadlines.js";
import type { FanoutEvents } from "./events.js";
import { acquireBudgets } from "./rate-limiter.js";
import { retainFor, retentionEndedFor } from "./retention.js";

/** What a request keeps sealed while it is open. */
export interface SealedPayload {
  readonly subject: Subject;
  /** Export destination. */
  readonly to?: string;
  /** Export: the password of an encrypted zip. */
  readonly password?: string;
}

export class RequestRun {
  record: RequestRecord;
  readonly branches = new Map<string, BranchRecord>();
  readonly lease: Lease;
  /** Attempts started by this run (so a crashed attempt from an earlier run is counted). */
  readonly startedHere = new Set<string>();
  /**
   * Adapters whose export this run has written, for `export.progress`: branches run concurrently
   * and their saves are committed together, so a branch's `done` state can lag its written export.
   */
  readonly exportedHere = new Set<string>();
  restrictSeq: number;

  constructor(
    readonly ctx: EngineContext,
    record: RequestRecord,
    branches: readonly BranchRecord[],
    readonly payload: SealedPayload,
    readonly signal: AbortSignal,
  ) {
    this.record = record;
    for (const b of branches) this.branches.set(b.adapterId, b);
    this.lease = { requestId: record.id, owner: record.leaseOwner ?? "", fence: record.fence };
    this.restrictSeq = Math.max(
      0,
      ...branches.map((b) => (typeof b.data.restrictSeq === "number" ? b.data.restrictSeq : 0)),
    );
  }

  get subject(): Subject {
    return this.payload.subject;
  }

  now(): number {
    return this.ctx.now();
  }

  adapter(id: string): SubprocessorAdapter {
    const adapter = this.ctx.adapters.get(id);
    if (!adapter) {
      throw new FanoutError(
        "CONFIGURATION",
        `Request ${this.record.id} uses adapter "${id}", which this fanout does not have`,
        {
          retryable: false,
          details: { adapter: id },
        },
      );
    }
    return adapter;
  }

  /** Commits a change under the lease and mirrors it locally. */
  async commit(change: CommitChange): Promise<void> {
    const now = this.now();
    let request = change.request ? { updatedAt: now, ...change.request } : undefined;
    if (request && "wakeAt" in request && request.wakeAt !== undefined) {
      // A request that will pass its due date unanswered is woken then, to say so (deadlines.ts).
      request = { ...request, wakeAt: overdueWake({ ...this.record, ...request }, request.wakeAt) };
    }
    // Provider ids and file names reach the store sealed; this run keeps them open in memory. The
    // same goes for the branches of requests this commit creates (a retention follow-up's record ids).
    const seal = (b: BranchRecord) => sealBranch(b, this.ctx.sealKey);
    const stored: CommitChange = {
      ...change,
      ...(request ? { request } : {}),
      ...(change.branches ? { branches: change.branches.map(seal) } : {}),
      ...(change.create
        ? { create: change.create.map((c) => ({ ...c, branches: c.branches.map(seal) })) }
        : {}),
    };
    await this.ctx.store.commit(this.lease, now, stored);
    if (request) this.record = { ...this.record, ...request };
    for (const b of change.branches ?? []) this.branches.set(b.adapterId, b);
  }

  /**
   * Saves one branch (with optional step-log rows and audit entries). Saves of several branches
   * made in the same turn of the event loop share one commit (see {@link BranchSaves}); each
   * caller's promise resolves only once its own change is durable.
   */
  saveBranch(
    branch: BranchRecord,
    extra: { steps?: StepLogEntry[]; audit?: AuditInput[] } = {},
  ): Promise<void> {
    return this.#saves.add({ branches: [{ ...branch, updatedAt: this.now() }], ...extra });
  }

  readonly #saves = new BranchSaves((change) => this.commit(change));

  stepLog(
    branch: BranchRecord,
    step: StepName,
    attempt: number,
    status: StepLogEntry["status"],
    errorCode: string | null,
  ): StepLogEntry {
    return {
      requestId: this.record.id,
      adapterId: branch.adapterId,
      step,
      attempt,
      status,
      at: this.now(),
      errorCode,
    };
  }

  audit(type: string, data: JsonValue = {}): AuditInput {
    return { at: this.now(), type, data };
  }

  emit<E extends keyof FanoutEvents>(
    name: E,
    extra: Omit<FanoutEvents[E], "requestId" | "kind" | "subject" | "at">,
  ): void {
    const base = {
      requestId: this.record.id,
      kind: this.record.kind,
      subject: this.record.fingerprint,
      at: new Date(this.now()).toISOString(),
    };
    const payload = { ...base, ...extra } as FanoutEvents[E];
    this.ctx.events.emit(name, payload);
    const level = name.endsWith("failed") || name === "request.needs_attention" ? "warn" : "debug";
    this.ctx.logger[level]({ event: name, ...payload }, name);
  }

  /** The context an adapter operation gets. */
  operationContext(
    adapter: SubprocessorAdapter,
    step: StepName,
    attempt: number,
    signal: AbortSignal,
  ): OperationContext {
    const requestId = this.record.id;
    const limiterKey = adapter.rateLimitKey ?? adapter.id;
    const limiter = this.ctx.limiter;
    const retain = retainFor(
      this.record,
      adapter.id,
      this.branches.get(adapter.id),
      this.now(),
      this.ctx.timeZone,
    );
    const retentionEnded = retentionEndedFor(this.record, adapter.id);
    return {
      ...(retain ? { retain } : {}),
      ...(retentionEnded ? { retentionEnded } : {}),
      signal,
      requestId,
      subject: this.subject,
      fingerprint: this.record.fingerprint,
      attempt,
      idempotencyKey: (name, part) =>
        `gf-${createHash("sha256")
          .update(`${requestId}\u0000${adapter.id}\u0000${name}\u0000${part ?? ""}`)
          .digest("hex")
          .slice(0, 40)}`,
      rateLimit: (bucket) => acquireBudgets(limiter, limiterKey, adapter.rateLimit, bucket, signal),
      now: () => new Date(this.now()),
      logger: childLogger(this.ctx.logger, {
        requestId,
        adapter: adapter.id,
        step,
        subject: this.record.fingerprint,
      }),
      ...(this.record.doc.scope === "integration" ? { scope: "integration" as const } : {}),
    };
  }
}
