/**
 * A fake CRM service with one account per tenant, for the tenant tests: each account answers only
 * to its own token, holds records the account's users entered and records an integration wrote
 * (call activities by number), and logs every call with the account its token opened. The adapter
 * works in both scopes (integration scope through `withIntegrationScope`).
 */
import { createHash } from "node:crypto";
import {
  FanoutError,
  type OperationContext,
  type RecordRef,
  type SubprocessorAdapter,
  samePhone,
} from "../../src/index.js";
import { withIntegrationScope } from "../../src/integration-scope.js";

export interface CrmRecord {
  id: string;
  type: "contact" | "call" | "note";
  email?: string;
  phone?: string;
  by: "owner" | "integration";
  deleted: boolean;
  /** Restricted: out of the search's sight (like Zoho's recycle bin) until unrestricted. */
  restricted?: boolean;
}

export interface CrmCall {
  /** The account the token opened. */
  account: string;
  token: string;
  requestId: string;
  op: string;
  scope: string;
}

export class TenantCrm {
  readonly accounts = new Map<string, { token: string; records: Map<string, CrmRecord> }>();
  readonly calls: CrmCall[] = [];
  private seq = 0;

  constructor(readonly id = "crm") {}

  account(tenant: string, token = `tok_${tenant}_${Math.random().toString(36).slice(2, 10)}`): string {
    this.accounts.set(tenant, { token, records: new Map() });
    return token;
  }

  /** A contact the tenant entered and `calls` call activities the integration wrote about `phone`. */
  seed(tenant: string, person: { email: string; phone: string }, calls = 2): string[] {
    const records = this.accounts.get(tenant)!.records;
    const add = (r: Omit<CrmRecord, "id" | "deleted">) => {
      const id = `${this.id}_${++this.seq}`;
      records.set(id, { ...r, id, deleted: false });
      return id;
    };
    add({ type: "contact", email: person.email, phone: person.phone, by: "owner" });
    add({ type: "note", email: person.email, by: "owner" });
    // The owner logged a call by hand too: same number, not the integration's.
    add({ type: "call", phone: person.phone, by: "owner" });
    return Array.from({ length: calls }, () => add({ type: "call", phone: person.phone, by: "integration" }));
  }

  live(tenant: string, by?: CrmRecord["by"]): CrmRecord[] {
    return [...this.accounts.get(tenant)!.records.values()].filter(
      (r) => !r.deleted && (by === undefined || r.by === by),
    );
  }

  private async open(token: string, ctx: OperationContext, op: string): Promise<Map<string, CrmRecord>> {
    await ctx.rateLimit();
    for (const [account, a] of this.accounts) {
      if (a.token !== token) continue;
      this.calls.push({ account, token, requestId: ctx.requestId, op, scope: ctx.scope ?? "subject" });
      return a.records;
    }
    throw new FanoutError("AUTHENTICATION", `${this.id}: invalid token`, {
      retryable: false,
      provider: this.id,
    });
  }

  /** The adapter for one account's token; `restrict`: it restricts by hiding records from search. */
  adapter(token: string, options: { restrict?: boolean } = {}): SubprocessorAdapter {
    const crm = this;
    const id = this.id;
    const del = (records: Map<string, CrmRecord>, refs: readonly RecordRef[]) => {
      let deleted = 0;
      for (const ref of refs) {
        const r = records.get(ref.id);
        if (r && !r.deleted) {
          r.deleted = true;
          deleted++;
        }
      }
      return deleted;
    };
    const remaining = (records: Map<string, CrmRecord>, refs: readonly RecordRef[]) =>
      refs.filter((ref) => records.get(ref.id)?.deleted === false).length;
    const base: SubprocessorAdapter = {
      id,
      capabilities: {
        export: true,
        restrict: options.restrict === true,
        unrestrict: options.restrict === true,
        asyncDelete: false,
        softDelete: false,
        lookup: ["email"],
      },
      rateLimit: { requests: 1000, intervalMs: 1000 },
      // Per credential, without the credential.
      rateLimitKey: `${id}:${createHash("sha256").update(token).digest("hex").slice(0, 16)}`,
      async locate(subject, ctx) {
        const records = await crm.open(token, ctx, "locate");
        const refs = [...records.values()]
          .filter(
            (r) => !r.deleted && !r.restricted && subject.email !== undefined && r.email === subject.email,
          )
          .map((r) => ({ type: r.type, id: r.id }));
        return { refs, coverage: { searchedBy: subject.email ? ["email"] : [], types: ["contact", "note"] } };
      },
      async export(refs, ctx) {
        const records = await crm.open(token, ctx, "export");
        return {
          records: refs.map((ref) => ({
            type: ref.type,
            id: ref.id,
            data: { by: records.get(ref.id)?.by ?? null },
          })),
        };
      },
      async delete(refs, ctx) {
        return { outcome: "erased", deleted: del(await crm.open(token, ctx, "delete"), refs) };
      },
      async status(refs, _deletion, ctx) {
        const n = remaining(await crm.open(token, ctx, "status"), refs);
        return { state: n === 0 ? "done" : "remaining", remaining: n };
      },
      ...(options.restrict
        ? {
            async restrict(refs: readonly RecordRef[], ctx: OperationContext) {
              const records = await crm.open(token, ctx, "restrict");
              for (const ref of refs) records.get(ref.id)!.restricted = true;
              return { undo: null, restricted: refs.length };
            },
            async unrestrict(refs: readonly RecordRef[], _undo: unknown, ctx: OperationContext) {
              const records = await crm.open(token, ctx, "unrestrict");
              for (const ref of refs) records.get(ref.id)!.restricted = false;
            },
          }
        : {}),
    };
    return withIntegrationScope(base, {
      lookup: ["phone", "id"],
      async locate(subject, ctx) {
        const records = await crm.open(token, ctx, "locate");
        const given = new Set(subject.ids[id] ?? []);
        const refs = [...records.values()]
          .filter((r) => !r.deleted && r.by === "integration" && r.type === "call")
          .filter(
            (r) =>
              given.has(r.id) || (subject.phone !== undefined && samePhone(r.phone ?? "", subject.phone)),
          )
          .map((r) => ({ type: "call", id: r.id }));
        const searchedBy = [
          ...(subject.phone ? (["phone"] as const) : []),
          ...(given.size ? (["id"] as const) : []),
        ];
        return { refs, coverage: { searchedBy, types: ["call"] } };
      },
      async export(refs, ctx) {
        await crm.open(token, ctx, "export");
        return { records: refs.map((ref) => ({ type: "call", id: ref.id, data: {} })) };
      },
      async delete(refs, ctx) {
        return { outcome: "erased", deleted: del(await crm.open(token, ctx, "delete"), refs) };
      },
      async status(refs, _deletion, ctx) {
        const n = remaining(await crm.open(token, ctx, "status"), refs);
        return { state: n === 0 ? "done" : "remaining", remaining: n };
      },
    });
  }
}
