/**
 * Party filter conditions beyond `email is` / `phone is` (those stay in routes.ts), for retention
 * sweeps: the fields `id` (Number), `type` (String), `tag` (Number, string), `addedOn`, `updatedOn` and
 * `lastContactedOn` (Date) of Capsule's party filters (developer.capsulecrm.com/v2/reference/filters,
 * "Field reference"), and `orderBy` on `id` or `addedOn`.
 *
 * ASSUMPTION [U]: the operator names. The filters reference lists them per field type, but its
 * operator table could not be read here; its own example uses `is within last` for `addedOn`. The
 * simulator takes `is`/`is not` on tags, `is greater than`/`is less than` on numbers and
 * `is before`/`is after` on dates with a `YYYY-MM-DD` value, and refuses anything else with 422.
 * ASSUMPTION [U]: `tag is not X` matches a party that carries no tag named X (any other tags
 * allowed); a date condition on a party without that date (never contacted) does not match.
 * ASSUMPTION [U]: `orderBy: [{ field, direction }]` in the filter body sorts the results (a
 * third-party client sends it so); without it results come in id order.
 */
import type { CapsuleState, SimParty } from "./state.js";

export interface Condition {
  readonly field?: unknown;
  readonly operator?: unknown;
  readonly value?: unknown;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A predicate for one condition, or `undefined` when the simulator does not model it. */
export function partyCondition(state: CapsuleState, c: Condition): ((p: SimParty) => boolean) | undefined {
  const { field, operator, value } = c;
  if (field === "id" && typeof value === "number") {
    if (operator === "is greater than") return (p) => p.id > value;
    if (operator === "is less than") return (p) => p.id < value;
    return undefined;
  }
  // Every party the simulator keeps is a person (partyJson answers `type: "person"`).
  if (field === "type" && operator === "is" && typeof value === "string") return () => value === "person";
  if (field === "tag" && typeof value === "string" && (operator === "is" || operator === "is not")) {
    const named = (p: SimParty) =>
      p.tagIds.some((id) => state.tags.get(id)?.name.toLowerCase() === value.toLowerCase());
    return operator === "is" ? named : (p) => !named(p);
  }
  const dates: Record<string, (p: SimParty) => string | undefined> = {
    addedOn: (p) => p.createdAt,
    updatedOn: (p) => p.updatedAt,
    lastContactedOn: (p) => p.lastContactedAt,
  };
  const date = typeof field === "string" ? dates[field] : undefined;
  if (date && typeof value === "string" && DATE.test(value)) {
    const day = Date.parse(`${value}T00:00:00Z`);
    if (operator === "is before")
      return (p) => {
        const at = date(p);
        return at !== undefined && Date.parse(at) < day;
      };
    if (operator === "is after")
      return (p) => {
        const at = date(p);
        return at !== undefined && Date.parse(at) >= day + 86_400_000;
      };
  }
  return undefined;
}

/** Sorts by the body's `orderBy` (first entry; `id` or `addedOn`), in place; by id otherwise. */
export function orderParties(parties: SimParty[], orderBy: unknown): SimParty[] {
  const first = Array.isArray(orderBy) ? (orderBy[0] as { field?: unknown; direction?: unknown }) : undefined;
  const sign = first?.direction === "descending" ? -1 : 1;
  const key = first?.field === "addedOn" ? (p: SimParty) => Date.parse(p.createdAt) : (p: SimParty) => p.id;
  return parties.sort((a, b) => (key(a) - key(b)) * sign);
}
