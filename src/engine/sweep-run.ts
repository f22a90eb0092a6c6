/**
 * One adapter's part of a sweep. Its listing (`adapter.expired`) is read in batches, one record
 * ahead; each batch is filed (one erasure per record) and then the adapter's cursor is saved,
 * sealed, in the store. A crash between the two re-lists the batch on resume, and the idempotency key
 * `sweep:<policy>:<adapter>:<record>` turns those second filings into the existing requests: a
 * record is never filed twice. A failed listing is retried from the last cursor with the adapter's
 * backoff; the claim on the row is kept alive by a heartbeat and given up when the run ends.
 * Before filing, each candidate is matched against the active subject holds (sweep-holds.ts): a
 * held one is counted, not filed.
 */
import type { ExpiredRecord, SubprocessorAdapter, SweepContext, SweepPolicyKind } from "../adapter.js";
import { ConfigurationError, type FanoutError } from "../errors.js";
import { fingerprintSubject } from "../fingerprint.js";
import { childLogger } from "../logger.js";
import type { SweepCounts, SweepRecord } from "../store/types.js";
import { normalizeSubject } from "../subject.js";
import { abortableSleep, acquireBudgets } from "./rate-limiter.js";
import { attemptsRemain, backoffDelay } from "./retry-policy.js";
import { seal, unseal } from "./seal.js";
import type { SweepAdapterResult, SweepDeps } from "./sweep.js";
import { asSweepError, checkCandidate, StoreFailure, sweepIdempotencyKey } from "./sweep-candidates.js";
import { SweepHoldCheck } from "./sweep-holds.js";

/** Candidates filed between two cursor saves. */
const BATCH = 100;
/** Failed listings in a row after which an adapter's part ends `failed` (resumable). */
const MAX_FAILURES = 6;
/** Every count a run keeps, at zero (a row written before holds were checked lacks `held`/`unchecked`). */
type Counts = Required<SweepCounts>;
const ZERO: Counts = { found: 0, filed: 0, existing: 0, held: 0, unchecked: 0 };

interface Setup {
  readonly deps: SweepDeps;
  readonly adapter: SubprocessorAdapter;
  readonly policy: SweepPolicyKind;
  readonly cutoff: number;
  readonly dryRun: boolean;
  readonly signal: AbortSignal;
  readonly sweepId: string;
}

export class AdapterSweep {
  readonly adapter: SubprocessorAdapter;
  resumed = false;
  #row: SweepRecord | null | undefined;
  #cursor: string | undefined;
  #counts: Counts = ZERO;
  #cutoff: number;
  readonly #fingerprints: string[] = [];
  #saving: Promise<void> = Promise.resolve();
  /** Set before the last write, so a late heartbeat cannot take the claim back. */
  #closing = false;

  constructor(private readonly s: Setup) {
    this.adapter = s.adapter;
    this.#cutoff = s.cutoff;
  }

  private get ctx() {
    return this.s.deps.ctx;
  }
  private get key() {
    return `${this.s.policy}:${this.adapter.id}`;
  }

  /** Claims the adapter's sweep row (a real sweep): a new run, or the interrupted one to resume. */
  async claim(): Promise<void> {
    if (this.s.dryRun) return;
    const row = await this.ctx.store.claimSweep!({
      key: this.key,
      policy: this.s.policy,
      adapterId: this.adapter.id,
      olderThan: this.s.cutoff,
      owner: this.s.sweepId,
      now: this.ctx.now(),
      leaseMs: this.ctx.leaseMs,
    });
    this.#row = row;
    if (!row) return;
    // A new run starts with no resumptions; taking over an interrupted one counts one.
    this.resumed = row.resumes > 0;
    this.#cursor = row.cursor === null ? undefined : this.openCursor(row.cursor);
    this.#counts = { ...ZERO, ...row.counts };
    this.#cutoff = row.olderThan;
  }

