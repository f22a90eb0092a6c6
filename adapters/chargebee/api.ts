/**
 * Calls to the Chargebee API v2 through the official `chargebee` v3 SDK: a client per operation
 * (so each request carries the operation's abort signal), offset pagination, the business-entity
 * and idempotency headers, and SDK errors turned into {@link FanoutError}s.
 */
import type { OperationContext } from "../../src/adapter.js";
import { ConfigurationError, FanoutError } from "../../src/errors.js";
import { toFanoutError } from "../../src/http/classify.js";
import { phoneFormats } from "../../src/phone.js";
import { subjectIdentifiers } from "../../src/subject.js";

/** A Chargebee resource as the API returns it. */
export type CbResource = Record<string, unknown> & { id: string };

/** What a list call returns. */
export interface CbList {
  list: Record<string, CbResource>[];
  next_offset?: string;
}

type Headers = Record<string, string>;
type ListCall = (params: object, headers?: Headers) => Promise<CbList>;

/**
 * The slice of the `chargebee` v3 client this adapter calls. Methods with an id in the URL take
 * `(id, params, headers)`, the others `(params, headers)`, as the SDK does.
 */
export interface ChargebeeClientLike {
  customer: {
    list(params: object, headers?: Headers): Promise<CbList>;
    retrieve(id: string, params?: object, headers?: Headers): Promise<{ customer: CbResource }>;
    contactsForCustomer(id: string, params?: object, headers?: Headers): Promise<CbList>;
    clearPersonalData(id: string, params?: object, headers?: Headers): Promise<{ customer: CbResource }>;
    delete(id: string, params?: object, headers?: Headers): Promise<{ customer: CbResource }>;
  };
  subscription: {
    list(params: object, headers?: Headers): Promise<CbList>;
    retrieve(id: string, params?: object, headers?: Headers): Promise<{ subscription: CbResource }>;
    cancelForItems(id: string, params?: object, headers?: Headers): Promise<{ subscription: CbResource }>;
    cancel(id: string, params?: object, headers?: Headers): Promise<{ subscription: CbResource }>;
    removeScheduledCancellation(
      id: string,
      params?: object,
      headers?: Headers,
    ): Promise<{ subscription: CbResource }>;
  };
  invoice: {
    list: ListCall;
    pdf(id: string, params?: object, headers?: Headers): Promise<{ download: CbDownload }>;
  };
  creditNote: {
    list: ListCall;
    pdf(id: string, params?: object, headers?: Headers): Promise<{ download: CbDownload }>;
  };
  transaction: { list: ListCall };
  paymentSource: { list: ListCall; delete(id: string, params?: object, headers?: Headers): Promise<unknown> };
  comment: {
    list(params: object, headers?: Headers): Promise<CbList>;
    create(params: object, headers?: Headers): Promise<{ comment: CbResource }>;
    delete(id: string, params?: object, headers?: Headers): Promise<unknown>;
  };
}

/** `GET …/pdf` result: a short-lived download URL. */
export interface CbDownload {
  download_url: string;
  valid_till: number;
  mime_type?: string;
}

/** Resolved connection settings. */
export interface ChargebeeConnection {
  /** Full site name the SDK calls (`acme` or `acme-test`). */
  readonly site: string;
  readonly apiKey: string;
  readonly baseUrl: string | undefined;
  readonly businessEntityId: string | undefined;
  readonly timeoutMs: number;
  readonly client: ChargebeeClientLike | undefined;
}

type ChargebeeCtor = new (config: Record<string, unknown>) => ChargebeeClientLike;
let sdk: Promise<ChargebeeCtor> | undefined;

function loadSdk(): Promise<ChargebeeCtor> {
  sdk ??= import("chargebee").then(
    (m) => m.default as unknown as ChargebeeCtor,
    (error: unknown) => {
      sdk = undefined;
      throw new ConfigurationError(
        "chargebeeAdapter needs the chargebee package (v3): npm install chargebee",
        {
          provider: "chargebee",
          option: "client",
          cause: error,
        },
      );
    },
  );
  return sdk;
}

/**
 * An SDK `httpClient` that sends the SDK's request to `baseUrl` (when set) with the operation's
 * abort signal and the SDK's timeout.
 */
function signalledHttpClient(baseUrl: string | undefined, signal: AbortSignal) {
  const base = baseUrl ? new URL(baseUrl.replace(/\/+$/, "").replace(/\/api\/v2$/, "")) : undefined;
  return {
    async makeApiRequest(request: Request, timeout: number): Promise<Response> {
      const url = new URL(request.url);
      const target = base
        ? new URL(`${base.pathname.replace(/\/$/, "")}${url.pathname}${url.search}`, base.origin)
        : url;
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.text();
      return fetch(target, {
        method: request.method,
        headers: request.headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeout)]),
      });
    },
  };
}

/** One operation's view of Chargebee: every call rate-limited, signalled, classified. */
export class ChargebeeApi {
  private client: ChargebeeClientLike | undefined;

