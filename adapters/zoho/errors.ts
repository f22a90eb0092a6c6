/**
 * Zoho error bodies: the top-level `{code, details, message, status: "error"}` and the per-record
 * statuses inside `data[]` / `recycle_bin[]`, mapped to gdpr-fanout error codes; and the wait hint
 * of a 429.
 */
import { type ErrorCode, FanoutError } from "../../src/errors.js";
import type { ProviderErrorInfo } from "../../src/http/client.js";
import { parseRateLimitReset } from "../../src/http/retry-after.js";

/** One per-record status of a multi-record answer. */
export interface ItemStatus {
  readonly code?: string;
  readonly status?: string;
  readonly message?: string;
  readonly details?: { readonly id?: string } & Record<string, unknown>;
}

const CODE_MAP: Readonly<Record<string, { code: ErrorCode; retryable?: boolean }>> = {
  INVALID_TOKEN: { code: "AUTHENTICATION", retryable: false },
  AUTHENTICATION_FAILURE: { code: "AUTHENTICATION", retryable: false },
  OAUTH_SCOPE_MISMATCH: { code: "PERMISSION_DENIED", retryable: false },
  NO_PERMISSION: { code: "PERMISSION_DENIED", retryable: false },
  TOO_MANY_REQUESTS: { code: "RATE_LIMITED", retryable: true },
  LIMIT_REACHED: { code: "RATE_LIMITED", retryable: true },
  INTERNAL_ERROR: { code: "PROVIDER_UNAVAILABLE", retryable: true },
  RECORD_LOCKED: { code: "CONFLICT", retryable: true },
  CANNOT_DELETE: { code: "CONFLICT", retryable: false },
  NOT_FOUND: { code: "NOT_FOUND", retryable: false },
  INVALID_DATA: { code: "VALIDATION", retryable: false },
  INVALID_MODULE: { code: "CONFIGURATION", retryable: false },
};

function providerCode(body: unknown): string | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.code === "string") return b.code;
  for (const key of ["data", "recycle_bin"]) {
    const items = b[key];
    if (Array.isArray(items)) {
      const failed = items.find((i) => i && typeof i === "object" && (i as ItemStatus).status === "error");
      if (failed && typeof (failed as ItemStatus).code === "string") return (failed as ItemStatus).code;
    }
  }
  return undefined;
}

/** Reads a Zoho error body (top level, or the first failed item). */
export function parseZohoError(body: unknown): ProviderErrorInfo | undefined {
  const code = providerCode(body);
  if (code === undefined) return undefined;
  const mapped = CODE_MAP[code];
  const info: ProviderErrorInfo = { providerCode: code.slice(0, 60) };
  if (mapped) {
    info.code = mapped.code;
    if (mapped.retryable !== undefined) info.retryable = mapped.retryable;
  }
  return info;
}

/** `X-RATELIMIT-RESET` as epoch milliseconds, epoch seconds, or seconds from now. */
export function zohoRetryAfter(headers: Headers): number | undefined {
  const reset = headers.get("x-ratelimit-reset");
  if (reset === null || !/^\d+$/.test(reset.trim())) return undefined;
  const n = Number(reset.trim());
  if (n > 100_000_000_000) return Math.max(0, n - Date.now());
  return parseRateLimitReset(reset);
}

/** A failed per-record status as a {@link FanoutError}; `operation` names the call. */
export function itemFailure(item: ItemStatus, operation: string, failed: number): FanoutError {
  const code = typeof item.code === "string" ? item.code.slice(0, 60) : "UNKNOWN";
  const mapped = CODE_MAP[code];
  return new FanoutError(
    mapped?.code ?? "PROVIDER_RESPONSE",
    `zoho ${operation} failed for ${failed} record(s) (${code})`,
    {
      provider: "zoho",
      operation,
      providerCode: code,
      retryable: mapped?.retryable ?? false,
      details: { failed, ...(typeof item.details?.id === "string" ? { recordId: item.details.id } : {}) },
    },
  );
}
