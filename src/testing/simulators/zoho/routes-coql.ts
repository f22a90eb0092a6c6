/**
 * `POST /crm/v8/coql` (the v8 OAS `coql.json`: body `{ select_query }`; 400 with `SYNTAX_ERROR`,
 * `INVALID_QUERY` or `LIMIT_EXCEEDED`), for the queries retention sweeps make: `select <fields>
 * from <Leads|Contacts> where <criteria> [order by <field> asc|desc] [limit n[, m]]`.
 *
 * What is modelled, from Zoho's COQL overview (zoho.com/crm/developer/docs/api/v8/COQL-Overview.html)
 * and its Kaizen #171 FAQ:
 * - a WHERE clause is required; with more than two criteria they must be grouped in pairs,
 *   "((A and B) and C)", or the query is a SYNTAX_ERROR;
 * - comparators `=`, `!=`, `<`, `<=`, `>`, `>=`, `is null`, `is not null`; datetime values as
 *   `'2024-12-01T00:00:00+00:00'`; `id` compared as a number;
 * - LIMIT at most 2000 (default 200); results sorted by id ascending unless ORDER BY says else;
 *   `info.more_records` when a next page exists.
 * ASSUMPTION [U]: no match answers 204 (like search); records in the recycle bin are not returned;
 * `>`/`<` work on `id` (a bigint field) as they do on numbers.
 */
import type { SimRequest, SimResponse } from "../../simulator.js";
import { zohoError } from "./responses.js";
import type { ZohoRecord, ZohoState } from "./state.js";

const MAX_LIMIT = 2000;

/** A literal: quoted text, or a number kept as written (ids are 19 digits: beyond a double's precision). */
type Value = { readonly text: string; readonly quoted: boolean };
type Criterion =
  | { kind: "cmp"; field: string; op: string; value: Value }
  | { kind: "null"; field: string; not: boolean }
  | { kind: "bool"; op: "and" | "or"; left: Criterion; right: Criterion };

class Syntax extends Error {}

const TOKEN = /\s*(\(|\)|'(?:[^']|'')*'|<=|>=|!=|=|<|>|[A-Za-z_$][\w$.]*|-?\d+(?:\.\d+)?)/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw new Syntax(`near ${text.slice(at, at + 10)}`);
    out.push(m[1]!);
    at = TOKEN.lastIndex;
  }
  return out;
}

/** criteria := term [(and|or) term]; term := '(' criteria ')' | comparison. One connective per level. */
function parseCriteria(tokens: string[]): Criterion {
  let i = 0;
  const peek = () => tokens[i]?.toLowerCase();
  const next = () => {
    const t = tokens[i++];
    if (t === undefined) throw new Syntax("unexpected end");
    return t;
  };
  const term = (): Criterion => {
    if (peek() === "(") {
      next();
      const inner = criteria();
      if (next() !== ")") throw new Syntax("missing )");
      return inner;
    }
    const field = next();
    if (peek() === "is") {
      next();
      const not = peek() === "not";
      if (not) next();
      if (next().toLowerCase() !== "null") throw new Syntax("is null expected");
      return { kind: "null", field, not };
    }
    const op = next();
    if (!["=", "!=", "<", "<=", ">", ">="].includes(op)) throw new Syntax(`unsupported comparator ${op}`);
    const raw = next();
    const value: Value = raw.startsWith("'")
      ? { text: raw.slice(1, -1).replaceAll("''", "'"), quoted: true }
      : { text: raw, quoted: false };
    return { kind: "cmp", field, op, value };
  };
  const criteria = (): Criterion => {
    const left = term();
    const op = peek();
    if (op !== "and" && op !== "or") return left;
    next();
    const right = term();
    const after = peek();
    // "((A and B) and C)": a third criterion at the same level must be grouped.
    if (after === "and" || after === "or") throw new Syntax("group criteria in pairs");
    return { kind: "bool", op, left, right };
  };
  const result = criteria();
  if (i !== tokens.length) throw new Syntax(`unexpected ${tokens[i]}`);
  return result;
}

