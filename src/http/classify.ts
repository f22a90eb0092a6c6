/**
 * Turning HTTP statuses, network failures and SDK errors into {@link FanoutError}s with the right
 * code and `retryable` flag. Used by the shared HTTP client and by adapters built on provider SDKs.
 */
import { type ErrorCode, FanoutError, type FanoutErrorOptions } from "../errors.js";
import { missingPackage, missingPackageError } from "../missing-package.js";
import { parseRetryAfter } from "./retry-after.js";

/** The error code of an HTTP status that is not a success. */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return "AUTHENTICATION";
  if (status === 403) return "PERMISSION_DENIED";
  if (status === 404 || status === 410) return "NOT_FOUND";
  if (status === 408) return "TIMEOUT";
  if (status === 409) return "CONFLICT";
  if (status === 429) return "RATE_LIMITED";
  if (status >= 500) return "PROVIDER_UNAVAILABLE";
  if (status >= 400) return "VALIDATION";
  return "PROVIDER_RESPONSE";
}

/** Whether an error of this status is worth retrying (501 Not Implemented is not). */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501);
}

/** True for an abort caused by the caller's signal (as opposed to a timeout). */
export function isAbortError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === "AbortError" || (error as { code?: unknown }).code === "ABORT_ERR";
}

/** Context for {@link toFanoutError}. */
export interface ClassifyContext {
  provider: string;
  operation: string;
  /** Strings to scrub from messages: credentials, identifiers. */
  redact?: readonly string[];
  /** The caller's signal: an error after it aborted is classified `ABORTED`. */
  signal?: AbortSignal;
}

/**
 * Classifies anything an SDK or `fetch` may throw. Recognises `FanoutError`s (returned as is),
 * aborts, timeouts, the usual Node network error codes and the status fields SDKs put on their
 * errors (`status`, `statusCode`, `response.status`, `code` when numeric). Any other rejection is
 * `NETWORK`: under nock, a mocked connection failure rejects `fetch` with a plain `Error`.
 */
export function toFanoutError(error: unknown, ctx: ClassifyContext): FanoutError {
  if (error instanceof FanoutError) return error;
  const base: FanoutErrorOptions = { provider: ctx.provider, operation: ctx.operation, cause: error };
  if (ctx.redact) base.redact = ctx.redact;
  const pkg = missingPackage(error);
  if (pkg) return missingPackageError(pkg, ctx, error);
  if (ctx.signal?.aborted || isAbortError(error)) {
    return new FanoutError("ABORTED", `${ctx.provider} ${ctx.operation} was aborted`, {
      ...base,
      retryable: false,
    });
  }
  const status = statusOf(error);
  if (status !== undefined && status >= 300) {
    const options: FanoutErrorOptions = { ...base, status, retryable: retryableStatus(status) };
    const retryAfter = retryAfterOf(error);
    if (retryAfter !== undefined) options.retryAfterMs = retryAfter;
    const providerCode = providerCodeOf(error);
    if (providerCode !== undefined) options.providerCode = providerCode;
    const suffix = providerCode ? ` (${providerCode})` : "";
    return new FanoutError(
      codeForStatus(status),
      `${ctx.provider} ${ctx.operation} failed: HTTP ${status}${suffix}`,
      options,
    );
  }
  const name = error instanceof Error ? error.name : "";
  const code = (error as { code?: unknown } | null)?.code;
  if (
    name === "TimeoutError" ||
    code === "ETIMEDOUT" ||
    code === "ESOCKETTIMEDOUT" ||
    code === "UND_ERR_HEADERS_TIMEOUT"
  ) {
    return new FanoutError("TIMEOUT", `${ctx.provider} ${ctx.operation} timed out`, base);
  }
  if (error instanceof SyntaxError) {
    return new FanoutError(
      "PROVIDER_RESPONSE",
      `${ctx.provider} ${ctx.operation} returned an unreadable body`,
      base,
    );
  }
  return new FanoutError("NETWORK", `${ctx.provider} ${ctx.operation} failed: network error`, base);
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as Record<string, unknown>;
  for (const candidate of [
    e.status,
    e.statusCode,
    (e.response as Record<string, unknown> | undefined)?.status,
    e.code,
  ]) {
    if (typeof candidate === "number" && Number.isInteger(candidate) && candidate >= 100 && candidate < 600)
      return candidate;
  }
  return undefined;
}

function headerOf(error: Record<string, unknown>, name: string): string | undefined {
  const sources = [error.headers, (error.response as Record<string, unknown> | undefined)?.headers];
  for (const headers of sources) {
    if (!headers || typeof headers !== "object") continue;
    if (typeof (headers as Headers).get === "function") {
      const v = (headers as Headers).get(name);
      if (v) return v;
      continue;
    }
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
      if (k.toLowerCase() === name && (typeof v === "string" || typeof v === "number")) return String(v);
    }
  }
  return undefined;
}

function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  return parseRetryAfter(headerOf(error as Record<string, unknown>, "retry-after"));
}

function providerCodeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as Record<string, unknown>;
  for (const candidate of [
    e.providerCode,
    e.type === undefined ? undefined : e.code,
    e.errorCode,
    e.api_error_code,
  ]) {
    if (typeof candidate === "string" && candidate.length > 0 && candidate.length <= 80) return candidate;
  }
  return undefined;
}
