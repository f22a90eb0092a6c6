/**
 * One list call for the records of several customers. Chargebee's list endpoints for
 * subscriptions, invoices, credit notes, transactions and payment sources filter `customer_id`
 * with the string operators `is`, `is_not`, `starts_with`, `is_present`, `in`, `not_in`
 * [V: chargebee v3 SDK, types/resources/{Subscription,Invoice,CreditNote,Transaction,PaymentSource}.d.ts
 * `customer_id?: filter.String`, types/resources/filter.d.ts `in?: string[]`]; the SDK sends `in` as
 * one JSON array (`customer_id[in]=["a","b"]`, cjs/util.js `arrayOperators`). A subject with two
 * customers (Chargebee allows duplicate emails) so costs one list per kind, not one per customer.
 *
 * ASSUMPTION [U]: Chargebee documents no maximum length for an `in` list; the adapter sends at most
 * {@link IN_CHUNK} ids per call, a size far below any URL limit.
 */
import type { CbList, CbResource, ChargebeeApi, ChargebeeClientLike } from "./api.js";

export const IN_CHUNK = 20;

/** Every record of `kind` whose `customer_id` is one of `customerIds`, by customer id. */
export async function listForCustomers(
  api: ChargebeeApi,
  operation: string,
  kind: string,
  fn: (client: ChargebeeClientLike, params: Record<string, unknown>) => Promise<CbList>,
  customerIds: readonly string[],
): Promise<Map<string, CbResource[]>> {
  const out = new Map<string, CbResource[]>(customerIds.map((id) => [id, []]));
  const unique = [...out.keys()];
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    const chunk = unique.slice(i, i + IN_CHUNK);
    // A single id keeps the plain `is` filter (the request every earlier version sent).
    const filter = chunk.length === 1 ? { is: chunk[0] } : { in: chunk };
    for (const record of await api.listAll(operation, kind, fn, { customer_id: filter })) {
      out.get(String(record.customer_id))?.push(record);
    }
  }
  return out;
}

/**
 * The customers with these ids as they stand, deleted ones included (`deleted: true` until
 * Chargebee purges them); an id missing from the map is gone. One id is a retrieve (404: gone);
 * several are one list with `id[in]` and `include_deleted=true`
 * [V: chargebee v3 SDK types/resources/Customer.d.ts, list params `id?: filter.String`,
 * `include_deleted?: boolean`], not one retrieve each.
 */
export async function customersByIds(
  api: ChargebeeApi,
  ids: readonly string[],
): Promise<Map<string, CbResource>> {
  const out = new Map<string, CbResource>();
  const unique = [...new Set(ids)];
  if (unique.length === 1) {
    const id = unique[0]!;
    const found = await api.optional("customers.retrieve", (c) =>
      c.customer.retrieve(id, undefined, api.headers()),
    );
    if (found) out.set(id, found.customer);
    return out;
  }
  const wanted = new Set(unique);
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    const chunk = unique.slice(i, i + IN_CHUNK);
    const listed = await api.listAll(
      "customers.list",
      "customer",
      (c, p) => c.customer.list(p, api.headers()),
      { id: { in: chunk }, include_deleted: true },
    );
    for (const customer of listed) if (wanted.has(customer.id)) out.set(customer.id, customer);
  }
  return out;
}
