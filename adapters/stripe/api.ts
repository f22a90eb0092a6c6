/**
 * Calls to Stripe: the SDK client (imported lazily, `maxNetworkRetries: 0`), one honest attempt per
 * call with `ctx.rateLimit()` and the abort signal honoured, cursor pagination, error
 * classification, and the raw HTTP client for the redaction-job preview API.
 */
import type Stripe from "stripe";
import type { OperationContext, RateLimitBucket } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { toFanoutError } from "../../src/http/classify.js";
import { createHttpClient, type HttpClient } from "../../src/http/client.js";
import { phoneFormats } from "../../src/phone.js";
import { subjectIdentifiers } from "../../src/subject.js";

/** A Stripe object as far as the adapter needs to know it. */
export interface StripeRecord {
  readonly id: string;
  readonly object: string;
  readonly deleted?: boolean;
  readonly [key: string]: unknown;
}

interface Page {
  readonly data: StripeRecord[];
  readonly has_more: boolean;
}

/** A page of a search (`object: "search_result"`), paged by `next_page`. */
interface SearchPage extends Page {
  readonly next_page?: string | null;
}

type Params = Record<string, unknown>;
type ListFn = (params: Params) => Promise<Page>;
type UpdateFn = (id: string, params: Params) => Promise<StripeRecord>;

/** The slice of the `stripe` SDK this adapter calls. */
export interface StripeSlice {
  customers: {
    list: ListFn;
    search(params: Params): Promise<SearchPage>;
    retrieve(id: string): Promise<StripeRecord>;
    del(id: string): Promise<StripeRecord>;
    listPaymentMethods(id: string, params: Params): Promise<Page>;
    listTaxIds(id: string, params: Params): Promise<Page>;
    listBalanceTransactions(id: string, params: Params): Promise<Page>;
  };
  charges: { list: ListFn; update: UpdateFn };
  invoices: { list: ListFn; update: UpdateFn };
  paymentIntents: { list: ListFn; update: UpdateFn };
  setupIntents: { list: ListFn };
  checkout: { sessions: { list: ListFn } };
  quotes: { list: ListFn };
  refunds: { list: ListFn };
  disputes: { list: ListFn };
  subscriptionSchedules: { list: ListFn };
  files: { retrieve(id: string): Promise<StripeRecord> };
  subscriptions: { list: ListFn; update: UpdateFn };
  creditNotes: { list: ListFn };
}

/**
 * The Search API's own budget: "up to 20 read operations per second … for all search endpoints"
 * (https://docs.stripe.com/search#rate-limits), on top of the account's global limit.
 */
export const SEARCH_BUCKET = { key: "search", requests: 20, intervalMs: 1000 } as const;

/** Connection settings shared by the SDK client and the raw client. */
export interface StripeConnection {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly stripeVersion: string | undefined;
  readonly previewVersion: string;
  readonly client: Stripe | undefined;
}

const PAGE_LIMIT = 100;

/** A Stripe API session: the lazily created SDK client and raw client. */
export class StripeApi {
  private sdk: Promise<StripeSlice> | undefined;
  private raw: HttpClient | undefined;

  constructor(private readonly conn: StripeConnection) {}

  private client(): Promise<StripeSlice> {
    this.sdk ??= (async () => {
      if (this.conn.client) return this.conn.client as unknown as StripeSlice;
      const { default: StripeSdk } = await import("stripe");
      const url = new URL(this.conn.baseUrl);
      const protocol = url.protocol === "http:" ? "http" : "https";
      const config: Stripe.StripeConfig = {
        maxNetworkRetries: 0,
        host: url.hostname,
        port: url.port ? Number(url.port) : protocol === "http" ? 80 : 443,
        protocol,
        telemetry: false,
        timeout: 30_000,
      };
      if (this.conn.stripeVersion) config.apiVersion = this.conn.stripeVersion as Stripe.LatestApiVersion;
      return new StripeSdk(this.conn.apiKey, config) as unknown as StripeSlice;
    })();
    return this.sdk;
  }

