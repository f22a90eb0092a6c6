/**
 * A tiny provider written for the framework's own tests and as the example of docs/testing.md:
 * "Notebook", contacts with notes, lookup by email or phone, page-numbered lists, soft delete to a
 * trash purged after 30 days (reported as a `restorable` residual), `Retry-After` on 429. Its adapter
 * uses the shared HTTP client. No restrict phase, so the conformance suite skips those cases by
 * capability. Its delete handler asks `env.deleteTakes`, so the kit can make a delete not take.
 */
import { createHash } from "node:crypto";
import type { SubprocessorAdapter } from "../../../src/adapter.js";
import { createHttpClient } from "../../../src/http/client.js";
import { samePhone } from "../../../src/phone.js";
import type { SimResponse, SimulatorFactory } from "../../../src/testing/simulator.js";

const TOKEN = "nb_secret_token_0123456789";

interface Contact {
  id: string;
  email: string;
  phone?: string;
  name: string;
  trashed: boolean;
}
interface Note {
  id: string;
  contact: string;
  body: string;
}

const error = (status: number, retryAfterMs?: number): SimResponse => ({
  status,
  headers: retryAfterMs === undefined ? {} : { "retry-after": String(Math.ceil(retryAfterMs / 1000)) },
  body: { error: { code: `E${status}`, message: `error ${status}` } },
});

export const notebookSimulator: SimulatorFactory = {
  id: "notebook",
  create(env) {
    const contacts = new Map<string, Contact>();
    const notes: Note[] = [];
    const applied = new Map<string, number>();
    let next = 0;
    const id = (p: string) => {
      next += 1;
      return `${p}${next}`;
    };
    const page = <T>(items: T[], query: URLSearchParams): SimResponse => {
      const size = env.pageSize ?? 50;
      const n = Number(query.get("page") ?? "1");
      const data = items.slice((n - 1) * size, n * size);
      return { status: 200, body: { data, next_page: n * size < items.length ? n + 1 : null } };
    };
    return {
      id: "notebook",
      errorResponse: (status, options) =>
        error(status, status === 429 ? (options?.retryAfterMs ?? 1000) : undefined),
      handle(req) {
        if (req.headers.authorization !== `Bearer ${TOKEN}`) return error(401);
        const [, resource, cid, sub] = req.path.split("/");
        if (resource !== "contacts") return error(404);
        if (!cid && req.method === "GET") {
          const email = req.query.get("email");
          const phone = req.query.get("phone");
          const match = (c: Contact) =>
            phone !== null ? c.phone !== undefined && samePhone(c.phone, phone) : c.email === email;
          return page(
            [...contacts.values()].filter((c) => !c.trashed && match(c)),
            req.query,
          );
        }
        const contact = cid ? contacts.get(cid) : undefined;
        if (!contact || contact.trashed) return error(404);
        if (sub === "notes" && req.method === "GET")
          return page(
            notes.filter((n) => n.contact === contact.id),
            req.query,
          );
        if (!sub && req.method === "GET") return { status: 200, body: contact };
        if (!sub && req.method === "DELETE") {
          // A delete that does not take answers 204 all the same (see `env.deleteTakes`).
          if (!env.deleteTakes("contact")) return { status: 204 };
          contact.trashed = true;
          applied.set(`contact:${contact.id}`, (applied.get(`contact:${contact.id}`) ?? 0) + 1);
          return { status: 204 };
        }
        return error(404);
      },
      seed(subject, options) {
        const c: Contact = {
          id: id("c"),
          email: subject.email,
          ...(subject.phone ? { phone: subject.phone } : {}),
          name: subject.name ?? "Someone",
          trashed: false,
        };
        contacts.set(c.id, c);
        for (let i = 0; i < (options.records ?? 5); i += 1)
          notes.push({ id: id("n"), contact: c.id, body: `call ${i}` });
        return [c.id];
      },
      oracle(subject) {
        const mine = [...contacts.values()].filter((c) => c.email === subject.email);
        const live = mine.filter((c) => !c.trashed);
        const liveNotes = notes.filter((n) => live.some((c) => c.id === n.contact)).length;
        const trashedNotes = notes.filter((n) => mine.some((c) => c.id === n.contact && c.trashed)).length;
        return {
          live: live.length + liveNotes,
          trashed: mine.length - live.length + trashedNotes,
          restricted: 0,
          byType: {
            contact: { live: live.length, trashed: mine.length - live.length },
            note: { live: liveNotes, trashed: trashedNotes },
          },
        };
      },
      destructiveApplications: () => new Map(applied),
      adapterOptions: (baseUrl) => ({ token: TOKEN, baseUrl }),
    };
  },
  createAdapter: (options) => notebookAdapter(options as { token: string; baseUrl: string }),
};