  /**
   * The saved cursor, opened with every key the fanout has (a run interrupted before a secret
   * rotation resumes; its next save seals it under the current secret). A cursor sealed with a
   * secret the fanout no longer has is a `CONFIGURATION` error naming the run, not a request.
   */
  private openCursor(sealed: string): string {
    try {
      return String(unseal(sealed, this.ctx.openKeys, this.key));
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      throw new ConfigurationError(
        `The cursor of the ${this.key} sweep run was sealed with a secret this fanout does not have: ` +
          "list that secret in previousSecrets (or GDPR_FANOUT_PREVIOUS_SECRETS) and sweep again.",
        { option: "secret", cause: error, details: { sweep: this.key } },
      );
    }
  }

  private result(state: SweepAdapterResult["state"], error: FanoutError | null): SweepAdapterResult {
    const out: SweepAdapterResult = {
      state,
      ...this.#counts,
      resumed: this.resumed,
      olderThan: new Date(this.#cutoff).toISOString(),
      ...(this.s.dryRun ? { fingerprints: [...this.#fingerprints] } : {}),
      error: error ? error.toJSON() : null,
    };
    this.ctx.events.emit("sweep.adapter_done", {
      ...this.base(),
      adapter: this.adapter.id,
      ...this.#counts,
      state,
      error: out.error,
    });
    return out;
  }

  private base() {
    return {
      sweepId: this.s.sweepId,
      policy: this.s.policy,
      dryRun: this.s.dryRun,
      at: new Date(this.ctx.now()).toISOString(),
    };
  }

  /** Writes progress under the claim, one write at a time (the heartbeat shares the queue). */
  private save(state: "running" | "done", release: boolean): Promise<void> {
    if (this.s.dryRun) return Promise.resolve();
    if (release || state === "done") this.#closing = true;
    else if (this.#closing) return this.#saving;
    const now = this.ctx.now();
    const write = () =>
      this.ctx.store.saveSweep!(this.s.sweepId, now, {
        key: this.key,
        state,
        cursor: state === "done" || this.#cursor === undefined ? null : seal(this.#cursor, this.ctx.sealKey),
        counts: this.#counts,
        leaseUntil: release ? null : now + this.ctx.leaseMs,
        completedAt: state === "done" ? now : null,
      });
    this.#saving = this.#saving.then(write, write);
    return this.#saving;
  }

  /** Files (or, in a dry run, fingerprints) a batch, then moves the cursor past it. */
  private async flush(batch: ExpiredRecord[]): Promise<void> {
    try {
      await this.fileBatch(batch);
    } catch (error) {
      throw new StoreFailure(error);
    }
  }

  private async fileBatch(batch: ExpiredRecord[]): Promise<void> {
    if (batch.length === 0) return;
    const { ctx } = this;
    const id = this.adapter.id;
    let { found, filed, existing, held, unchecked } = this.#counts;
    // Read per batch: a hold placed during the sweep applies from the next batch on.
    const holds = await SweepHoldCheck.load(ctx, id);
    for (const [i, candidate] of batch.entries()) {
      // A synchronous store (SQLite) resolves at once: let timers (the claim's heartbeat, a
      // worker in the same process) run between filings.
      if (i % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
      found += 1;
      const hold = holds.check(id, candidate);
      if (hold.unchecked) unchecked += 1;
      if (hold.held) {
        held += 1; // not filed: still expired once the hold is released, so a later sweep files it
        continue;
      }
      // The record id only: an email would locate the person's other records too.
      const subject = { ids: { [id]: candidate.id } };
      if (this.s.dryRun) {
        this.#fingerprints.push(fingerprintSubject(normalizeSubject(subject), ctx.secret));
        continue;
      }
      const handle = await this.s.deps.erase(subject, {
        idempotencyKey: sweepIdempotencyKey(this.s.policy, id, candidate.id, ctx.secret),
        adapters: [id],
        reason: `retention-sweep:${this.s.policy}`,
      });
      if (handle.created) filed += 1;
      else existing += 1;
    }
    this.#counts = { found, filed, existing, held, unchecked };
    this.#cursor = batch[batch.length - 1]!.cursor;
    batch.length = 0;
    await this.save("running", false);
    ctx.events.emit("sweep.progress", { ...this.base(), adapter: id, ...this.#counts });
  }

  private sweepContext(signal: AbortSignal): SweepContext {
    const { ctx, adapter } = this;
    return {
      signal,
      cursor: this.#cursor,
      rateLimit: (bucket) =>
        acquireBudgets(ctx.limiter, adapter.rateLimitKey ?? adapter.id, adapter.rateLimit, bucket, signal),
      now: () => new Date(ctx.now()),
      logger: childLogger(ctx.logger, {
        sweepId: this.s.sweepId,
        adapter: adapter.id,
        policy: this.s.policy,
      }),
    };
  }

  /** Lists to the end (retrying from the cursor), files what it finds; never throws for the adapter's failures. */
  async run(): Promise<SweepAdapterResult> {
    if (!this.s.dryRun && this.#row === null) return this.result("busy", null);
    const { ctx, adapter } = this;
    const signal = this.s.signal;
    const policy = ctx.policies.get(adapter.id);
    const heartbeat = this.s.dryRun
      ? undefined
      : setInterval(() => void this.save("running", false).catch(() => {}), Math.max(50, ctx.leaseMs / 3));
    heartbeat?.unref?.();
    const batch: ExpiredRecord[] = [];
    let failures = 0;
    try {
      for (;;) {
        try {
          const listing = adapter.expired!(
            { kind: this.s.policy, olderThan: new Date(this.#cutoff) },
            this.sweepContext(signal),
          );
          // One step of look-ahead: the next record (and so the next page) is asked for before a
          // batch is filed, so the provider's budget keeps being used while the store writes.
          const records = listing[Symbol.asyncIterator]();
          let next = records.next();
          for (;;) {
            next.catch(() => {}); // awaited below; a failure meanwhile must not go unhandled
            const step = await next;
            // Stopping: a record read ahead is not filed; the cursor still points before it.
            if (step.done || signal.aborted) break;
            batch.push(checkCandidate(step.value, adapter.id));
            next = records.next();
            if (batch.length >= BATCH) {
              await this.flush(batch);
              failures = 0;
            }
          }
          await this.flush(batch);
          if (signal.aborted) {
            await this.save("running", true);
            return this.result("stopped", null);
          }
          clearInterval(heartbeat);
          await this.save("done", true);
          return this.result("completed", null);
        } catch (raw) {
          if (raw instanceof StoreFailure) throw raw.cause;
          const error = asSweepError(raw, adapter.id);
          // What was listed before the failure is as good as any other batch.
          await this.flush(batch);
          if (signal.aborted) {
            await this.save("running", true);
            return this.result("stopped", null);
          }
          if (error.code === "RATE_LIMITED") {
            ctx.limiter.penalize(adapter.rateLimitKey ?? adapter.id, error.retryAfterMs ?? 1000);
          }
          failures += 1;
          const retry =
            error.retryable &&
            policy !== undefined &&
            !policy.nonRetryableErrorCodes.includes(error.code) &&
            attemptsRemain(policy, failures) &&
            failures < MAX_FAILURES;
          if (!retry || !policy) {
            await this.save("running", true);
            return this.result("failed", error);
          }
          const delay = backoffDelay(policy, failures, ctx.random, error.retryAfterMs);
          ctx.events.emit("sweep.retrying", {
            ...this.base(),
            adapter: adapter.id,
            attempt: failures,
            retryInMs: delay,
            error: error.toJSON(),
          });
          try {
            await abortableSleep(delay, signal);
          } catch {
            await this.save("running", true);
            return this.result("stopped", null);
          }
        }
      }
    } catch (raw) {
      // Filing or saving failed (the store, or a lost claim): the run stays resumable as it stands,
      // and its claim runs out by itself.
      const cause = raw instanceof StoreFailure ? raw.cause : raw;
      return this.result("failed", asSweepError(cause, adapter.id));
    } finally {
      clearInterval(heartbeat);
    }
  }
}
