/**
 * Timestamp filters of Chargebee list calls: `created_at`, `updated_at` and, on subscriptions,
 * `cancelled_at`, with the operators `before`, `after` and `on` (the chargebee v3 SDK's
 * `filter.Timestamp`: `on`, `before`, `after`, `between`, `is_present`; values in epoch seconds;
 * `types/resources/filter.d.ts`, `Subscription.d.ts` `ListInputParam.cancelled_at`).
 * ASSUMPTION [U]: `before` and `after` are strict; a record without the field matches none of them.
 */
const FIELDS = new Set(["created_at", "updated_at", "cancelled_at"]);

/** A predicate on a record's field for `field[op]=value`, or `undefined` when not a timestamp filter. */
export function timestampFilter(
  field: string,
  op: string,
  value: string,
): ((record: Record<string, unknown>) => boolean) | undefined {
  if (!FIELDS.has(field) || !/^\d+$/.test(value)) return undefined;
  const at = Number(value);
  const read = (r: Record<string, unknown>) =>
    typeof r[field] === "number" ? (r[field] as number) : undefined;
  if (op === "before") return (r) => (read(r) ?? Number.POSITIVE_INFINITY) < at;
  if (op === "after") return (r) => (read(r) ?? Number.NEGATIVE_INFINITY) > at;
  if (op === "on") return (r) => read(r) === at;
  return undefined;
}
