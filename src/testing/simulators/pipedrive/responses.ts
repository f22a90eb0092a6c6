/**
 * Pipedrive's response envelopes: v2 `{success, data, additional_data: {next_cursor}}`, v1
 * `{success, data, additional_data: {pagination}}`, and the error body
 * `{success: false, error, error_info, data: null, additional_data: null}`.
 *
 * @see https://pipedrive.readme.io/docs/core-api-concepts-responses
 * @see https://pipedrive.readme.io/docs/core-api-concepts-http-status-codes
 */
import type { SimResponse } from "../../simulator.js";

const ERRORS: Record<number, string> = {
  400: "Bad request",
  401: "unauthorized access",
  402: "Company account is not open (possible reason: trial expired, payment details not entered)",
  403: "You do not have permissions to perform this action",
  404: "Not found",
  405: "Method not allowed",
  410: "Gone",
  415: "Feature is not enabled",
  422: "Unprocessable entity",
  429: "Request over limit",
  500: "Internal server error",
  501: "Not implemented",
  503: "Service unavailable",
};

/** The error response Pipedrive sends for `status`. */
export function pipedriveError(
  status: number,
  error?: string,
  headers: Record<string, string> = {},
): SimResponse {
  return {
    status,
    headers,
    body: {
      success: false,
      error: error ?? ERRORS[status] ?? "Unknown error",
      error_info: "Please check developers.pipedrive.com",
      data: null,
      additional_data: null,
    },
  };
}

/** A v2 success (`data` is an object or one page of a list). */
export function v2Ok(data: unknown, nextCursor?: string | null): SimResponse {
  const body: Record<string, unknown> = { success: true, data };
  if (nextCursor !== undefined) body.additional_data = { next_cursor: nextCursor };
  return { status: 200, body };
}

/** A v1 success. */
export function v1Ok(data: unknown, additional?: Record<string, unknown>): SimResponse {
  const body: Record<string, unknown> = { success: true, data };
  if (additional) body.additional_data = additional;
  return { status: 200, body };
}

/** Provider defaults and maxima of page sizes. */
export interface PageRules {
  readonly defaultLimit: number;
  readonly maxLimit: number;
}

export const V2_PAGES: PageRules = { defaultLimit: 100, maxLimit: 500 };
export const V1_PAGES: PageRules = { defaultLimit: 100, maxLimit: 500 };
export const CALL_LOG_PAGES: PageRules = { defaultLimit: 50, maxLimit: 50 };

/** Reads `limit`; `undefined` when invalid (the route answers 400). `pageSize` caps it in tests. */
export function readLimit(
  query: URLSearchParams,
  rules: PageRules,
  pageSize: number | undefined,
): number | undefined {
  const raw = query.get("limit");
  let limit = rules.defaultLimit;
  if (raw !== null) {
    if (!/^\d+$/.test(raw)) return undefined;
    limit = Number(raw);
    // ASSUMPTION [U]: a limit above the documented maximum is rejected with 400 (rather than clamped).
    if (limit < 1 || limit > rules.maxLimit) return undefined;
  }
  return pageSize === undefined ? limit : Math.min(limit, pageSize);
}

/** Encodes a v2 cursor: opaque to clients. */
export function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`, "utf8").toString("base64url");
}

/** Decodes a v2 cursor; `undefined` when it is not one of ours. */
export function decodeCursor(cursor: string | null): number | undefined {
  if (cursor === null) return 0;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^o:(\d+)$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** One v2 page of `items` (cursor pagination). */
export function v2Page(
  items: readonly unknown[],
  query: URLSearchParams,
  pageSize: number | undefined,
): SimResponse {
  const limit = readLimit(query, V2_PAGES, pageSize);
  const offset = decodeCursor(query.get("cursor"));
  if (limit === undefined || offset === undefined)
    return pipedriveError(400, "Invalid pagination parameters");
  const page = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? encodeCursor(offset + limit) : null;
  return v2Ok(page, next);
}

/**
 * One v1 page of `items` (offset pagination).
 * An empty v1 list answers `data: null` [S: integrators' fixes, supaglue-labs/supaglue#846 and
 * amp-labs/connectors#1192]. ASSUMPTION [U]: the pagination block is still present then.
 */
export function v1Page(
  items: readonly unknown[],
  query: URLSearchParams,
  pageSize: number | undefined,
  rules: PageRules = V1_PAGES,
): SimResponse {
  const limit = readLimit(query, rules, pageSize);
  const rawStart = query.get("start") ?? "0";
  if (limit === undefined || !/^\d+$/.test(rawStart))
    return pipedriveError(400, "Invalid pagination parameters");
  const start = Number(rawStart);
  const page = items.slice(start, start + limit);
  const more = start + limit < items.length;
  const pagination: Record<string, unknown> = { start, limit, more_items_in_collection: more };
  if (more) pagination.next_start = start + limit;
  return v1Ok(page.length === 0 ? null : page, { pagination });
}
