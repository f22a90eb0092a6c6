/**
 * The HubSpot calls the adapter makes, on `@hubspot/api-client` 13.5 (the last line that runs on
 * Node 20), plus `client.apiRequest` for Communication Preferences v4, which that SDK lacks.
 *
 * SDK habits this file works around:
 * - The SDK retries and rate-limits only when asked (`numberOfApiCallRetries`, `limiterOptions`);
 *   we ask for neither: retries and pacing belong to the saga engine. Its decorators are kept in a
 *   process-wide singleton applied when an API object is first touched, so the client we build
 *   touches every API it needs right away, before another `Client` could install its own.
 * - Its generated models drop fields they do not know, such as `policyName` of a 429 body, so a
 *   response middleware keeps the raw body of every error response.
 * - It takes no `AbortSignal`: each call is raced against `ctx.signal` and the adapter stops
 *   waiting when it aborts (the request itself runs to its end).
 */
import type { Client } from "@hubspot/api-client";
import type { OperationContext, RateLimitBucket } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { toFanoutError } from "../../src/http/classify.js";
import { abortable, errorBody, keepErrorBodies, PROVIDER, parseJson, statusOf, toError } from "./errors.js";

/** The contact properties that hold phone numbers (HubSpot's default ones). */
export const PHONE_PROPERTIES = ["phone", "mobilephone"] as const;

/** The engagement object types the adapter reads. */
export const ENGAGEMENT_TYPES = ["calls", "notes", "emails", "meetings", "tasks"] as const;
export type EngagementType = (typeof ENGAGEMENT_TYPES)[number];

/** A CRM object as the adapter keeps it: plain JSON. */
export interface CrmObject {
  readonly id: string;
  readonly properties: Record<string, string | null>;
  readonly [key: string]: unknown;
}
const BATCH_READ_MAX = 100;
const ASSOCIATIONS_PAGE = 500;
/** Inputs per batch association read: HubSpot takes more [U]; 100 keeps one request small. */
const BATCH_ASSOCIATIONS_MAX = 100;
/** Results per search page (the spec's maximum is 200). */
const SEARCH_PAGE = 100;
/**
 * The CRM search endpoints' own budget: four requests per second per token (developers.hubspot.com
 * changelog "CRM Search API Rate Limit Increase"), counted apart from the ten-second budget (the
 * specs mark search `x-hubspot-rate-limit-exemptions: ["ten-secondly"]`).
 */
export const SEARCH_BUDGET: RateLimitBucket = { key: "search", requests: 4, intervalMs: 1_000 };

/** Record types an engagement can be associated with besides the subject's contact. */
export const SHARED_WITH_TYPES = ["contacts", "companies", "deals", "tickets"] as const;
export type SharedWithType = (typeof SHARED_WITH_TYPES)[number];

/** Builds the SDK client the adapter uses when none is injected. */
export async function createClient(accessToken: string, baseUrl: string): Promise<Client> {
  const { Client: SdkClient } = await import("@hubspot/api-client");
  const client = new SdkClient({
    accessToken,
    basePath: baseUrl.replace(/\/+$/, ""),
    numberOfApiCallRetries: 0,
    middleware: [keepErrorBodies],
  });
  // Touch every API now, while the decorator singleton holds this client's (empty) decorators.
  void client.crm.contacts.basicApi;
  void client.crm.contacts.searchApi;
  void client.crm.associations.v4.basicApi;
  void client.crm.associations.v4.batchApi;
  for (const type of ENGAGEMENT_TYPES) void client.crm.objects[type].basicApi;
  void client.crm.objects.calls.searchApi;
  void client.files.filesApi;
  return client;
}

/** One HubSpot account, seen through the SDK. Every method makes one attempt per request. */
export class HubspotApi {
  constructor(
    private readonly client: () => Promise<Client>,
    private readonly secrets: readonly string[],
  ) {}

  /** Runs one SDK call: rate limit, abort, error mapping; `undefined` for a 404 when `missingOk`. */
  async call<T>(
    ctx: OperationContext,
    operation: string,
    redact: readonly string[],
    run: (client: Client) => Promise<T>,
    missingOk = false,
    bucket?: RateLimitBucket,
  ): Promise<T | undefined> {
    const scrub = [...this.secrets, ...redact];
    try {
      ctx.signal.throwIfAborted();
      await ctx.rateLimit(bucket);
      const client = await this.client();
      return await abortable(run(client), ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted || error instanceof FanoutError) {
        throw toFanoutError(error, { provider: PROVIDER, operation, redact: scrub, signal: ctx.signal });
      }
      const status = statusOf(error);
      if (status === undefined) throw toFanoutError(error, { provider: PROVIDER, operation, redact: scrub });
      if (missingOk && status === 404) return undefined;
      const headers = ((error as { headers?: unknown }).headers ?? {}) as Record<string, string>;
      const body = errorBody(headers) ?? ((error as { body?: unknown }).body as Record<string, unknown>);
      throw toError(status, headers, body, error, operation, scrub);
    }
  }

