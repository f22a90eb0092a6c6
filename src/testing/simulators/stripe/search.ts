/**
 * `GET /v1/customers/search`: Stripe's Search API for customers, over an index that lags behind
 * the data. What is modelled, and from where:
 * - Query fields for customers include `email`, `name` and `phone`; clauses `field:"value"` (exact
 *   match, case-insensitive) combined with `AND` or `OR` (not both), at most 10 clauses.
 *   [S] docs.stripe.com/search#search-query-language and #query-fields-for-customers, as reproduced
 *   in Stripe's own MCP tool description; the `~` substring operator and negation are not modelled.
 * - The stored text is compared as stored: a phone kept as "020 7946 0000" is not found by
 *   "+442079460000". [U] Stripe documents no normalisation of phone numbers in search.
 * - Freshness: "Don't use search for read-after-write flows … data is searchable in under 1 minute.
 *   Propagation of new or updated data could be delayed during an outage" (docs.stripe.com/search,
 *   and the SDK's `customers.search` typedoc: "up to an hour behind during outages"). Seeded
 *   customers are old and indexed; a change made through the API (a delete, a redaction) reaches
 *   the index `lagMs` later on the simulator's clock, so a deleted customer is still found for a
 *   while (see routes.ts for what the result then shows).
 * - Pagination: `limit` 1–100 (default 10), `page` / `next_page` cursors, `object: "search_result"`.
 *   docs.stripe.com/api/pagination/search
 */

import type { SimResponse } from "../../simulator.js";
import { stripeError } from "./responses.js";

/** What the index knows of one customer. `null`: deleted. */
export type Indexed = {
  readonly email: string | null;
  readonly phone: string | null;
  readonly name: string | null;
};

interface Version {
  readonly from: number;
  readonly fields: Indexed | null;
}

const FIELDS = new Set(["email", "phone", "name"]);
const CLAUSE = /^(email|phone|name|[a-z_.]+):(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')$/;

/** A parsed query: clauses joined by one operator. */
interface Query {
  readonly op: "AND" | "OR";
  readonly clauses: readonly { field: string; value: string }[];
}

function invalid(message: string): SimResponse {
  return stripeError(400, { code: "parameter_invalid", message, param: "query" });
}

function parse(text: string): Query | SimResponse {
  // Split on the keywords outside quotes.
  const tokens: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === " ") {
      if (current) tokens.push(current);
      current = "";
    } else current += ch;
  }
  if (quote) return invalid("Invalid query: unterminated string.");
  if (current) tokens.push(current);
  const clauses: { field: string; value: string }[] = [];
  const ops = new Set<"AND" | "OR">();
  for (const token of tokens) {
    const upper = token.toUpperCase();
    if (upper === "AND" || upper === "OR") {
      ops.add(upper);
      continue;
    }
    const match = CLAUSE.exec(token);
    if (!match?.[1]) return invalid(`Invalid query: could not parse clause near '${token.slice(0, 20)}'.`);
    if (!FIELDS.has(match[1]))
      return invalid(`Field '${match[1]}' is not supported for search on customers.`);
    clauses.push({ field: match[1], value: (match[2] ?? match[3] ?? "").replace(/\\(.)/g, "$1") });
  }
  if (clauses.length === 0) return invalid("Invalid query: empty.");
  if (clauses.length > 10) return invalid("Invalid query: at most 10 clauses.");
  if (ops.size > 1) return invalid("Invalid query: AND and OR cannot be combined.");
  return { op: ops.has("OR") ? "OR" : "AND", clauses };
}

/** The customer search index, lagging `lagMs` behind changes on the simulator's clock. */
export class CustomerSearchIndex {
  private readonly versions = new Map<string, Version[]>();

  constructor(private readonly lagMs: number) {}

  /** A customer that existed before the run: indexed already. */
  seed(id: string, fields: Indexed): void {
    this.versions.set(id, [{ from: Number.NEGATIVE_INFINITY, fields }]);
  }

  /** A change made at `now`: the index shows it from `now + lagMs`. */
  change(id: string, fields: Indexed | null, now: number): void {
    const list = this.versions.get(id) ?? [];
    list.push({ from: now + this.lagMs, fields });
    this.versions.set(id, list);
  }

  private at(id: string, now: number): Indexed | null {
    let found: Indexed | null = null;
    for (const v of this.versions.get(id) ?? []) if (v.from <= now) found = v.fields;
    return found;
  }

  /** Ids matching `text` at `now`, newest first; or Stripe's 400 for a query it would refuse. */
  query(text: string, now: number): string[] | SimResponse {
    const query = parse(text);
    if (!("clauses" in query)) return query;
    const out: string[] = [];
    for (const id of this.versions.keys()) {
      const fields = this.at(id, now);
      if (!fields) continue;
      const hit = (c: { field: string; value: string }) => {
        const stored = fields[c.field as keyof Indexed];
        return typeof stored === "string" && stored.toLowerCase() === c.value.toLowerCase();
      };
      if (query.op === "OR" ? query.clauses.some(hit) : query.clauses.every(hit)) out.push(id);
    }
    return out.reverse();
  }
}