  constructor(
    private readonly connection: ChargebeeConnection,
    private readonly ctx: OperationContext,
  ) {}

  private async sdkClient(): Promise<ChargebeeClientLike> {
    if (this.client) return this.client;
    if (this.connection.client) {
      this.client = this.connection.client;
      return this.client;
    }
    const Chargebee = await loadSdk();
    this.client = new Chargebee({
      site: this.connection.site,
      apiKey: this.connection.apiKey,
      timeout: this.connection.timeoutMs,
      // The engine retries (durably, honouring Retry-After); the SDK must not.
      retryConfig: { enabled: false },
      sdkTelemetryEnabled: false,
      httpClient: signalledHttpClient(this.connection.baseUrl, this.ctx.signal),
    });
    return this.client;
  }

  /** Headers for one call: business entity always, an idempotency key on POSTs. */
  headers(idempotencyKey?: string): Headers {
    const headers: Headers = {};
    if (this.connection.businessEntityId)
      headers["chargebee-business-entity-id"] = this.connection.businessEntityId;
    if (idempotencyKey) headers["chargebee-idempotency-key"] = idempotencyKey.slice(0, 100);
    return headers;
  }

  /** Runs one SDK call: waits for the shared rate limiter, classifies failures. */
  async call<T>(operation: string, fn: (client: ChargebeeClientLike) => Promise<T>): Promise<T> {
    const client = await this.sdkClient();
    if (this.ctx.signal.aborted) throw this.classify(this.ctx.signal.reason, operation);
    await this.ctx.rateLimit();
    try {
      return await fn(client);
    } catch (error) {
      throw this.classify(error, operation);
    }
  }

  /** Like {@link call}, but a 404 `resource_not_found` yields `undefined`. */
  async optional<T>(
    operation: string,
    fn: (client: ChargebeeClientLike) => Promise<T>,
  ): Promise<T | undefined> {
    try {
      return await this.call(operation, fn);
    } catch (error) {
      if (error instanceof FanoutError && error.code === "NOT_FOUND") return undefined;
      throw error;
    }
  }

  /** Reads every page of a list call (`limit` 100, `offset` = previous `next_offset`). */
  async listAll(
    operation: string,
    kind: string,
    fn: (client: ChargebeeClientLike, params: Record<string, unknown>) => Promise<CbList>,
    params: Record<string, unknown>,
  ): Promise<CbResource[]> {
    const out: CbResource[] = [];
    let offset: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      // The SDK mutates the params object it is given (filters are flattened in place).
      const pageParams = structuredClone({ ...params, limit: 100, ...(offset ? { offset } : {}) });
      const result = await this.call(operation, (client) => fn(client, pageParams));
      for (const entry of result.list ?? []) {
        const record = entry[kind];
        if (record) out.push(record);
      }
      offset =
        typeof result.next_offset === "string" && result.next_offset.length > 0
          ? result.next_offset
          : undefined;
      if (!offset) return out;
    }
    throw new FanoutError("PROVIDER_RESPONSE", `chargebee ${operation} did not stop paginating`, {
      provider: "chargebee",
      operation,
    });
  }

  /** Strings that must never appear in an error: the key and the subject's identifiers. */
  private redactions(): string[] {
    const phone = this.ctx.subject.phone;
    return [
      this.connection.apiKey,
      ...subjectIdentifiers(this.ctx.subject),
      ...(phone === undefined ? [] : phoneFormats(phone)),
    ];
  }

  classify(error: unknown, operation: string): FanoutError {
    return toFanoutError(normaliseSdkError(error), {
      provider: "chargebee",
      operation,
      redact: this.redactions(),
      signal: this.ctx.signal,
    });
  }
}

/**
 * The SDK rejects with the parsed error body (a plain object with `http_status_code`, `headers`,
 * `api_error_code`, `message`) or a `ChargebeeError`. Rebuild it as an `Error` carrying only what
 * classification needs: provider messages can echo identifiers, so they are left behind.
 */
function normaliseSdkError(error: unknown): unknown {
  if (error instanceof FanoutError || typeof error !== "object" || error === null) return error;
  const e = error as Record<string, unknown>;
  const status = typeof e.http_status_code === "number" ? e.http_status_code : undefined;
  if (status === undefined) return error;
  // A body the SDK could not parse: it reports 503/504 as such and every other status as 500, so a
  // 500 here may have been a 200 with a broken body. Say what is known: an unreadable response.
  const detail = e.detail as { name?: unknown } | undefined;
  if (status === 500 && detail?.name === "SyntaxError") {
    return new SyntaxError("Chargebee returned a body that is not JSON");
  }
  const code = typeof e.api_error_code === "string" ? e.api_error_code : undefined;
  const normalised = new Error(`Chargebee API error${code ? ` ${code}` : ""}`);
  normalised.name = "ChargebeeApiError";
  return Object.assign(normalised, {
    status,
    headers: e.headers,
    ...(code === undefined ? {} : { api_error_code: code }),
    ...(typeof e.type === "string" ? { errorType: e.type } : {}),
  });
}