  /** A raw request for endpoints the SDK lacks; JSON in, JSON out; `undefined` for a 404 when `missingOk`. */
  private async raw(
    ctx: OperationContext,
    operation: string,
    redact: readonly string[],
    request: { method: "GET" | "POST"; path: string; qs?: Record<string, string> },
    missingOk = false,
  ): Promise<Record<string, unknown> | undefined> {
    const scrub = [...this.secrets, ...redact];
    return this.call(ctx, operation, redact, async (client) => {
      const response = await client.apiRequest(request);
      const text = await response.text();
      if (missingOk && response.status === 404) return undefined;
      if (response.status >= 200 && response.status < 300) {
        const body = parseJson(text);
        if (body === undefined && text.trim().length > 0) {
          throw new FanoutError("PROVIDER_RESPONSE", `${PROVIDER} ${operation} returned malformed JSON`, {
            provider: PROVIDER,
            operation,
            status: response.status,
            retryable: true,
          });
        }
        return body;
      }
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      throw toError(
        response.status,
        headers,
        parseJson(text),
        new Error(`HTTP ${response.status}`),
        operation,
        scrub,
      );
    });
  }

  /** `GET /crm/v3/objects/contacts/{id}` by record id or (`byEmail`) by `idProperty=email`. */
  async contact(
    ctx: OperationContext,
    key: { id: string } | { email: string },
    properties: readonly string[],
    history: readonly string[] = [],
    redact: readonly string[] = [],
  ): Promise<CrmObject | undefined> {
    const byEmail = "email" in key;
    const contactId = byEmail ? key.email : key.id;
    const found = await this.call(
      ctx,
      byEmail ? "contacts.getByEmail" : "contacts.getById",
      redact,
      (c) =>
        c.crm.contacts.basicApi.getById(
          contactId,
          [...properties],
          history.length > 0 ? [...history] : undefined,
          undefined,
          false,
          byEmail ? "email" : undefined,
        ),
      true,
    );
    return found === undefined ? undefined : (JSON.parse(JSON.stringify(found)) as CrmObject);
  }

