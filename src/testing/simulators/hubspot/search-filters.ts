/**
 * How the HubSpot simulator's CRM search reads `filterGroups`, `sorts` and paging: OR between
 * groups, AND within one (search guide), the Filter operators of the contacts v3 spec
 * (`PublicObjectSearchRequest` / `Filter.operator`: EQ, NEQ, LT, LTE, GT, GTE, IN, NOT_IN,
 * HAS_PROPERTY, NOT_HAS_PROPERTY, …), one sort, and the 10,000-result ceiling of one query.
 *
 * - Values compare as numbers when both sides are numeric (`hs_object_id`), as instants when the
 *   property holds a datetime (ISO text) and the filter a Unix time in ms (how the search guide
 *   says to filter dates), else as lower-cased text.
 * - ASSUMPTION [U]: NEQ and NOT_IN do not match a record without the property (the search guide
 *   does not say); callers that want those too add a NOT_HAS_PROPERTY group. The stricter reading
 *   makes a client that forgets them miss records, never match too many.
 * - The ceiling: "The search endpoints are limited to 10,000 total results for any given query"
 *   and paging past it answers 400 [S: AWS Glue's HubSpot connector notes; HubSpot community
 *   thread "CRM Record ID Sequencing and the Search API"; not on HubSpot's own pages we could read].
 */
import type { CrmRecord } from "./store.js";

/** One filter of a search request. */
export interface SearchFilter {
  propertyName?: string;
  operator?: string;
  value?: string;
  values?: string[];
}

/** The operators modelled; the spec's others (BETWEEN, CONTAINS_TOKEN, …) are answered 400 here. */
export const MODELLED_OPERATORS: ReadonlySet<string> = new Set([
  "EQ",
  "NEQ",
  "LT",
  "LTE",
  "GT",
  "GTE",
  "IN",
  "NOT_IN",
  "HAS_PROPERTY",
  "NOT_HAS_PROPERTY",
]);

/** Results one query can page through. */
export const SEARCH_RESULT_CEILING = 10_000;

const NUMERIC = /^-?\d+(?:\.\d+)?$/;

/** Parsed instants of stored datetime texts (a 25,000-contact search parses the same few thousand). */
const instants = new Map<string, number>();
function instant(text: string): number {
  let at = instants.get(text);
  if (at === undefined) {
    at = Date.parse(text);
    if (instants.size > 100_000) instants.clear();
    instants.set(text, at);
  }
  return at;
}

function compare(stored: string, wanted: string): number {
  const numeric = NUMERIC.test(wanted);
  if (numeric && NUMERIC.test(stored)) return Number(stored) - Number(wanted);
  if (numeric && !Number.isNaN(instant(stored))) return instant(stored) - Number(wanted);
  const a = stored.toLowerCase();
  const b = wanted.toLowerCase();
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `record` passes one filter; `undefined` for an operator the simulator does not model. */
export function matchesFilter(record: CrmRecord, f: SearchFilter): boolean | undefined {
  const raw = record.properties[f.propertyName ?? ""];
  const has = raw !== undefined && raw !== "";
  const value = String(f.value ?? "");
  const values = (f.values ?? []).map(String);
  switch (f.operator) {
    case "HAS_PROPERTY":
      return has;
    case "NOT_HAS_PROPERTY":
      return !has;
    case "EQ":
      return has && compare(raw, value) === 0;
    case "NEQ":
      return has && compare(raw, value) !== 0;
    case "IN":
      return has && values.some((v) => compare(raw, v) === 0);
    case "NOT_IN":
      return has && !values.some((v) => compare(raw, v) === 0);
    case "LT":
      return has && compare(raw, value) < 0;
    case "LTE":
      return has && compare(raw, value) <= 0;
    case "GT":
      return has && compare(raw, value) > 0;
    case "GTE":
      return has && compare(raw, value) >= 0;
    default:
      return undefined;
  }
}

/** Sorts by the request's first sort (`{ propertyName, direction }` or a property name), in place. */
export function sortRecords(records: CrmRecord[], sorts: unknown): CrmRecord[] {
  const first = Array.isArray(sorts) ? (sorts[0] as unknown) : undefined;
  if (first === undefined) return records;
  const name =
    typeof first === "string" ? first : String((first as { propertyName?: unknown }).propertyName ?? "");
  const descending =
    typeof first === "object" && (first as { direction?: unknown }).direction === "DESCENDING";
  const sign = descending ? -1 : 1;
  const text = (r: CrmRecord) => r.properties[name] ?? "";
  // Numbers (ids) sort as numbers; keys are computed once, not per comparison.
  if (records.every((r) => NUMERIC.test(text(r)))) {
    const keyed = records.map((r) => ({ r, k: Number(text(r)) }));
    keyed.sort((a, b) => (a.k - b.k) * sign);
    keyed.forEach((e, i) => {
      records[i] = e.r;
    });
    return records;
  }
  records.sort((a, b) => compare(text(a), text(b)) * sign);
  return records;
}