  /** The raw client for preview endpoints the SDK does not cover (redaction jobs). */
  rawClient(): HttpClient {
    this.raw ??= createHttpClient({
      provider: "stripe",
      baseUrl: this.conn.baseUrl,
      headers: { authorization: `Bearer ${this.conn.apiKey}`, "stripe-version": this.conn.previewVersion },
      secrets: [this.conn.apiKey],
      parseError: (body) => {
        const code = (body as { error?: { code?: unknown; type?: unknown } } | null)?.error;
        const providerCode =
          typeof code?.code === "string" ? code.code : typeof code?.type === "string" ? code.type : undefined;
        return providerCode === undefined ? undefined : { providerCode };
      },
    });
    return this.raw;
  }

  /**
   * Strings no error may contain: the key, the subject's identifiers, and the forms of its phone
   * number the search query carries (an error may echo the query).
   */
  redactions(ctx: OperationContext): string[] {
    const phone = ctx.subject.phone;
    return [this.conn.apiKey, ...subjectIdentifiers(ctx.subject), ...(phone ? phoneFormats(phone) : [])];
  }

  /** One SDK call: rate limit (and an endpoint's own budget), abort check, classification. */
  async call<T>(
    ctx: OperationContext,
    operation: string,
    fn: (sdk: StripeSlice) => Promise<T>,
    bucket?: RateLimitBucket,
  ): Promise<T> {
    const classify = (error: unknown) =>
      classifyStripeError(error, operation, this.redactions(ctx), ctx.signal);
    if (ctx.signal.aborted) throw classify(ctx.signal.reason);
    const sdk = await this.client();
    await (bucket ? ctx.rateLimit(bucket) : ctx.rateLimit());
    if (ctx.signal.aborted) throw classify(ctx.signal.reason);
    // The SDK takes no AbortSignal: race the call so an abort returns at once.
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(ctx.signal.reason);
      ctx.signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([fn(sdk), aborted]);
    } catch (error) {
      throw classify(error);
    } finally {
      if (onAbort) ctx.signal.removeEventListener("abort", onAbort);
    }
  }

  /** Every item of a cursor-paginated list, one page per call. */
  async listAll(
    ctx: OperationContext,
    operation: string,
    page: (sdk: StripeSlice, params: Params) => Promise<Page>,
    params: Params = {},
  ): Promise<StripeRecord[]> {
    const out: StripeRecord[] = [];
    let after: string | undefined;
    for (;;) {
      const query: Params = { ...params, limit: PAGE_LIMIT };
      if (after !== undefined) query.starting_after = after;
      const result = await this.call(ctx, operation, (sdk) => page(sdk, query));
      out.push(...result.data);
      const last = result.data.at(-1);
      if (!result.has_more || last === undefined) return out;
      after = last.id;
    }
  }

  /** Every item of a search, one page per call (`page` / `next_page`), under the search budget. */
  async searchAll(
    ctx: OperationContext,
    operation: string,
    search: (sdk: StripeSlice, params: Params) => Promise<SearchPage>,
    query: string,
  ): Promise<StripeRecord[]> {
    const out: StripeRecord[] = [];
    let page: string | undefined;
    for (;;) {
      const params: Params = { query, limit: PAGE_LIMIT };
      if (page !== undefined) params.page = page;
      const result = await this.call(ctx, operation, (sdk) => search(sdk, params), SEARCH_BUCKET);
      out.push(...result.data);
      if (!result.has_more || typeof result.next_page !== "string") return out;
      page = result.next_page;
    }
  }
}

/** Classifies an SDK error (or anything else thrown) as a `FanoutError`. */
export function classifyStripeError(
  error: unknown,
  operation: string,
  redact: readonly string[],
  signal: AbortSignal,
): FanoutError {
  const e = error as { type?: unknown; statusCode?: unknown; message?: unknown } | null;
  if (
    !signal.aborted &&
    e?.type === "StripeAPIError" &&
    e.statusCode === undefined &&
    typeof e.message === "string" &&
    e.message.includes("Invalid JSON")
  ) {
    return new FanoutError("PROVIDER_RESPONSE", `stripe ${operation} returned malformed JSON`, {
      provider: "stripe",
      operation,
      cause: error,
      redact,
      retryable: true,
    });
  }
  return toFanoutError(error, { provider: "stripe", operation, redact, signal });
}

/** True for Stripe's "no such object" answer. */
export function isResourceMissing(error: unknown): boolean {
  return error instanceof FanoutError && error.status === 404;
}
