/**
 * A small HTTP client over `fetch` for adapters without a usable SDK (Zoho, Capsule) and for raw
 * calls next to an SDK (Stripe redaction jobs). One request = one attempt: retries belong to the
 * saga engine, which knows the retry policy and records attempts durably.
 *
 * What it guarantees: a per-attempt timeout; the caller's `AbortSignal` honoured (also while the
 * body is read); `Retry-After` (seconds or HTTP-date) read into `retryAfterMs`; a provider's error
 * body turned into `providerCode` through the adapter's `parseError`; every failure a
 * {@link FanoutError} whose message, cause and JSON form contain no credential, no query string and
 * no identifier given in `redact`.
 */
import { type ErrorCode, FanoutError, type FanoutErrorOptions } from "../errors.js";
import { codeForStatus, retryableStatus, toFanoutError } from "./classify.js";
import { parseRetryAfter } from "./retry-after.js";

/** What an adapter's `parseError` may say about a provider error body. */
export interface ProviderErrorInfo {
  /** The provider's own code (`resource_missing`, `INVALID_TOKEN`, …). */
  providerCode?: string;
  /** Overrides the code derived from the HTTP status (e.g. Zoho's `INVALID_TOKEN` on 401). */
  code?: ErrorCode;
  /** Overrides whether the failure is retryable. */
  retryable?: boolean;
}

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** Adapter id, used in error messages. */
  provider: string;
  /** Base URL; request paths are appended to it. */
  baseUrl: string;
  /** Headers sent with every request (credentials go here); may be computed per request. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Values that must never appear in an error (tokens, keys). Header values are added automatically. */
  secrets?: readonly string[];
  /**
   * Per-attempt timeout in milliseconds, covering the response body too.
   * @default 30000
   */
  timeoutMs?: number;
  /** The `fetch` to use. @default globalThis.fetch, looked up at call time (so nock can intercept it) */
  fetch?: typeof fetch;
  /** Reads the provider's error body. */
  parseError?: (body: unknown, status: number) => ProviderErrorInfo | undefined;
  /** Provider-specific wait hint (e.g. `X-RateLimit-Reset`), consulted when `Retry-After` is absent. */
  retryAfter?: (headers: Headers, body: unknown) => number | undefined;
}

/** Query values; arrays repeat the key. `undefined` values are left out. */
export type QueryValue = string | number | boolean | undefined | readonly (string | number)[];

/** One request. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path appended to the base URL (`/v1/customers`); encode path parameters with `encodeURIComponent`. */
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON body. */
  json?: unknown;
  /** Form-encoded body (`application/x-www-form-urlencoded`). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Name of the operation for errors and logs (`"parties.filter"`); must not contain identifiers. */
  operation: string;
  signal?: AbortSignal;
  /** @default "json" */
  responseType?: "json" | "text" | "bytes" | "none";
  /** Extra non-2xx statuses to return instead of throwing (e.g. `[404]` for look-ups). */
  accept?: readonly number[];
  /** Extra strings (identifiers) to scrub from errors. */
  redact?: readonly string[];
  /** Overrides the client's per-attempt timeout. */
  timeoutMs?: number;
}

/** A response. `data` is the parsed body (`undefined` when empty). */
export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

/** The client returned by {@link createHttpClient}. */
export interface HttpClient {
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
  /** The absolute URL a request would go to (no credentials are ever in it). */
  url(path: string, query?: Record<string, QueryValue>): string;
}

function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): string {
  const url = new URL(baseUrl.replace(/\/+$/, "") + (path.startsWith("/") ? path : `/${path}`));
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, String(v));
    else url.searchParams.append(key, String(value));
  }
  return url.toString();
}

