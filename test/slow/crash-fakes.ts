/**
 * Fake providers for the crash test, living in the test process behind a loopback HTTP server so
 * their state (and the count of destructive applications) survives the workers being killed.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpClient, defineAdapter, type SubprocessorAdapter } from "../../src/index.js";

interface Rec {
  email: string;
  restrictedBy: string | null;
  deleted: boolean;
}

export class CrashFakeServer {
  readonly records = new Map<string, Rec>();
  readonly applied = new Map<string, number>();
  private server: Server | undefined;
  private seq = 0;

  seed(provider: string, email: string, count: number): void {
    for (let i = 0; i < count; i++)
      this.records.set(`${provider}_${++this.seq}`, { email, restrictedBy: null, deleted: false });
  }

  liveFor(email: string): number {
    return [...this.records.values()].filter((r) => r.email === email && !r.deleted).length;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const [, provider, op] = url.pathname.split("/");
        const body = chunks.length
          ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { ids?: string[]; requestId?: string })
          : {};
        const ids = body.ids ?? [];
        let out: unknown = {};
        if (op === "locate") {
          const email = url.searchParams.get("email");
          out = {
            ids: [...this.records.entries()]
              .filter(([id, r]) => id.startsWith(`${provider}_`) && r.email === email && !r.deleted)
              .map(([id]) => id),
          };
        } else if (op === "restrict") {
          for (const id of ids) {
            const r = this.records.get(id);
            if (r && !r.deleted && (r.restrictedBy === null || r.restrictedBy === body.requestId))
              r.restrictedBy = body.requestId ?? null;
          }
        } else if (op === "delete") {
          for (const id of ids) {
            const r = this.records.get(id);
            if (!r || r.deleted) continue;
            r.deleted = true;
            this.applied.set(id, (this.applied.get(id) ?? 0) + 1);
          }
        } else if (op === "status") {
          out = { remaining: ids.filter((id) => this.records.get(id)?.deleted === false).length };
        }
        // A little latency so that kills land in the middle of steps.
        setTimeout(
          () => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify(out));
          },
          20 + Math.floor(Math.random() * 40),
        );
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

/** The adapter a worker process builds for one fake provider. */
export function crashFakeAdapter(provider: string, baseUrl: string): SubprocessorAdapter {
  const http = createHttpClient({ provider, baseUrl, timeoutMs: 5000 });
  const post = (op: string, body: unknown, signal: AbortSignal) =>
    http.request<{ ids?: string[]; remaining?: number }>({
      method: "POST",
      path: `/${provider}/${op}`,
      json: body,
      operation: op,
      signal,
    });
  return defineAdapter({
    id: provider,
    retry: { initialInterval: 20, maximumInterval: 200, maximumAttempts: 0 },
    async locate(subject, ctx) {
      const res = await http.request<{ ids: string[] }>({
        method: "GET",
        path: `/${provider}/locate`,
        query: { email: subject.email },
        operation: "locate",
        signal: ctx.signal,
      });
      return { refs: res.data.ids.map((id) => ({ type: "record", id })) };
    },
    async export(refs) {
      return { records: refs.map((r) => ({ type: r.type, id: r.id, data: {} })) };
    },
    async restrict(refs, ctx) {
      await post("restrict", { ids: refs.map((r) => r.id), requestId: ctx.requestId }, ctx.signal);
      return { undo: { ids: refs.map((r) => r.id) }, restricted: refs.length };
    },
    async unrestrict(refs, _undo, ctx) {
      await post("unrestrict", { ids: refs.map((r) => r.id), requestId: ctx.requestId }, ctx.signal);
    },
    async delete(refs, ctx) {
      await post("delete", { ids: refs.map((r) => r.id) }, ctx.signal);
      return { outcome: "erased", deleted: refs.length };
    },
    async status(refs, _deletion, ctx) {
      const res = await post("status", { ids: refs.map((r) => r.id) }, ctx.signal);
      const remaining = res.data.remaining ?? 0;
      return { state: remaining === 0 ? "done" : "remaining", remaining };
    },
  });
}
