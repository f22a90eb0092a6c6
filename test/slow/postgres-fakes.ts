/**
 * Fake providers for the Postgres multi-worker tests, served from the test process (so their
 * state survives killed workers). Every call records which worker made it for which request and
 * when it started and ended; a call can be held open on demand (to kill or pause its worker
 * mid-step).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createHttpClient,
  defineAdapter,
  type OperationContext,
  type SubprocessorAdapter,
} from "../../src/index.js";

export interface CallRecord {
  provider: string;
  op: string;
  requestId: string;
  worker: string;
  start: number;
  end: number;
}

interface Held {
  match: (call: Omit<CallRecord, "end">) => boolean;
  arrived: (call: Omit<CallRecord, "end">) => void;
  release?: () => void;
}

export class WorkerFakeServer {
  readonly live = new Map<string, { email: string; deleted: boolean }>();
  /** Destructive applications per record id (a delete that actually removed it). */
  readonly applied = new Map<string, number>();
  readonly calls: CallRecord[] = [];
  private server: Server | undefined;
  private held: Held[] = [];
  private seq = 0;

  seed(provider: string, email: string, count: number): void {
    for (let i = 0; i < count; i++) this.live.set(`${provider}_${++this.seq}`, { email, deleted: false });
  }

  /** Holds the first call matching `match` open until the returned `release` is called. */
  hold(match: Held["match"]): { arrived: Promise<Omit<CallRecord, "end">>; release: () => void } {
    let release = () => {};
    const entry: Held = { match, arrived: () => {} };
    const arrived = new Promise<Omit<CallRecord, "end">>((resolve) => {
      entry.arrived = resolve;
    });
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    entry.release = release;
    this.held.push(entry);
    (entry as Held & { released: Promise<void> }).released = released;
    return { arrived, release };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const [, provider = "", op = ""] = new URL(req.url ?? "/", "http://127.0.0.1").pathname.split("/");
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as {
          ids?: string[];
          email?: string;
          requestId: string;
          worker: string;
        };
        const call = { provider, op, requestId: body.requestId, worker: body.worker, start: Date.now() };
        const hold = this.held.find((h) => h.match(call));
        if (hold) {
          this.held = this.held.filter((h) => h !== hold);
          hold.arrived(call);
          await (hold as Held & { released: Promise<void> }).released;
        }
        const ids = body.ids ?? [];
        let out: unknown = {};
        if (op === "locate") {
          out = {
            ids: [...this.live.entries()]
              .filter(([id, r]) => id.startsWith(`${provider}_`) && r.email === body.email && !r.deleted)
              .map(([id]) => id),
          };
        } else if (op === "delete") {
          for (const id of ids) {
            const r = this.live.get(id);
            if (!r || r.deleted) continue;
            r.deleted = true;
            this.applied.set(id, (this.applied.get(id) ?? 0) + 1);
          }
        } else if (op === "status") {
          out = { remaining: ids.filter((id) => this.live.get(id)?.deleted === false).length };
        }
        setTimeout(
          () => {
            this.calls.push({ ...call, end: Date.now() });
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify(out));
          },
          5 + Math.floor(Math.random() * 15),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    for (const h of this.held) h.release?.();
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

/** Each fake provider's published budget, shared by all worker processes through Postgres. */
export const PROVIDER_RATE_LIMIT = { requests: 40, intervalMs: 1000 };

/** The adapter a worker process builds: every call names the worker and the request. */
export function workerFakeAdapter(provider: string, baseUrl: string, worker: string): SubprocessorAdapter {
  const http = createHttpClient({ provider, baseUrl, timeoutMs: 30_000 });
  const post = async (op: string, body: Record<string, unknown>, ctx: OperationContext) => {
    await ctx.rateLimit();
    return http.request<{ ids?: string[]; remaining?: number }>({
      method: "POST",
      path: `/${provider}/${op}`,
      json: { ...body, requestId: ctx.requestId, worker },
      operation: op,
      signal: ctx.signal,
    });
  };
  return defineAdapter({
    id: provider,
    rateLimit: PROVIDER_RATE_LIMIT,
    retry: { initialInterval: 20, maximumInterval: 200, maximumAttempts: 0 },
    async locate(subject, ctx) {
      const res = await post("locate", { email: subject.email }, ctx);
      return { refs: (res.data.ids ?? []).map((id) => ({ type: "record", id })) };
    },
    async export(refs) {
      return { records: refs.map((r) => ({ type: r.type, id: r.id, data: {} })) };
    },
    async restrict(refs, ctx) {
      await post("restrict", { ids: refs.map((r) => r.id) }, ctx);
      return { undo: null, restricted: refs.length };
    },
    async unrestrict(refs, _undo, ctx) {
      await post("unrestrict", { ids: refs.map((r) => r.id) }, ctx);
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
}