export function notebookAdapter(options: { token: string; baseUrl: string }): SubprocessorAdapter {
  const http = createHttpClient({
    provider: "notebook",
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.token}` },
  });
  const all = async (
    path: string,
    query: Record<string, string>,
    operation: string,
    signal: AbortSignal,
    wait: () => Promise<void>,
  ) => {
    const out: { id: string }[] = [];
    for (let page = 1; ; page += 1) {
      await wait();
      const res = await http.request<{ data: { id: string }[]; next_page: number | null }>({
        method: "GET",
        path,
        query: { ...query, page },
        operation,
        signal,
      });
      out.push(...res.data.data);
      if (res.data.next_page === null) return out;
    }
  };
  return {
    id: "notebook",
    capabilities: {
      export: true,
      restrict: false,
      unrestrict: false,
      asyncDelete: false,
      softDelete: true,
      lookup: ["email", "phone", "id"],
    },
    rateLimit: { requests: 10, intervalMs: 1000 },
    rateLimitKey: `notebook:${createHash("sha256").update(options.token).digest("hex").slice(0, 8)}`,
    async locate(subject, ctx) {
      const ids = new Set(subject.ids.notebook ?? []);
      const searchedBy: ("email" | "phone" | "id")[] = ids.size > 0 ? ["id"] : [];
      for (const [kind, value] of [
        ["email", subject.email],
        ["phone", subject.phone],
      ] as const) {
        if (!value) continue;
        const found = await all("/contacts", { [kind]: value }, "contacts.list", ctx.signal, ctx.rateLimit);
        for (const c of found) ids.add(c.id);
        searchedBy.push(kind);
      }
      return {
        refs: [...ids].map((id) => ({ type: "contact", id })),
        coverage: { searchedBy, types: ["contact", "note"] },
      };
    },
    async export(refs, ctx) {
      const records = [];
      for (const ref of refs) {
        await ctx.rateLimit();
        const res = await http.request<{ id: string }>({
          method: "GET",
          path: `/contacts/${encodeURIComponent(ref.id)}`,
          operation: "contacts.get",
          signal: ctx.signal,
          accept: [404],
        });
        if (res.status === 404) continue;
        records.push({ type: "contact", id: ref.id, data: res.data as never });
        const notes = await all(
          `/contacts/${encodeURIComponent(ref.id)}/notes`,
          {},
          "notes.list",
          ctx.signal,
          ctx.rateLimit,
        );
        for (const n of notes) records.push({ type: "note", id: n.id, data: n as never });
      }
      return { records };
    },
    async delete(refs, ctx) {
      let deleted = 0;
      for (const ref of refs) {
        await ctx.rateLimit();
        const res = await http.request({
          method: "DELETE",
          path: `/contacts/${encodeURIComponent(ref.id)}`,
          operation: "contacts.delete",
          signal: ctx.signal,
          responseType: "none",
          accept: [404],
        });
        if (res.status !== 404) deleted += 1;
      }
      const eta = new Date(ctx.now().getTime() + 30 * 86_400_000).toISOString();
      // The trash keeps them (notes with their contact) until it is purged.
      const residual =
        deleted > 0
          ? [
              {
                type: "contact",
                count: deleted,
                reason: "restorable" as const,
                detail: `${deleted} contacts in Notebook's trash, restorable for 30 days`,
                until: eta,
              },
            ]
          : [];
      return { outcome: "scheduled", deleted, eta, residual };
    },
    async status(refs, deletion, ctx) {
      let remaining = 0;
      for (const ref of refs) {
        await ctx.rateLimit();
        const res = await http.request({
          method: "GET",
          path: `/contacts/${encodeURIComponent(ref.id)}`,
          operation: "contacts.get",
          signal: ctx.signal,
          accept: [404],
        });
        if (res.status !== 404) remaining += 1;
      }
      if (remaining > 0) return { state: "remaining", remaining };
      return deletion.eta
        ? { state: "scheduled", remaining: 0, eta: deletion.eta }
        : { state: "scheduled", remaining: 0 };
    },
  };
}
