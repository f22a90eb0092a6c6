/**
 * A fake CRM for sweep engine tests: people with a stage and a last-touched time, found by id,
 * listed by `expired()` in id order with the id as cursor. Counts every listing start (and the
 * cursor it started from) and every destructive application.
 */
import { defineAdapter, FanoutError, type SubprocessorAdapter } from "../../src/index.js";

export interface FakePerson {
  id: string;
  stage: "prospect" | "customer";
  touchedAt: number;
  deleted: boolean;
}

export class FakeCrm {
  readonly people = new Map<string, FakePerson>();
  readonly applied = new Map<string, number>();
  /** The cursor each listing started from. */
  readonly listings: (string | undefined)[] = [];
  /** Throw this error when the listing reaches the n-th record (0-based), once. */
  failAt:
    | {
        index: number;
        code: "PROVIDER_UNAVAILABLE" | "AUTHENTICATION" | "RATE_LIMITED";
        retryAfterMs?: number;
      }
    | undefined;

  constructor(readonly id = "crm") {}

  add(n: number, stage: FakePerson["stage"], touchedAt: number): string[] {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = String(1000 + this.people.size).padStart(6, "0");
      this.people.set(id, { id, stage, touchedAt, deleted: false });
      ids.push(id);
    }
    return ids;
  }

  live(): FakePerson[] {
    return [...this.people.values()].filter((p) => !p.deleted);
  }

  adapter(): SubprocessorAdapter {
    const crm = this;
    return defineAdapter({
      id: crm.id,
      retry: { initialInterval: 5, maximumInterval: 20, maximumAttempts: 4 },
      capabilities: { restrict: false, unrestrict: false, lookup: ["id"], sweeps: ["prospect"] },
      async locate(subject) {
        const refs = (subject.ids[crm.id] ?? [])
          .filter((id) => crm.people.get(id)?.deleted === false)
          .map((id) => ({ type: "person", id }));
        return { refs, coverage: { searchedBy: ["id"], types: ["person"] } };
      },
      async export() {
        return { records: [] };
      },
      async delete(refs) {
        for (const ref of refs) {
          const p = crm.people.get(ref.id);
          if (!p || p.deleted) continue;
          p.deleted = true;
          crm.applied.set(p.id, (crm.applied.get(p.id) ?? 0) + 1);
        }
        return { outcome: "erased", deleted: refs.length };
      },
      async status(refs) {
        const remaining = refs.filter((r) => crm.people.get(r.id)?.deleted === false).length;
        return { state: remaining === 0 ? "done" : "remaining", remaining };
      },
      async *expired(policy, ctx) {
        crm.listings.push(ctx.cursor);
        const cut = policy.olderThan.getTime();
        let index = 0;
        for (const p of [...crm.people.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
          if (ctx.cursor !== undefined && p.id <= ctx.cursor) continue;
          await ctx.rateLimit();
          if (crm.failAt && crm.failAt.index === index) {
            const { code, retryAfterMs } = crm.failAt;
            crm.failAt = undefined;
            throw new FanoutError(code, `${crm.id} listing failed (injected)`, {
              provider: crm.id,
              ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
            });
          }
          index += 1;
          if (p.deleted || p.stage !== "prospect" || p.touchedAt >= cut) continue;
          yield { type: "person", id: p.id, cursor: p.id };
        }
      },
    });
  }
}