function fieldValue(record: ZohoRecord, field: string): unknown {
  return field === "id" ? record.id : record.fields[field];
}

function compare(stored: unknown, wanted: unknown, field: string): number | undefined {
  if (stored === null || stored === undefined || wanted === null || wanted === undefined) return undefined;
  if (field === "id") {
    const a = BigInt(String(stored));
    const b = BigInt(String(wanted));
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof stored === "number") return stored - Number(wanted);
  const a = Date.parse(String(stored));
  const b = Date.parse(String(wanted));
  if (Number.isFinite(a) && Number.isFinite(b)) return a - b;
  return String(stored).localeCompare(String(wanted));
}

function matches(record: ZohoRecord, c: Criterion): boolean {
  if (c.kind === "bool")
    return c.op === "and"
      ? matches(record, c.left) && matches(record, c.right)
      : matches(record, c.left) || matches(record, c.right);
  const stored = fieldValue(record, c.field);
  if (c.kind === "null") return (stored === null || stored === undefined) !== c.not;
  const d = compare(stored, c.value.text, c.field);
  if (d === undefined) return false;
  switch (c.op) {
    case "=":
      return d === 0;
    case "!=":
      return d !== 0;
    case "<":
      return d < 0;
    case "<=":
      return d <= 0;
    case ">":
      return d > 0;
    default:
      return d >= 0;
  }
}

const QUERY =
  /^\s*select\s+(.+?)\s+from\s+(\w+)\s+where\s+(.+?)(?:\s+order\s+by\s+(\w+)(?:\s+(asc|desc))?)?(?:\s+limit\s+(\d+)(?:\s*,\s*(\d+))?)?\s*$/is;

/** Answers one COQL query over the org's live Leads or Contacts. */
export function handleCoql(state: ZohoState, request: SimRequest): SimResponse {
  if (request.method !== "POST")
    return zohoError(405, "METHOD_NOT_ALLOWED", "The http request method type is not a valid one");
  const text = (request.body as { select_query?: unknown } | undefined)?.select_query;
  if (typeof text !== "string") return zohoError(400, "INVALID_QUERY", "select_query is required", {});
  const m = QUERY.exec(text);
  if (!m) return zohoError(400, "SYNTAX_ERROR", "select query is not valid", { clause: "where" });
  const [, select, module, where, orderBy, direction, first, second] = m;
  if (module !== "Leads" && module !== "Contacts")
    return zohoError(400, "INVALID_QUERY", "invalid module", {});
  let criteria: Criterion;
  try {
    criteria = parseCriteria(tokenize(where!));
  } catch (error) {
    return zohoError(
      400,
      "SYNTAX_ERROR",
      `error occured while parsing the query: ${(error as Error).message}`,
      {
        clause: "where",
      },
    );
  }
  // `limit offset, count` or `limit count`.
  const limit = Number(second ?? first ?? 200);
  const offset = second === undefined ? 0 : Number(first);
  if (limit > MAX_LIMIT) return zohoError(400, "LIMIT_EXCEEDED", "limit exceeded", { limit: MAX_LIMIT });
  const sortField = orderBy ?? "id";
  const sign = direction?.toLowerCase() === "desc" ? -1 : 1;
  const rows = state
    .live(module, (r) => matches(r, criteria))
    .sort((a, b) => (compare(fieldValue(a, sortField), fieldValue(b, sortField), sortField) ?? 0) * sign);
  const page = rows.slice(offset, offset + limit);
  if (page.length === 0) return { status: 204 };
  const fields = select!.split(",").map((f) => f.trim());
  const data = page.map((r) => Object.fromEntries(fields.map((f) => [f, fieldValue(r, f) ?? null])));
  return {
    status: 200,
    body: { data, info: { count: page.length, more_records: offset + limit < rows.length } },
  };
}
