/**
 * An in-memory fake provider and its adapter, for engine tests: records per email, restrictions
 * keyed by request (so a re-run recognises its own), counters of every destructive application,
 * and switches to make any operation fail.
 */
import { defineAdapter, FanoutError, type SubprocessorAdapter } from "../../src/index.js";

export interface FakeRecord {
  id: string;
  email: string;
  /** Record type (`record` unless seeded otherwise, e.g. `invoice`). */
  type?: string;
  restrictedBy: string | null;
  deleted: boolean;
}

export type FakeOp = "locate" | "export" | "restrict" | "unrestrict" | "delete" | "status";

export interface FakeFailure {
  code: "PROVIDER_UNAVAILABLE" | "VALIDATION" | "RATE_LIMITED" | "AUTHENTICATION";
  times: number;
  retryAfterMs?: number;
}

export class FakeProvider {
  readonly records = new Map<string, FakeRecord>();
  readonly applied = new Map<string, number>();
  readonly calls: { op: FakeOp; at: number; requestId: string }[] = [];
  readonly failures = new Map<FakeOp, FakeFailure>();
  /** Delay of every call, ms. */
  latencyMs = 0;
  /** Status reports `pending` this many times after a delete. */
  pendingPolls = 0;
  /** The next this many deletes answer as if they worked but leave every record live. */
  deletesNotTaking = 0;
  private seq = 0;

  constructor(readonly id: string) {}

  seed(email: string, count = 2, type = "record"): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `${this.id}_${++this.seq}`;
      this.records.set(id, { id, email, type, restrictedBy: null, deleted: false });
      ids.push(id);
    }
    return ids;
  }

  live(email: string): FakeRecord[] {
    return [...this.records.values()].filter((r) => r.email === email && !r.deleted);
  }

  fail(op: FakeOp, failure: FakeFailure): void {
    this.failures.set(op, failure);
  }

  async enter(op: FakeOp, requestId: string): Promise<void> {
    this.calls.push({ op, at: Date.now(), requestId });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const failure = this.failures.get(op);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      throw new FanoutError(failure.code, `${this.id} ${op} failed (injected)`, {
        provider: this.id,
        operation: op,
        ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      });
    }
  }

  adapter(
    options: {
      optional?: boolean;
      restrict?: boolean;
      reversible?: boolean;
      /** Record types the adapter declares it can keep (`capabilities.retainable`). */
      retainable?: string[];
      /** `capabilities.restrictionExpiresAfter` (a restriction that expires unless renewed). */
      restrictionExpiresAfter?: string;
    } = {},
  ): SubprocessorAdapter {
    const p = this;
    const restrict = options.restrict ?? true;
    return defineAdapter({
      id: p.id,
      optional: options.optional ?? false,
      retry: { initialInterval: 10, maximumInterval: 100, maximumAttempts: 4 },
      capabilities: {
        restrict,
        unrestrict: restrict && (options.reversible ?? true),
        asyncDelete: p.pendingPolls > 0,
        ...(options.retainable ? { retainable: options.retainable } : {}),
        ...(options.restrictionExpiresAfter
          ? { restrictionExpiresAfter: options.restrictionExpiresAfter }
          : {}),
      },
      async locate(subject, ctx) {
        await p.enter("locate", ctx.requestId);
        return {
          refs: subject.email
            ? p.live(subject.email).map((r) => ({ type: r.type ?? "record", id: r.id }))
            : [],
          coverage: {
            searchedBy: subject.email ? ["email"] : [],
            types: ["record", ...(options.retainable ?? [])],
          },
        };
      },
      async export(refs, ctx) {
        await p.enter("export", ctx.requestId);
        return {
          records: refs.map((ref) => ({
            type: "record",
            id: ref.id,
            data: { email: p.records.get(ref.id)?.email ?? null },
          })),
        };
      },
      ...(restrict
        ? {
            async restrict(refs, ctx) {
              await p.enter("restrict", ctx.requestId);
              const changed: string[] = [];
              for (const ref of refs) {
                const r = p.records.get(ref.id);
                if (!r || r.deleted) continue;
                if (r.restrictedBy === null || r.restrictedBy === ctx.requestId) {
                  r.restrictedBy = ctx.requestId;
                  changed.push(r.id);
                }
              }
              return { undo: { ids: changed }, restricted: changed.length };
            },
            async unrestrict(_refs, _undo, ctx) {
              await p.enter("unrestrict", ctx.requestId);
              // Finds its own restrictions by request id, so a missing undo record is fine.
              for (const r of p.records.values()) if (r.restrictedBy === ctx.requestId) r.restrictedBy = null;
            },
          }
        : {}),
      async delete(refs, ctx) {
        await p.enter("delete", ctx.requestId);
        let deleted = 0;
        if (p.deletesNotTaking > 0) {
          p.deletesNotTaking -= 1;
          return { outcome: "erased", deleted: refs.length };
        }
        for (const ref of refs) {
          const r = p.records.get(ref.id);
          if (!r || r.deleted) continue;
          r.deleted = true;
          p.applied.set(r.id, (p.applied.get(r.id) ?? 0) + 1);
          deleted++;
        }
        return {
          outcome: "erased",
          deleted,
          ...(p.pendingPolls > 0 ? { jobs: [{ id: `job_${ctx.requestId}`, kind: "purge" }] } : {}),
        };
      },
      async status(refs, _deletion, ctx) {
        await p.enter("status", ctx.requestId);
        if (p.pendingPolls > 0) {
          p.pendingPolls -= 1;
          return { state: "pending", remaining: 0 };
        }
        const remaining = refs.filter((ref) => p.records.get(ref.id)?.deleted === false).length;
        return { state: remaining === 0 ? "done" : "remaining", remaining };
      },
    });
  }
}

/** A fake clock: `now()` for the fanout, `advance()` for the test. */
export function fakeClock(start = Date.parse("2026-11-28T12:00:00Z")) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}
