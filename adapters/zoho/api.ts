/**
 * The Zoho CRM v8 calls the adapter makes, over the shared fetch client: search, records, related
 * lists (page/per_page, `more_records`; Emails by `index`), attachment downloads, delete to the
 * recycle bin, and the recycle bin (list, purge, restore). Multi-record answers carry one status per
 * record inside `data[]` or `recycle_bin[]`; {@link itemFailure} turns a failed item into a typed error.
 * An answer without the list it should carry fails ({@link unexpected}): reading it as "nothing"
 * would export or verify less than there is without saying so.
 */
import type { OperationContext } from "../../src/adapter.js";
import { FanoutError, isFanoutError } from "../../src/errors.js";
import {
  createHttpClient,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
} from "../../src/http/client.js";
import { phoneFormats } from "../../src/phone.js";
import { subjectIdentifiers } from "../../src/subject.js";
import type { TokenManager } from "./auth.js";
import { type ItemStatus, parseZohoError, zohoRetryAfter } from "./errors.js";

export { type ItemStatus, itemFailure } from "./errors.js";

/** A Zoho record as JSON. */
export type ZohoRecordJson = Record<string, unknown> & { id?: unknown };

interface Page<T> {
  data?: T[];
  info?: { more_records?: boolean };
}

/** One entry of `GET /settings/recycle_bin` (display summary only; Zoho exposes no field values). */
export type BinEntry = Record<string, unknown> & { id: string; module?: { api_name?: unknown } };