  /** Every engagement id of `type` associated with the contact; `undefined` when the contact is gone. */
  async associatedIds(
    ctx: OperationContext,
    contactId: string,
    type: EngagementType,
  ): Promise<string[] | undefined> {
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const page = await this.call(
        ctx,
        `associations.${type}.list`,
        [],
        (c) => c.crm.associations.v4.basicApi.getPage("contacts", contactId, type, after, ASSOCIATIONS_PAGE),
        true,
      );
      if (page === undefined) return ids.length > 0 ? ids : undefined;
      for (const result of page.results) ids.push(String(result.toObjectId));
      after = page.paging?.next?.after;
    } while (after);
    return ids;
  }

  /**
   * `POST /crm/v3/objects/contacts/search`: contacts whose `phone` or `mobilephone` is one of
   * `forms` (exact stored text: see docs/adapters/hubspot.md). Search is eventually consistent.
   */
  async searchContactsByPhone(
    ctx: OperationContext,
    forms: readonly string[],
    redact: readonly string[],
  ): Promise<CrmObject[]> {
    const out: CrmObject[] = [];
    const filterGroups = PHONE_PROPERTIES.map((propertyName) => ({
      filters: [{ propertyName, operator: "IN" as never, values: [...forms] }],
    }));
    let after: string | undefined;
    do {
      const page = await this.call(
        ctx,
        "contacts.search",
        // The forms are the subject's number too: HubSpot may echo one in an error body.
        [...redact, ...forms],
        (c) =>
          c.crm.contacts.searchApi.doSearch({
            filterGroups,
            properties: [...PHONE_PROPERTIES],
            limit: SEARCH_PAGE,
            ...(after ? { after } : {}),
          }),
        false,
        SEARCH_BUDGET,
      );
      for (const result of page?.results ?? []) out.push(JSON.parse(JSON.stringify(result)) as CrmObject);
      after = page?.paging?.next?.after;
    } while (after);
    return out;
  }

  /**
   * `POST /crm/v4/associations/{type}/{toType}/batch/read`: the ids each engagement is associated
   * with, every page; an engagement with none is absent from the map.
   */
  async associatedWith(
    ctx: OperationContext,
    type: EngagementType,
    toType: SharedWithType,
    ids: readonly string[],
  ): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (let i = 0; i < ids.length; i += BATCH_ASSOCIATIONS_MAX) {
      let inputs: { id: string; after?: string }[] = ids
        .slice(i, i + BATCH_ASSOCIATIONS_MAX)
        .map((id) => ({ id }));
      while (inputs.length > 0) {
        const response = await this.call(ctx, `associations.${type}.${toType}.batchRead`, [], (c) =>
          c.crm.associations.v4.batchApi.getPage(type, toType, { inputs }),
        );
        const next: { id: string; after: string }[] = [];
        for (const result of response?.results ?? []) {
          const from = String(result._from.id);
          const targets = out.get(from) ?? [];
          for (const to of result.to) targets.push(String(to.toObjectId));
          out.set(from, targets);
          const after = result.paging?.next?.after;
          if (after) next.push({ id: from, after });
        }
        inputs = next;
      }
    }
    return out;
  }

  /**
   * `POST /crm/v3/objects/{type}/batch/read` in chunks of 100; missing ids are left out. With
   * `archived`, reads the records in the recycle bin instead of the live ones.
   */
  async batchRead(
    ctx: OperationContext,
    type: EngagementType,
    ids: readonly string[],
    properties: readonly string[],
    redact: readonly string[] = [],
    archived = false,
  ): Promise<CrmObject[]> {
    const out: CrmObject[] = [];
    for (let i = 0; i < ids.length; i += BATCH_READ_MAX) {
      const inputs = ids.slice(i, i + BATCH_READ_MAX).map((id) => ({ id }));
      const response = await this.call(ctx, `${type}.batchRead`, redact, (c) =>
        c.crm.objects[type].batchApi.read(
          { inputs, properties: [...properties], propertiesWithHistory: [] },
          archived ? true : undefined,
        ),
      );
      for (const result of response?.results ?? []) out.push(JSON.parse(JSON.stringify(result)) as CrmObject);
    }
    return out;
  }

  /**
   * `POST /crm/v3/objects/{type}/batch/archive` in chunks of 100 (204, no per-id result; the CRM
   * batch endpoints take 100 inputs, see docs/adapters/hubspot.md). Callers pass ids they have just
   * read as live, and count those.
   */
  async archiveBatch(ctx: OperationContext, type: EngagementType, ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += BATCH_READ_MAX) {
      const inputs = ids.slice(i, i + BATCH_READ_MAX).map((id) => ({ id }));
      await this.call(ctx, `${type}.batchArchive`, [], (c) =>
        c.crm.objects[type].batchApi.archive({ inputs }),
      );
    }
  }

  /** `GET /files/v3/files/{fileId}`; `undefined` when it does not exist. */
  async file(ctx: OperationContext, fileId: string): Promise<Record<string, unknown> | undefined> {
    const file: unknown = await this.call(
      ctx,
      "files.getById",
      [],
      (c) => c.files.filesApi.getById(fileId),
      true,
    );
    return file === undefined ? undefined : (JSON.parse(JSON.stringify(file)) as Record<string, unknown>);
  }

  /** `DELETE /files/v3/files/{fileId}/gdpr-delete`. False when it was already gone. */
  async gdprDeleteFile(ctx: OperationContext, fileId: string): Promise<boolean> {
    const done = await this.call(
      ctx,
      "files.gdprDelete",
      [],
      async (c) => {
        await c.files.filesApi._delete(fileId);
        return true;
      },
      true,
    );
    return done === true;
  }

  /** `POST /crm/v3/objects/contacts/gdpr-delete` by record id. False when it was already gone. */
  async gdprDeleteContact(ctx: OperationContext, contactId: string): Promise<boolean> {
    const done = await this.call(
      ctx,
      "contacts.gdprDelete",
      [],
      async (c) => {
        await c.crm.contacts.basicApi.purge({ objectId: contactId });
        return true;
      },
      true,
    );
    return done === true;
  }

  /** `GET /communication-preferences/v4/statuses/{email}?channel=EMAIL` */
  async preferenceStatuses(
    ctx: OperationContext,
    email: string,
  ): Promise<Record<string, unknown> | undefined> {
    return this.raw(
      ctx,
      "communicationPreferences.statuses",
      [email],
      {
        method: "GET",
        path: `/communication-preferences/v4/statuses/${encodeURIComponent(email)}`,
        qs: { channel: "EMAIL" },
      },
      true,
    );
  }

  /** `POST /communication-preferences/v4/statuses/{email}/unsubscribe-all?channel=EMAIL` */
  async unsubscribeAll(ctx: OperationContext, email: string): Promise<void> {
    await this.raw(ctx, "communicationPreferences.unsubscribeAll", [email], {
      method: "POST",
      path: `/communication-preferences/v4/statuses/${encodeURIComponent(email)}/unsubscribe-all`,
      qs: { channel: "EMAIL" },
    });
  }
}