/** Creates an {@link HttpClient}. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    url: (path, query) => buildUrl(options.baseUrl, path, query),
    async request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
      const baseHeaders =
        typeof options.headers === "function" ? await options.headers() : (options.headers ?? {});
      const headers: Record<string, string> = {
        accept: "application/json",
        ...baseHeaders,
        ...(req.headers ?? {}),
      };
      const redact = [
        ...(options.secrets ?? []),
        ...Object.values(baseHeaders).flatMap((v) => [v, ...v.split(/\s+/).slice(1)]),
        ...(req.redact ?? []),
      ];
      const ctx = { provider: options.provider, operation: req.operation, redact };
      let body: string | undefined;
      if (req.json !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(req.json);
      } else if (req.form !== undefined) {
        headers["content-type"] = "application/x-www-form-urlencoded";
        body = new URLSearchParams(req.form).toString();
      }
      const timeout = AbortSignal.timeout(req.timeoutMs ?? timeoutMs);
      const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
      const classify = (error: unknown): FanoutError => {
        if (req.signal?.aborted) return toFanoutError(error, { ...ctx, signal: req.signal });
        if (timeout.aborted) {
          return new FanoutError("TIMEOUT", `${options.provider} ${req.operation} timed out`, {
            ...ctx,
            cause: error,
          });
        }
        // Any other rejection (including nock's plain `Error`) is a network failure.
        return toFanoutError(error instanceof FanoutError ? error : asNetworkError(error), ctx);
      };
      if (req.signal?.aborted) throw classify(req.signal.reason);
      const doFetch = options.fetch ?? globalThis.fetch;
      let response: Response;
      try {
        const init: RequestInit = { method: req.method, headers, signal, redirect: "manual" };
        if (body !== undefined) init.body = body;
        response = await doFetch(buildUrl(options.baseUrl, req.path, req.query), init);
      } catch (error) {
        throw classify(error);
      }
      let raw: Uint8Array;
      try {
        raw = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        throw classify(error);
      }
      const ok =
        (response.status >= 200 && response.status < 300) || (req.accept ?? []).includes(response.status);
      if (!ok) throw errorFromResponse(response, raw, options, ctx);
      return {
        status: response.status,
        headers: response.headers,
        data: decodeBody(raw, req.responseType ?? "json", ctx) as T,
      };
    },
  };
}

function asNetworkError(error: unknown): unknown {
  // Keep SyntaxError etc. distinguishable; everything else from fetch is a transport failure.
  if (error instanceof Error && (error.name === "TypeError" || error.name === "Error")) {
    return Object.assign(new Error(error.message), {
      name: "NetworkError",
      code: (error as { code?: unknown }).code,
    });
  }
  return error;
}

function decodeBody(
  raw: Uint8Array,
  type: NonNullable<HttpRequest["responseType"]>,
  ctx: FanoutErrorOptions & { provider: string; operation: string },
): unknown {
  if (type === "none") return undefined;
  if (type === "bytes") return raw;
  const text = new TextDecoder().decode(raw);
  if (type === "text") return text;
  if (text.trim().length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FanoutError("PROVIDER_RESPONSE", `${ctx.provider} ${ctx.operation} returned malformed JSON`, {
      ...ctx,
      cause: error,
      retryable: true,
    });
  }
}

function errorFromResponse(
  response: Response,
  raw: Uint8Array,
  options: HttpClientOptions,
  ctx: { provider: string; operation: string; redact: readonly string[] },
): FanoutError {
  const status = response.status;
  let body: unknown;
  try {
    const text = new TextDecoder().decode(raw);
    body = text.trim() ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const info = body === undefined ? undefined : options.parseError?.(body, status);
  const code = info?.code ?? codeForStatus(status);
  const errorOptions: FanoutErrorOptions = {
    ...ctx,
    status,
    retryable: info?.retryable ?? (code === "RATE_LIMITED" ? true : retryableStatus(status)),
  };
  if (info?.providerCode !== undefined) errorOptions.providerCode = info.providerCode;
  const retryAfter =
    parseRetryAfter(response.headers.get("retry-after")) ?? options.retryAfter?.(response.headers, body);
  if (retryAfter !== undefined) errorOptions.retryAfterMs = retryAfter;
  const suffix = info?.providerCode ? ` (${info.providerCode})` : "";
  return new FanoutError(
    code,
    `${ctx.provider} ${ctx.operation} failed: HTTP ${status}${suffix}`,
    errorOptions,
  );
}
