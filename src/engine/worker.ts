/**
 * The worker: claims due requests from the store (each with a lease and fencing token), drives
 * each with {@link runRequest} while a heartbeat renews its lease, and gives it back. `drain()`
 * works until nothing is due; `run()` loops until its signal aborts, sleeping until the next
 * timer when idle.
 */
import { setMaxListeners } from "node:events";
import { FanoutError, isFanoutError } from "../errors.js";
import { isTransientStoreError } from "../store/transient-error.js";
import type { RequestRecord } from "../store/types.js";
import type { Subject } from "../subject.js";
import { openBranch } from "./branch-sealing.js";
import type { EngineContext } from "./context.js";
import { overdueWake } from "./deadlines.js";
import { RequestRun, type SealedPayload } from "./request-run.js";
import { runRequest } from "./saga.js";
import { unseal } from "./seal.js";

/** The subject of a request after shredding: no identifiers left. */
const SHREDDED: Subject = Object.freeze({ ids: Object.freeze({}) });

/** How long a request waits after a passing store error. */
const STORE_RETRY_MS = 5000;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

export class Worker {
  readonly #active = new Map<string, Promise<void>>();

  constructor(readonly ctx: EngineContext) {}

  /** Claims and runs everything due now; returns when nothing is due (timers in the future stay). */
  async drain(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) break;
      const room = this.ctx.concurrency - this.#active.size;
      const claimed =
        room > 0 ? await this.ctx.store.claim(this.ctx.workerId, this.ctx.now(), this.ctx.leaseMs, room) : [];
      for (const record of claimed) this.#start(record, signal);
      if (this.#active.size === 0) break;
      await Promise.race(this.#active.values());
    }
    await Promise.allSettled(this.#active.values());
  }

  /** The worker loop. */
  async run(outer: AbortSignal, idleMs: number): Promise<void> {
    // One listener on the caller's signal, however many requests are in flight.
    const stop = new AbortController();
    setMaxListeners(0, stop.signal);
    const forward = () => stop.abort(outer.reason);
    if (outer.aborted) forward();
    else outer.addEventListener("abort", forward, { once: true });
    try {
      await this.#loop(stop.signal, idleMs);
    } finally {
      outer.removeEventListener("abort", forward);
    }
  }

  async #loop(signal: AbortSignal, idleMs: number): Promise<void> {
    while (!signal.aborted) {
      const room = this.ctx.concurrency - this.#active.size;
      let claimed: RequestRecord[] = [];
      try {
        claimed =
          room > 0
            ? await this.ctx.store.claim(this.ctx.workerId, this.ctx.now(), this.ctx.leaseMs, room)
            : [];
      } catch (error) {
        this.ctx.logger.error(
          { code: isFanoutError(error) ? error.code : "STORE" },
          "claiming requests failed",
        );
      }
      for (const record of claimed) this.#start(record, signal);
      if (claimed.length > 0 && this.#active.size < this.ctx.concurrency) continue;
      const tick = sleep(idleMs, signal);
      await (this.#active.size > 0 ? Promise.race([tick, ...this.#active.values()]) : tick);
    }
    // In-flight requests stop at their next step boundary; compensations finish (shielded).
    await Promise.allSettled(this.#active.values());
  }

  /** Claims one specific request when it is due and free, and runs it. Returns false when not claimed. */
  async runOne(id: string, signal?: AbortSignal): Promise<boolean> {
    const existing = this.#active.get(id);
    if (existing) {
      await existing;
      return true;
    }
    const claimed = await this.ctx.store.claim(
      this.ctx.workerId,
      this.ctx.now(),
      this.ctx.leaseMs,
      this.ctx.concurrency,
      id,
    );
    const record = claimed.find((r) => r.id === id);
    for (const other of claimed) if (other !== record) this.#start(other, signal);
    if (!record) return false;
    this.#start(record, signal);
    await this.#active.get(id);
    return true;
  }

  #start(record: RequestRecord, outer?: AbortSignal): void {
    const promise = this.#process(record, outer).finally(() => this.#active.delete(record.id));
    this.#active.set(record.id, promise);
  }

  async #process(record: RequestRecord, outer?: AbortSignal): Promise<void> {
    const ctx = this.ctx;
    const lease = { requestId: record.id, owner: record.leaseOwner ?? ctx.workerId, fence: record.fence };
    const controller = new AbortController();
    // Every concurrent step listens on this signal (fetch, p-retry, rate limiter).
    setMaxListeners(0, controller.signal);
    const onOuterAbort = () =>
      controller.abort(new FanoutError("ABORTED", "worker stopping", { retryable: false }));
    outer?.addEventListener("abort", onOuterAbort, { once: true });
    const heartbeat = setInterval(
      () => {
        ctx.store.renewLease(lease, ctx.now(), ctx.leaseMs).then(
          (kept) => {
            if (!kept) controller.abort(new FanoutError("LEASE_LOST", "lease lost", { retryable: true }));
          },
          () => {},
        );
      },
      Math.max(50, Math.floor(ctx.leaseMs / 3)),
    );
    heartbeat.unref?.();
    let run: RequestRun | undefined;
    try {
      const branches = (await ctx.store.getBranches(record.id)).map((b) => openBranch(b, ctx.openKeys));
      if (record.sealed === null && record.completedAt !== null) {
        // An answered request back for its purge checks: they need record ids, not the subject.
        run = new RequestRun(ctx, record, branches, { subject: SHREDDED }, controller.signal);
        await runRequest(run);
        return;
      }
      if (record.sealed === null) {
        throw new FanoutError("STORE_CORRUPT", `Request ${record.id} is open but its subject was shredded`, {
          retryable: false,
        });
      }
      const payload = unseal(record.sealed, ctx.openKeys, record.id) as SealedPayload;
      if (!payload || typeof payload !== "object" || typeof payload.subject !== "object") {
        throw new FanoutError("STORE_CORRUPT", `Request ${record.id} has an unreadable subject`, {
          retryable: false,
        });
      }
      const subject: Subject = payload.subject;
      run = new RequestRun(ctx, record, branches, { ...payload, subject }, controller.signal);
      for (const b of branches) run.adapter(b.adapterId);
      await runRequest(run);
    } catch (error) {
      await this.#onFailure(record, lease, error, controller.signal);
    } finally {
      clearInterval(heartbeat);
      outer?.removeEventListener("abort", onOuterAbort);
      await ctx.store.releaseLease(lease).catch(() => {});
    }
  }

  async #onFailure(
    record: RequestRecord,
    lease: { requestId: string; owner: string; fence: number },
    error: unknown,
    signal: AbortSignal,
  ) {
    const ctx = this.ctx;
    const code = isFanoutError(error) ? error.code : "STEP_FAILED";
    if (code === "LEASE_LOST" || code === "ABORTED" || signal.aborted) {
      ctx.logger.info({ requestId: record.id, code }, "request run stopped");
      return;
    }
    if (isTransientStoreError(error)) {
      // The database blinked: come back later rather than asking a person to look.
      ctx.logger.warn(
        { requestId: record.id, code: "STORE_UNAVAILABLE" },
        "store error; the request will be retried",
      );
      await ctx.store
        .commit(lease, ctx.now(), { request: { wakeAt: ctx.now() + STORE_RETRY_MS } })
        .catch(() => {});
      return;
    }
    const json = isFanoutError(error)
      ? error.toJSON()
      : new FanoutError("STEP_FAILED", `Request ${record.id} failed unexpectedly`, {
          retryable: false,
          cause: error,
        }).toJSON();
    ctx.logger.error({ requestId: record.id, code, error: json }, "request needs attention");
    // Woken at its due date to record `request.overdue`, unless that moment has passed: a request
    // that fails before it runs must not be claimed again at once (deadlines.ts).
    const overdueAt = overdueWake({ ...record, state: "needs_attention" }, null);
    const request = {
      state: "needs_attention" as const,
      wakeAt: overdueAt !== null && overdueAt > ctx.now() ? overdueAt : null,
      doc: { ...record.doc, attention: json },
      updatedAt: ctx.now(),
    };
    try {
      try {
        await ctx.store.commit(lease, ctx.now(), {
          request,
          audit: [{ at: ctx.now(), type: "request.needs_attention", data: { code } }],
        });
      } catch (auditError) {
        // A damaged audit trail cannot take the entry; park the request anyway, or it stays due
        // and every claim loop picks it up again at once (a hot loop that never drains).
        if (!isFanoutError(auditError, "STORE_CORRUPT")) throw auditError;
        await ctx.store.commit(lease, ctx.now(), { request });
      }
      ctx.events.emit("request.needs_attention", {
        requestId: record.id,
        kind: record.kind,
        subject: record.fingerprint,
        at: new Date(ctx.now()).toISOString(),
        error: json,
      });
    } catch (commitError) {
      ctx.logger.error(
        { requestId: record.id, code: isFanoutError(commitError) ? commitError.code : "STORE" },
        "could not record the failure",
      );
    }
  }

  /** Sleeps until the store's next timer (bounded), for callers waiting on one request. */
  async idle(maxMs: number, signal?: AbortSignal): Promise<void> {
    const next = await this.ctx.store.nextWake();
    const wait = next === null ? maxMs : Math.min(maxMs, Math.max(10, next - this.ctx.now()));
    await sleep(wait, signal);
  }
}
