/**
 * A fake CRM service for the multi-tenant Postgres test, served from the test process: one account
 * per tenant, each opened by its own token, all holding records of the same people (so a request
 * run with another tenant's adapter would find and delete that tenant's records). Every call is
 * logged with the account its token opened, the request it was made for and the worker making it.
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createHttpClient,
  defineAdapter,
  type OperationContext,
  type SubprocessorAdapter,
} from "../../src/index.js";

export interface TenantCall {
  /** The account the token opened. */
  readonly account: string;
  readonly op: string;
  readonly requestId: string;
  readonly worker: string;
}

/** The token of a tenant, as a SaaS's token store would hand it out. */
export const tokenOf = (tenant: string) => `tok-${tenant}-0f3a9c7e51b2`;

export class TenantFakeServer {
  /** `tenant:p<person>:n` → deleted? (ids carry no personal data) */
  readonly records = new Map<string, boolean>();
  private readonly people = new Map<string, number>();
  readonly calls: TenantCall[] = [];
  /** Calls with a token no account has. */
  unauthorised = 0;
  private server: Server | undefined;

  constructor(readonly tenants: readonly string[]) {}

  private person(email: string): string {
    if (!this.people.has(email)) this.people.set(email, this.people.size);
    return `p${this.people.get(email)}`;
  }

  seed(email: string, count = 2): void {
    const p = this.person(email);
    for (const tenant of this.tenants) {
      for (let i = 0; i < count; i++) this.records.set(`${tenant}:${p}:${i}`, false);
    }
  }

  live(tenant: string, email: string): number {
    const prefix = `${tenant}:${this.person(email)}:`;
    let n = 0;
    for (const [key, deleted] of this.records) if (!deleted && key.startsWith(prefix)) n++;
    return n;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const op = new URL(req.url ?? "/", "http://127.0.0.1").pathname.slice(1);
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
        const account = this.tenants.find((t) => tokenOf(t) === token);
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        };
        if (!account) {
          this.unauthorised += 1;
          return reply(401, { error: "invalid token" });
        }
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as {
          email?: string;
          ids?: string[];
          requestId: string;
          worker: string;
        };
        this.calls.push({ account, op, requestId: body.requestId, worker: body.worker });
        const mine = (id: string) => id.startsWith(`${account}:`) && this.records.has(id);
        let out: unknown = {};
        if (op === "locate") {
          out = {
            ids: [...this.records]
              .filter(
                ([id, deleted]) => !deleted && id.startsWith(`${account}:${this.person(body.email ?? "")}:`),
              )
              .map(([id]) => id),
          };
        } else if (op === "delete") {
          // An account can only touch its own records (a foreign id would be ignored, as a CRM would).
          for (const id of body.ids ?? []) if (mine(id)) this.records.set(id, true);
        } else if (op === "status") {
          out = {
            remaining: (body.ids ?? []).filter((id) => mine(id) && this.records.get(id) === false).length,
          };
        }
        setTimeout(() => reply(200, out), 2 + Math.floor(Math.random() * 8));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

/** A tenant's adapter, built with that tenant's token (what the `tenants` resolver returns). */
export function tenantCrmAdapter(baseUrl: string, token: string, worker: string): SubprocessorAdapter {
  const http = createHttpClient({
    provider: "crm",
    baseUrl,
    timeoutMs: 30_000,
    headers: { authorization: `Bearer ${token}` },
    secrets: [token],
  });
  const post = async (op: string, body: Record<string, unknown>, ctx: OperationContext) => {
    await ctx.rateLimit();
    return http.request<{ ids?: string[]; remaining?: number }>({
      method: "POST",
      path: `/${op}`,
      json: { ...body, requestId: ctx.requestId, worker },
      operation: op,
      signal: ctx.signal,
    });
  };
  const adapter = defineAdapter({
    id: "crm",
    rateLimit: { requests: 200, intervalMs: 1000 },
    retry: { initialInterval: 20, maximumInterval: 200, maximumAttempts: 0 },
    capabilities: { restrict: false, unrestrict: false },
    async locate(subject, ctx) {
      const res = await post("locate", { email: subject.email }, ctx);
      return {
        refs: (res.data.ids ?? []).map((id) => ({ type: "record", id })),
        coverage: { searchedBy: ["email"], types: ["record"] },
      };
    },
    async export(refs) {
      return { records: refs.map((r) => ({ type: r.type, id: r.id, data: {} })) };
    },
    async delete(refs, ctx) {
      await post("delete", { ids: refs.map((r) => r.id) }, ctx);
      return { outcome: "erased", deleted: refs.length };
    },
    async status(refs, _deletion, ctx) {
      const res = await post("status", { ids: refs.map((r) => r.id) }, ctx);
      const remaining = res.data.remaining ?? 0;
      return { state: remaining === 0 ? "done" : "remaining", remaining };
    },
  });
  // One budget per credential: a hash of it, never the token itself.
  return { ...adapter, rateLimitKey: `crm:${createHash("sha256").update(token).digest("hex").slice(0, 16)}` };
}
