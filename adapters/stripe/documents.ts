/**
 * The subject's "documents": the Stripe objects that snapshot a customer's details and keep them
 * after the customer is deleted (charges and invoices: billing details; payment intents: receipt
 * email; Checkout Sessions: `customer_details`) and that a redaction job accepts. A customer,
 * live or deleted, with its documents is a "holding".
 *
 * @see https://docs.stripe.com/api/customers/delete
 * @see https://docs.stripe.com/api/privacy/redaction-job/create (the object kinds a job accepts)
 */
import type { OperationContext } from "../../src/adapter.js";
import { isResourceMissing, type StripeApi, type StripeRecord } from "./api.js";

/** A customer (live or a tombstone) and its documents. */
export interface Holding {
  readonly customer: string;
  readonly live: boolean;
  readonly documents: readonly StripeRecord[];
}

/**
 * Stripe's placeholder for redacted values: "you'll see [redacted] or similar placeholders in place
 * of the values that previously contained personal data" (https://docs.stripe.com/privacy/redaction).
 */
export const REDACTED = "[redacted]";

/** Where each document kind keeps the customer's details (dotted paths). */
const PERSONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  charge: ["billing_details.email", "billing_details.name", "receipt_email"],
  invoice: ["customer_email", "customer_name"],
  payment_intent: ["receipt_email"],
  "checkout.session": ["customer_details.email", "customer_details.name", "customer_email"],
};

function at(record: StripeRecord, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split(".")) value = (value as Record<string, unknown> | null)?.[key];
  return value;
}

/**
 * Whether a redaction job already went over the document (one of its personal fields shows the
 * placeholder). A document redacted with a different placeholder would be sent again and Stripe's
 * validation decides: the adapter never assumes a document is clean.
 */
export function isRedacted(doc: StripeRecord): boolean {
  return (PERSONAL_FIELDS[doc.object] ?? []).some((path) => at(doc, path) === REDACTED);
}

/** Charges and payment intents: "transactions", redactable only 90 days after they were made. */
export function isTransaction(doc: StripeRecord): boolean {
  return doc.object === "charge" || doc.object === "payment_intent";
}

type Lister = (api: StripeApi, ctx: OperationContext, customer: string) => Promise<StripeRecord[]>;

const LISTERS: readonly Lister[] = [
  (api, ctx, c) => api.listAll(ctx, "charges.list", (sdk, p) => sdk.charges.list(p), { customer: c }),
  (api, ctx, c) => api.listAll(ctx, "invoices.list", (sdk, p) => sdk.invoices.list(p), { customer: c }),
  (api, ctx, c) =>
    api.listAll(ctx, "payment_intents.list", (sdk, p) => sdk.paymentIntents.list(p), { customer: c }),
  (api, ctx, c) =>
    api.listAll(ctx, "checkout.sessions.list", (sdk, p) => sdk.checkout.sessions.list(p), { customer: c }),
];

/**
 * Every document of one customer (all pages). Called only for customers Stripe knows (live or
 * deleted): a list refused for a deleted customer fails the step rather than hide its documents.
 */
export async function documentsOf(
  api: StripeApi,
  ctx: OperationContext,
  customer: string,
): Promise<StripeRecord[]> {
  const out: StripeRecord[] = [];
  for (const list of LISTERS) out.push(...(await list(api, ctx, customer)));
  return out;
}

/** The customer as Stripe answers it now: live, a tombstone, or unknown (`undefined`). */
export async function retrieveCustomer(
  api: StripeApi,
  ctx: OperationContext,
  id: string,
): Promise<StripeRecord | undefined> {
  try {
    return await api.call(ctx, "customers.retrieve", (sdk) => sdk.customers.retrieve(id));
  } catch (error) {
    if (isResourceMissing(error)) return undefined;
    throw error;
  }
}

/** The holdings of the given customer ids (unknown ids are left out). */
export async function loadHoldings(
  api: StripeApi,
  ctx: OperationContext,
  customers: readonly string[],
): Promise<Holding[]> {
  const out: Holding[] = [];
  for (const id of customers) {
    const customer = await retrieveCustomer(api, ctx, id);
    if (!customer) continue;
    out.push({ customer: id, live: customer.deleted !== true, documents: await documentsOf(api, ctx, id) });
  }
  return out;
}
