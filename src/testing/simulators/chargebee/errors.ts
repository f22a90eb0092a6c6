/**
 * Chargebee's error bodies and offset pagination, as API v2 documents them: errors are
 * `{message, type, api_error_code, param?, error_cause_id?}` (plus the legacy `error_code`,
 * `error_msg` and `http_status_code` fields the API still sends); lists are
 * `{list: [{<kind>: {...}}], next_offset?}` with `limit` 1–100 (default 10).
 */
import type { SimResponse } from "../../simulator.js";
import type { Resource } from "./model.js";

/** Builds an error response in Chargebee's shape. */
export function cbError(
  status: number,
  apiErrorCode: string,
  message: string,
  extra: { type?: string; param?: string; headers?: Record<string, string> } = {},
): SimResponse {
  const body: Record<string, unknown> = { message, api_error_code: apiErrorCode };
  if (extra.type) body.type = extra.type;
  if (extra.param) body.param = extra.param;
  body.error_code = apiErrorCode;
  body.error_msg = message;
  body.http_status_code = status;
  return { status, headers: extra.headers ?? {}, body };
}

export const notFound = (what: string): SimResponse =>
  cbError(404, "resource_not_found", `Sorry, we couldn't find that ${what}`, { type: "invalid_request" });

export const badParam = (param: string, message: string): SimResponse =>
  // ASSUMPTION [U]: invalid parameter values answer 400 `param_wrong_value` with `param` set.
  cbError(400, "param_wrong_value", message, { type: "invalid_request", param });

/** A request not allowed in the resource's current state (precondition failures). */
export const invalidState = (message: string): SimResponse =>
  // ASSUMPTION [U]: state preconditions (clear PII with live subscriptions, delete preconditions,
  // cancelling a cancelled subscription…) answer 409 `invalid_state_for_request`, type invalid_request.
  cbError(409, "invalid_state_for_request", message, { type: "invalid_request" });

/** The error response for an HTTP status, as the framework's fault injection asks for it. */
export function errorFor(status: number, retryAfterMs?: number): SimResponse {
  switch (status) {
    case 400:
      return badParam("id", "invalid value for id");
    case 401:
      // ASSUMPTION [U]: the 401 body carries `api_error_code: api_authentication_failed` and no `type`.
      return cbError(401, "api_authentication_failed", "Sorry, authentication failed. Invalid api key");
    case 403:
      return cbError(403, "api_authorization_failed", "Sorry, the operation is not allowed for this api key");
    case 404:
      return notFound("resource");
    case 409:
      return invalidState("The resource is not in a state that allows this operation");
    case 429: {
      const seconds = Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 1000));
      // ASSUMPTION [U]: 429 carries `Retry-After` in seconds (the SDK reads it when retries are on)
      // and `api_error_code: api_request_limit_exceeded`.
      return cbError(
        429,
        "api_request_limit_exceeded",
        "Sorry, access has been blocked temporarily due to request count exceeding acceptable limits. Please try after some time.",
        { headers: { "retry-after": String(seconds) } },
      );
    }
    case 503:
      return cbError(
        503,
        "internal_temporary_error",
        "Sorry, the server is temporarily unable to handle the request",
      );
    case 504:
      return cbError(
        504,
        "gateway_timeout",
        "The server did not receive a timely response from an upstream server",
      );
    default:
      if (status >= 500)
        return cbError(
          status,
          "internal_error",
          "Sorry, something went wrong when trying to process the request",
        );
      return cbError(status, "invalid_request", "The request could not be processed", {
        type: "invalid_request",
      });
  }
}

/** Offset pagination over `items` (already filtered and sorted). */
export function paginate(
  kind: string,
  items: readonly Resource[],
  query: URLSearchParams,
  pageSize: number | undefined,
): SimResponse {
  const rawLimit = query.get("limit");
  let limit = 10;
  if (rawLimit !== null) {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return badParam("limit", "limit must be between 1 and 100");
  }
  if (pageSize !== undefined) limit = Math.min(limit, pageSize);
  let start = 0;
  const offset = query.get("offset");
  if (offset !== null && offset !== "") {
    const cursor = decodeOffset(offset);
    if (cursor === undefined) return badParam("offset", "offset is invalid");
    // The cursor names the last item of the previous page; items deleted since are skipped over.
    const at = items.findIndex((item) => sortKey(item) > cursor);
    start = at === -1 ? items.length : at;
  }
  const page = items.slice(start, start + limit);
  const body: Record<string, unknown> = { list: page.map((item) => ({ [kind]: item })) };
  const last = page.at(-1);
  if (last && start + limit < items.length) body.next_offset = encodeOffset(sortKey(last));
  return { status: 200, body };
}

/** Ascending sort key: creation time then id, zero-padded so string order is time order. */
export function sortKey(item: Resource): string {
  const created = Number(item.created_at ?? item.date ?? 0);
  return `${String(created).padStart(12, "0")}|${item.id}`;
}

export function byKey(a: Resource, b: Resource): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

// Chargebee offsets look like `["1517505981000","230000000309"]`: an opaque JSON array of strings.
function encodeOffset(key: string): string {
  const [created, id] = key.split("|");
  return JSON.stringify([`${created}000`, id]);
}

function decodeOffset(offset: string): string | undefined {
  try {
    const value: unknown = JSON.parse(offset);
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [ms, id] = value as unknown[];
    if (typeof ms !== "string" || typeof id !== "string" || !/^\d{3,}$/.test(ms)) return undefined;
    return `${ms.slice(0, -3)}|${id}`;
  } catch {
    return undefined;
  }
}
