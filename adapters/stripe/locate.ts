/**
 * Finding the subject's customers:
 * - ids given in `subject.ids.stripe` first. A deleted customer (Stripe answers its tombstone,
 *   `{ id, object: "customer", deleted: true }`) is still the subject's while any of its charges,
 *   invoices, payment intents or Checkout Sessions keep personal data: it is located too.
 * - `GET /v1/customers?email=`, strongly consistent and **case-sensitive** (stripe-node
 *   `CustomerListParams.email`: "A case-sensitive filter"): the address as normalised (lower case)
 *   and, when the caller typed it otherwise, as given (`subject.emailAsGiven`).
 * - By phone, Stripe has no consistent lookup (the list filters by email only): the Search API,
 *   `GET /v1/customers/search?query=phone:"…"`, one clause per form the number may be stored in
 *   (`phoneFormats`), results checked with `samePhone`. Search is eventually consistent ("data is
 *   searchable in under 1 minute … could be delayed during an outage", up to an hour), so a customer
 *   created or given its phone number within that time may be missed; docs/adapters/stripe.md says
 *   so. Turned off with `phoneSearch: false` (Search is not available to merchants in India).
 *
 * @see https://docs.stripe.com/api/customers/list
 * @see https://docs.stripe.com/search
 */
import type { Coverage, IdentifierKind, LocateResult, OperationContext } from "../../src/adapter.js";
import { phoneFormats, samePhone } from "../../src/phone.js";
import type { Subject } from "../../src/subject.js";
import type { StripeApi } from "./api.js";
import { documentsOf, isRedacted, retrieveCustomer } from "./documents.js";
import { customerRef } from "./mapping.js";

/** The record types the adapter covers (finds, exports and erases or reports). */
export const COVERED_TYPES: readonly string[] = [
  "customer",
  "payment_method",
  "tax_id",
  "customer_balance_transaction",
  "subscription",
  "subscription_schedule",
  "invoice",
  "credit_note",
  "quote",
  "charge",
  "refund",
  "dispute",
  "file",
  "payment_intent",
  "setup_intent",
  "checkout.session",
];

/** A query value in double quotes, with `"` and `\` escaped (Stripe's search query language). */
function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

async function byPhone(api: StripeApi, ctx: OperationContext, phone: string): Promise<string[]> {
  // At most 10 clauses per query (phoneFormats yields up to six forms).
  const query = phoneFormats(phone)
    .slice(0, 10)
    .map((form) => `phone:${quoted(form)}`)
    .join(" OR ");
  const found = await api.searchAll(ctx, "customers.search", (sdk, p) => sdk.customers.search(p), query);
  return found
    .filter((c) => c.deleted !== true && typeof c.phone === "string" && samePhone(c.phone, phone))
    .map((c) => c.id);
}

export async function locate(
  api: StripeApi,
  subject: Subject,
  ctx: OperationContext,
  phoneSearch: boolean,
): Promise<LocateResult> {
  const found = new Set<string>();
  const searched = new Set<IdentifierKind>();
  for (const id of subject.ids.stripe ?? []) {
    searched.add("id");
    const customer = await retrieveCustomer(api, ctx, id);
    if (!customer) continue;
    if (customer.deleted !== true) found.add(customer.id);
    else if ((await documentsOf(api, ctx, id)).some((d) => !isRedacted(d))) found.add(id);
  }
  const emails = [subject.email, subject.emailAsGiven].filter((e): e is string => e !== undefined);
  for (const email of new Set(emails)) {
    searched.add("email");
    const customers = await api.listAll(ctx, "customers.list", (sdk, params) => sdk.customers.list(params), {
      email,
    });
    for (const c of customers) if (c.deleted !== true) found.add(c.id);
  }
  if (subject.phone !== undefined && phoneSearch) {
    searched.add("phone");
    for (const id of await byPhone(api, ctx, subject.phone)) found.add(id);
  }
  const order: IdentifierKind[] = ["email", "phone", "id"];
  const coverage: Coverage = { searchedBy: order.filter((k) => searched.has(k)), types: COVERED_TYPES };
  return { refs: [...found].map(customerRef), coverage };
}

/**
 * Customers still live (for `status`): `ids` re-read, the email filters again, and the phone
 * search, whose hits are re-read by id since its index lags behind a delete.
 */
export async function liveCustomers(
  api: StripeApi,
  ctx: OperationContext,
  ids: readonly string[],
  phoneSearch: boolean,
): Promise<Set<string>> {
  const subject = ctx.subject;
  const candidates = new Set(ids);
  if (subject.phone !== undefined && phoneSearch) {
    for (const id of await byPhone(api, ctx, subject.phone)) candidates.add(id);
  }
  const live = new Set<string>();
  for (const id of candidates) {
    const c = await retrieveCustomer(api, ctx, id);
    if (c && c.deleted !== true) live.add(c.id);
  }
  const emails = [subject.email, subject.emailAsGiven].filter((e): e is string => e !== undefined);
  for (const email of new Set(emails)) {
    const customers = await api.listAll(ctx, "customers.list", (sdk, params) => sdk.customers.list(params), {
      email,
    });
    for (const c of customers) if (c.deleted !== true) live.add(c.id);
  }
  return live;
}