/** A 2xx answer that is not shaped as the OAS says: never read as "nothing there". */
export function unexpected(operation: string, status: number, what: string): FanoutError {
  return new FanoutError("PROVIDER_RESPONSE", `zoho ${operation} answered HTTP ${status} without ${what}`, {
    provider: "zoho",
    operation,
    status,
    retryable: false,
  });
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Zoho CRM API v8 over one set of credentials. */
export class ZohoApi {
  private readonly clients = new Map<string, HttpClient>();

  constructor(
    private readonly tokens: TokenManager,
    private readonly timeoutMs: number | undefined,
  ) {}

  private client(apiDomain: string): HttpClient {
    let client = this.clients.get(apiDomain);
    if (!client) {
      client = createHttpClient({
        provider: "zoho",
        baseUrl: `${apiDomain}/crm/v8`,
        parseError: parseZohoError,
        retryAfter: zohoRetryAfter,
        ...(this.timeoutMs === undefined ? {} : { timeoutMs: this.timeoutMs }),
      });
      this.clients.set(apiDomain, client);
    }
    return client;
  }

  /** One API call; on `INVALID_TOKEN` the token is refreshed once and the call repeated once. */
  async request<T>(
    ctx: OperationContext,
    req: Omit<HttpRequest, "signal" | "headers">,
  ): Promise<HttpResponse<T>> {
    let token = await this.tokens.get(ctx);
    for (let attempt = 1; ; attempt++) {
      await ctx.rateLimit();
      try {
        return await this.client(token.apiDomain).request<T>({
          ...req,
          signal: ctx.signal,
          headers: { authorization: `Zoho-oauthtoken ${token.value}` },
          redact: [
            ...(req.redact ?? []),
            ...this.tokens.secrets(),
            ...subjectIdentifiers(ctx.subject),
            // The forms the phone search sends (national, spaced) are identifiers too.
            ...(ctx.subject.phone ? phoneFormats(ctx.subject.phone) : []),
          ],
        });
      } catch (error) {
        if (attempt === 1 && isFanoutError(error) && error.providerCode === "INVALID_TOKEN") {
          token = await this.tokens.renew(token.value, ctx);
          continue;
        }
        throw error;
      }
    }
  }

  /** Pages through a `{data, info.more_records}` list; 204 ends it. */
  private async pages<T>(
    ctx: OperationContext,
    path: string,
    query: Record<string, string>,
    operation: string,
    key: "data" | "recycle_bin" = "data",
  ): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; ; page++) {
      const res = await this.request<Record<string, unknown> | undefined>(ctx, {
        method: "GET",
        path,
        query: { ...query, page, per_page: 200 },
        operation,
      });
      if (res.status === 204) break;
      const list = res.data?.[key];
      if (!Array.isArray(list)) throw unexpected(operation, res.status, `a "${key}" list`);
      const items = list as T[];
      out.push(...items);
      const info = res.data?.info as Page<T>["info"];
      if (!info?.more_records || items.length === 0) break;
    }
    return out;
  }

  /** Searches a module by email or phone (204 = none). */
  search(ctx: OperationContext, module: string, by: { email: string } | { phone: string }) {
    return this.pages<ZohoRecordJson>(ctx, `/${module}/search`, by, `${module.toLowerCase()}.search`);
  }

  /**
   * One record, or undefined when it is not live. Exactly 204 means "not live" (in the recycle bin,
   * purged, or never there): Zoho's v8 status codes give 204 as "There is no content available for
   * the request". Anything else that is not the record fails: a 400 or 404 is an error, and a 200
   * without the record (the OAS allows an API_Exception body under 200) is `PROVIDER_RESPONSE`.
   */
  async getRecord(ctx: OperationContext, module: string, id: string): Promise<ZohoRecordJson | undefined> {
    const operation = `${module.toLowerCase()}.get`;
    const res = await this.request<Page<ZohoRecordJson> | undefined>(ctx, {
      method: "GET",
      path: `/${module}/${encodeURIComponent(id)}`,
      operation,
    });
    if (res.status === 204) return undefined;
    const record = res.data?.data?.[0];
    if (!record || String(record.id) !== id) throw unexpected(operation, res.status, "the record asked for");
    return record;
  }

  /** A related list (Notes, Attachments, Calls) of a record. */
  related(ctx: OperationContext, module: string, id: string, list: string, fields: string) {
    return this.pages<ZohoRecordJson>(
      ctx,
      `/${module}/${encodeURIComponent(id)}/${list}`,
      { fields },
      `${module.toLowerCase()}.${list.toLowerCase()}.list`,
    );
  }

  /** Downloads an attachment of a record. */
  async download(
    ctx: OperationContext,
    module: string,
    id: string,
    attachmentId: string,
  ): Promise<{ bytes: Uint8Array; contentType: string } | undefined> {
    const res = await this.request<Uint8Array>(ctx, {
      method: "GET",
      path: `/${module}/${encodeURIComponent(id)}/Attachments/${encodeURIComponent(attachmentId)}`,
      operation: `${module.toLowerCase()}.attachments.download`,
      responseType: "bytes",
      accept: [204],
    });
    if (res.status === 204) return undefined;
    return { bytes: res.data, contentType: res.headers.get("content-type") ?? "application/octet-stream" };
  }

  private async multi(
    ctx: OperationContext,
    req: Omit<HttpRequest, "signal" | "headers">,
    key: "data" | "recycle_bin",
  ): Promise<ItemStatus[]> {
    const res = await this.request<Record<string, unknown> | undefined>(ctx, { ...req, accept: [207, 400] });
    const items = res.data?.[key];
    if (Array.isArray(items)) return items as ItemStatus[];
    const info = parseZohoError(res.data);
    throw new FanoutError(
      info?.code ?? "PROVIDER_RESPONSE",
      `zoho ${req.operation} failed: HTTP ${res.status}`,
      {
        provider: "zoho",
        operation: req.operation,
        status: res.status,
        retryable: info?.retryable ?? false,
        ...(info?.providerCode ? { providerCode: info.providerCode } : {}),
      },
    );
  }

  /** Moves records to the recycle bin (`DELETE /{module}?ids=`, 100 per call). */
  async deleteRecords(ctx: OperationContext, module: string, ids: readonly string[]): Promise<ItemStatus[]> {
    const out: ItemStatus[] = [];
    for (const part of chunks(ids, 100)) {
      out.push(
        ...(await this.multi(
          ctx,
          {
            method: "DELETE",
            path: `/${module}`,
            query: { ids: part.join(",") },
            operation: `${module.toLowerCase()}.delete`,
          },
          "data",
        )),
      );
    }
    return out;
  }

  /** The recycle-bin entries of those of `ids` that are in the bin, by id. */
  async binEntries(ctx: OperationContext, ids: readonly string[]): Promise<Map<string, BinEntry>> {
    const found = new Map<string, BinEntry>();
    for (const part of chunks(ids, 100)) {
      const entries = await this.pages<{ id?: unknown }>(
        ctx,
        "/settings/recycle_bin",
        { ids: part.join(",") },
        "recycle_bin.list",
        "recycle_bin",
      );
      for (const entry of entries)
        if (typeof entry.id === "string" && part.includes(entry.id)) found.set(entry.id, entry as BinEntry);
    }
    return found;
  }

  /** Which of `ids` are in the recycle bin. */
  async inRecycleBin(ctx: OperationContext, ids: readonly string[]): Promise<Set<string>> {
    return new Set((await this.binEntries(ctx, ids)).keys());
  }

  /** Permanently deletes records from the recycle bin (children go with them). */
  async purge(ctx: OperationContext, ids: readonly string[]): Promise<ItemStatus[]> {
    const out: ItemStatus[] = [];
    for (const part of chunks(ids, 100)) {
      out.push(
        ...(await this.multi(
          ctx,
          {
            method: "DELETE",
            path: "/settings/recycle_bin",
            query: { ids: part.join(",") },
            operation: "recycle_bin.delete",
          },
          "recycle_bin",
        )),
      );
    }
    return out;
  }

  /**
   * Restores one record (and its notes and attachments) from the recycle bin. This endpoint is
   * documented on zoho.com (restore-recycle-bin-records) but missing from the `zoho/crm-oas` v8
   * spec and from the TypeScript SDK, hence a raw request.
   */
  async restore(ctx: OperationContext, id: string): Promise<ItemStatus> {
    const items = await this.multi(
      ctx,
      {
        method: "POST",
        path: `/settings/recycle_bin/${encodeURIComponent(id)}/actions/restore`,
        operation: "recycle_bin.restore",
      },
      "recycle_bin",
    );
    return items[0] ?? { status: "error", code: "EMPTY_RESPONSE" };
  }
}
