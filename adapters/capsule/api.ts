/**
 * The Capsule API v2 calls the adapter makes, over the shared fetch client: one attempt per call,
 * `ctx.rateLimit()` before each request, `ctx.signal` on each, RFC 5988 `Link` pagination followed
 * by path and query only (never to another host, so the token cannot leave for one).
 */
import type { OperationContext } from "../../src/adapter.js";
import { createHttpClient, type HttpClient, type HttpRequest } from "../../src/http/client.js";
import { parseRateLimitReset } from "../../src/http/retry-after.js";
import { filenameOf, nextLink } from "./links.js";

/** A party as Capsule returns it (the fields the adapter reads; the rest is kept for the export). */
export interface CapsuleParty {
  id: number;
  tags?: { id: number; name: string }[];
  [key: string]: unknown;
}

/** An entry (note, email, completed task) as Capsule returns it. */
export interface CapsuleEntry {
  id: number;
  type?: string;
  activityType?: { id: number; name: string } | null;
  creator?: { id: number; username?: string } | null;
  attachments?: { id: number; filename?: string; contentType?: string; size?: number }[];
  [key: string]: unknown;
}

/** A record with an id (opportunity, project). */
export interface CapsuleRecord {
  id: number;
  [key: string]: unknown;
}

/** A task (`GET /api/v2/tasks`): on one party, opportunity or project. */
export interface CapsuleTask {
  id: number;
  status?: string;
  party?: { id: number } | null;
  opportunity?: { id: number } | null;
  kase?: { id: number } | null;
  [key: string]: unknown;
}

/** A long-running job (`GET /api/v2/jobs/{id}`). */
export interface CapsuleJob {
  id: string;
  status: string;
  progress?: number;
  action?: string;
}

/** What a delete answered: done now, gone already, or a job to poll. */
export type DeleteAnswer = { kind: "deleted" } | { kind: "gone" } | { kind: "job"; jobId: string };

const API = "/api/v2";
const MAX_PAGES = 10_000;

