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
/** `GET /v1/persons/{id}/files`: "a maximum value of 100 is allowed" [V: `pipedrive` 33.7 SDK, persons-api.d.ts]. */
export const PERSON_FILES_PAGES: PageRules = { defaultLimit: 100, maxLimit: 100 };
/**
 * `GET /v1/leads` and `/v1/leads/archived`: 100 by default [V: leads-api.d.ts].
 * ASSUMPTION [U]: the maximum is the v1 lists' 500 (the SDK states none).
 */
export const LEAD_PAGES: PageRules = { defaultLimit: 100, maxLimit: 500 };

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

/**
 * Encodes a v2 cursor: the id of the next page's first item, opaque to clients. Pipedrive documents
 * its cursor as "a marker representing the first item on the next page" and its example decodes to
 * `{"activity":42}` [V: developers.pipedrive.com core-api-concepts-pagination]: a position by key,
 * not by offset, so records deleted behind the reader do not make it skip any.
 */
export function encodeCursor(firstId: number): string {
  return Buffer.from(JSON.stringify({ id: firstId }), "utf8").toString("base64url");
}

/** Decodes a v2 cursor to the first id of its page; `undefined` when it is not one of ours. */
export function decodeCursor(cursor: string | null): number | undefined {
  if (cursor === null) return Number.NEGATIVE_INFINITY;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { id?: unknown };
    return Number.isSafeInteger(value?.id) ? (value.id as number) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One v2 page of `items` (cursor pagination). `items` must be sorted by `idOf`, ascending: the
 * page starts at the first item whose id is at least the cursor's.
 */
export function v2Page<T>(
  items: readonly T[],
  query: URLSearchParams,
  pageSize: number | undefined,
  idOf: (item: T) => number = (item) => (item as { id: number }).id,
): SimResponse {
  const limit = readLimit(query, V2_PAGES, pageSize);
  const first = decodeCursor(query.get("cursor"));
  if (limit === undefined || first === undefined) return pipedriveError(400, "Invalid pagination parameters");
  const start = items.findIndex((item) => idOf(item) >= first);
  const rest = start < 0 ? [] : items.slice(start);
  const page = rest.slice(0, limit);
  const following = rest[limit];
  return v2Ok(page, following === undefined ? null : encodeCursor(idOf(following)));
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