/** Creates the Capsule API over {@link createHttpClient}. */
export function createCapsuleApi(options: { apiToken: string; baseUrl: string; timeoutMs?: number }) {
  const http: HttpClient = createHttpClient({
    provider: "capsule",
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.apiToken}` },
    secrets: [options.apiToken],
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    parseError: (body) => {
      const error = (body as { error?: unknown } | null)?.error;
      if (error === "rate limit reached") return { providerCode: "rate_limit_reached" };
      if (error === "invalid_token" || error === "insufficient_scope") return { providerCode: error };
      return undefined;
    },
    // Capsule sends no Retry-After: when the hourly budget is spent, wait for the window's reset.
    retryAfter: (headers, body) => {
      const spent =
        headers.get("x-ratelimit-remaining") === "0" ||
        (body as { error?: unknown } | null)?.error === "rate limit reached";
      return spent ? parseRateLimitReset(headers.get("x-ratelimit-reset")) : undefined;
    },
  });

  async function call<T>(ctx: OperationContext, req: HttpRequest) {
    await ctx.rateLimit();
    return http.request<T>({ ...req, signal: ctx.signal });
  }

  /** Every item of a paginated listing, following `Link: <…>; rel="next"`. */
  async function all<T>(ctx: OperationContext, first: HttpRequest, key: string): Promise<T[]> {
    const items: T[] = [];
    let req: HttpRequest | undefined = first;
    for (let n = 0; req && n < MAX_PAGES; n++) {
      const res = await call<Record<string, unknown> | undefined>(ctx, req);
      const page = res.data?.[key];
      if (Array.isArray(page)) items.push(...(page as T[]));
      const next = nextLink(res.headers.get("link"));
      req = next ? { ...first, path: next.path, query: next.query } : undefined;
    }
    return items;
  }

  const deleteAnswer = async (
    ctx: OperationContext,
    path: string,
    operation: string,
  ): Promise<DeleteAnswer> => {
    const res = await call(ctx, { method: "DELETE", path, operation, responseType: "none", accept: [404] });
    if (res.status === 404) return { kind: "gone" };
    if (res.status === 202) {
      const jobId = /\/jobs\/([^/?#]+)/.exec(res.headers.get("location") ?? "")?.[1];
      if (jobId) return { kind: "job", jobId: decodeURIComponent(jobId) };
    }
    return { kind: "deleted" };
  };

  return {
    /** One request under the adapter's client and rate limit (retention sweeps build their own filters). */
    request: call,

    /** Parties whose email `is` the address (the structured, consistent lookup). */
    findPartiesByEmail: (ctx: OperationContext, email: string) =>
      all<CapsuleParty>(
        ctx,
        {
          method: "POST",
          path: `${API}/parties/filters/results`,
          query: { perPage: 100 },
          json: { filter: { conditions: [{ field: "email", operator: "is", value: email }] } },
          operation: "parties.filter",
          redact: [email],
        },
        "parties",
      ),

    /** Parties with a phone number that `is` the text given (one stored form of the number). */
    findPartiesByPhone: (ctx: OperationContext, number: string) =>
      all<CapsuleParty>(
        ctx,
        {
          method: "POST",
          path: `${API}/parties/filters/results`,
          query: { perPage: 100 },
          json: { filter: { conditions: [{ field: "phone", operator: "is", value: number }] } },
          operation: "parties.filter",
          redact: [number],
        },
        "parties",
      ),

    /**
     * The account's open and pending tasks (Capsule lists tasks for the whole account; the v2 API
     * has no per-party task listing), with their party, opportunity and project.
     */
    openTasks: (ctx: OperationContext) =>
      all<CapsuleTask>(
        ctx,
        {
          method: "GET",
          path: `${API}/tasks`,
          query: { status: "open,pending", embed: "party,opportunity,kase", perPage: 100 },
          operation: "tasks.list",
        },
        "tasks",
      ),

    /** One party with its tags and custom fields; `undefined` when it does not exist. */
    async getParty(ctx: OperationContext, id: string): Promise<CapsuleParty | undefined> {
      const res = await call<{ party?: CapsuleParty }>(ctx, {
        method: "GET",
        path: `${API}/parties/${encodeURIComponent(id)}`,
        query: { embed: "tags,fields" },
        operation: "parties.show",
        accept: [404],
      });
      return res.status === 404 ? undefined : res.data?.party;
    },

    /** Replaces nothing: Capsule applies only the tag changes given (`{name}` adds, `{id,_delete}` removes). */
    updatePartyTags: (
      ctx: OperationContext,
      id: string,
      tags: ({ name: string } | { id: number; _delete: true })[],
    ) =>
      call(ctx, {
        method: "PUT",
        path: `${API}/parties/${encodeURIComponent(id)}`,
        query: { embed: "tags" },
        json: { party: { tags } },
        operation: "parties.update",
        accept: [404],
      }),

    entries: (ctx: OperationContext, partyId: string) =>
      all<CapsuleEntry>(
        ctx,
        {
          method: "GET",
          path: `${API}/parties/${encodeURIComponent(partyId)}/entries`,
          query: { perPage: 50, embed: "activityType,creator" },
          operation: "parties.entries",
          accept: [404],
        },
        "entries",
      ),

    opportunities: (ctx: OperationContext, partyId: string) =>
      all<CapsuleRecord>(
        ctx,
        {
          method: "GET",
          path: `${API}/parties/${encodeURIComponent(partyId)}/opportunities`,
          query: { perPage: 100 },
          operation: "parties.opportunities",
          accept: [404],
        },
        "opportunities",
      ),

    kases: (ctx: OperationContext, partyId: string) =>
      all<CapsuleRecord>(
        ctx,
        {
          method: "GET",
          path: `${API}/parties/${encodeURIComponent(partyId)}/kases`,
          query: { perPage: 100 },
          operation: "parties.kases",
          accept: [404],
        },
        "kases",
      ),

    /** An attachment's bytes, with the file name from `Content-Disposition` when given. */
    async attachment(ctx: OperationContext, id: number) {
      const res = await call<Uint8Array>(ctx, {
        method: "GET",
        path: `${API}/attachments/${id}`,
        headers: { accept: "application/octet-stream" },
        responseType: "bytes",
        operation: "attachments.show",
        accept: [404],
      });
      if (res.status === 404) return undefined;
      return {
        bytes: res.data,
        contentType: res.headers.get("content-type") ?? "application/octet-stream",
        filename: filenameOf(res.headers.get("content-disposition")),
      };
    },

    /** One entry with its activity type and creator; `undefined` when it does not exist. */
    async entry(ctx: OperationContext, id: string): Promise<CapsuleEntry | undefined> {
      const res = await call<{ entry?: CapsuleEntry }>(ctx, {
        method: "GET",
        path: `${API}/entries/${encodeURIComponent(id)}`,
        query: { embed: "activityType,creator" },
        operation: "entries.show",
        accept: [404],
      });
      return res.status === 404 ? undefined : res.data?.entry;
    },

    /** The user the token belongs to (`GET /api/v2/users/current`). */
    async currentUser(ctx: OperationContext): Promise<{ id?: unknown; username?: unknown } | undefined> {
      const res = await call<{ user?: { id?: unknown; username?: unknown } }>(ctx, {
        method: "GET",
        path: `${API}/users/current`,
        operation: "users.current",
      });
      return res.data?.user;
    },

    /** Whether a record still answers (`GET` is not 404). */
    async exists(
      ctx: OperationContext,
      kind: "parties" | "opportunities" | "kases" | "entries" | "tasks",
      id: string,
    ) {
      const res = await call(ctx, {
        method: "GET",
        path: `${API}/${kind}/${encodeURIComponent(id)}`,
        operation: `${kind}.show`,
        responseType: "none",
        accept: [404],
      });
      return res.status !== 404;
    },

    deleteParty: (ctx: OperationContext, id: string) =>
      deleteAnswer(ctx, `${API}/parties/${encodeURIComponent(id)}`, "parties.delete"),
    deleteEntry: (ctx: OperationContext, id: number) =>
      deleteAnswer(ctx, `${API}/entries/${id}`, "entries.delete"),
    deleteOpportunity: (ctx: OperationContext, id: number) =>
      deleteAnswer(ctx, `${API}/opportunities/${id}`, "opportunities.delete"),
    deleteKase: (ctx: OperationContext, id: number) =>
      deleteAnswer(ctx, `${API}/kases/${id}`, "kases.delete"),
    deleteTask: (ctx: OperationContext, id: number) =>
      deleteAnswer(ctx, `${API}/tasks/${id}`, "tasks.delete"),

    /** Ids of parties deleted since `since` (ISO 8601). */
    async deletedPartyIds(ctx: OperationContext, since: string): Promise<Set<string>> {
      const rows = await all<{ id: number }>(
        ctx,
        {
          method: "GET",
          path: `${API}/parties/deleted`,
          query: { since, perPage: 100 },
          operation: "parties.deleted",
        },
        "parties",
      );
      return new Set(rows.map((r) => String(r.id)));
    },

    /** A job's state; `undefined` when Capsule no longer knows it. */
    async job(ctx: OperationContext, id: string): Promise<CapsuleJob | undefined> {
      const res = await call<{ job?: CapsuleJob }>(ctx, {
        method: "GET",
        path: `${API}/jobs/${encodeURIComponent(id)}`,
        operation: "jobs.show",
        accept: [404],
      });
      return res.status === 404 ? undefined : res.data?.job;
    },
  };
}

/** The Capsule API client the adapter uses. */
export type CapsuleApi = ReturnType<typeof createCapsuleApi>;
