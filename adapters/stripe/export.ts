/**
 * The access export: every object of the subject's customers, all pages of each list.
 * - A live customer: the customer, its payment methods, tax ids and balance transactions
 *   (`/v1/customers/{id}/…`), then the top-level lists filtered by `customer`: subscriptions (all
 *   statuses), subscription schedules, invoices, credit notes, quotes, charges, payment intents,
 *   setup intents and Checkout Sessions.
 * - A deleted customer (tombstone): the tombstone and the same top-level lists (its documents keep
 *   the billing details it had).
 * - Per charge: its refunds (`GET /v1/refunds?charge=`, when `amount_refunded > 0`) and disputes
 *   (`GET /v1/disputes?charge=`, when `disputed`), and each dispute's evidence files
 *   (`GET /v1/files/{id}`: the file object with its name, purpose, size and URL; the content, served
 *   from files.stripe.com with the secret key, is not downloaded). Refunds and disputes have no
 *   `customer` filter (stripe-node `RefundListParams`, `DisputeListParams`).
 *
 * Parameters as in stripe-node 23.1.0's `*ListParams` (generated from Stripe's OpenAPI spec).
 */
import type { ExportRecord, ExportResult, OperationContext, RecordRef } from "../../src/adapter.js";
import type { StripeApi, StripeRecord } from "./api.js";
import { retrieveCustomer } from "./documents.js";
import { customerIds, toExportRecord } from "./mapping.js";

type List = (api: StripeApi, ctx: OperationContext, customer: string) => Promise<StripeRecord[]>;

/** Lists under `/v1/customers/{id}/…` (404 for a deleted customer). */
const CUSTOMER_LISTS: readonly List[] = [
  (api, ctx, c) =>
    api.listAll(ctx, "payment_methods.list", (sdk, p) => sdk.customers.listPaymentMethods(c, p)),
  (api, ctx, c) => api.listAll(ctx, "tax_ids.list", (sdk, p) => sdk.customers.listTaxIds(c, p)),
  (api, ctx, c) =>
    api.listAll(ctx, "balance_transactions.list", (sdk, p) => sdk.customers.listBalanceTransactions(c, p)),
];

/** Top-level lists filtered by `customer`. */
const BY_CUSTOMER: readonly List[] = [
  (api, ctx, c) =>
    api.listAll(ctx, "subscriptions.list", (sdk, p) => sdk.subscriptions.list(p), {
      customer: c,
      status: "all",
    }),
  (api, ctx, c) =>
    api.listAll(ctx, "subscription_schedules.list", (sdk, p) => sdk.subscriptionSchedules.list(p), {
      customer: c,
    }),
  (api, ctx, c) => api.listAll(ctx, "invoices.list", (sdk, p) => sdk.invoices.list(p), { customer: c }),
  (api, ctx, c) =>
    api.listAll(ctx, "credit_notes.list", (sdk, p) => sdk.creditNotes.list(p), { customer: c }),
  (api, ctx, c) => api.listAll(ctx, "quotes.list", (sdk, p) => sdk.quotes.list(p), { customer: c }),
  (api, ctx, c) => api.listAll(ctx, "charges.list", (sdk, p) => sdk.charges.list(p), { customer: c }),
  (api, ctx, c) =>
    api.listAll(ctx, "payment_intents.list", (sdk, p) => sdk.paymentIntents.list(p), { customer: c }),
  (api, ctx, c) =>
    api.listAll(ctx, "setup_intents.list", (sdk, p) => sdk.setupIntents.list(p), { customer: c }),
  (api, ctx, c) =>
    api.listAll(ctx, "checkout.sessions.list", (sdk, p) => sdk.checkout.sessions.list(p), { customer: c }),
];

/** The dispute evidence fields that hold a file id (Stripe's dispute `evidence` object). */
const EVIDENCE_FILES = [
  "cancellation_policy",
  "customer_communication",
  "customer_signature",
  "duplicate_charge_documentation",
  "receipt",
  "refund_policy",
  "service_documentation",
  "shipping_documentation",
  "uncategorized_file",
] as const;

/** Refunds, disputes and the disputes' evidence files of the charges. */
async function chargeChildren(
  api: StripeApi,
  ctx: OperationContext,
  charges: readonly StripeRecord[],
): Promise<StripeRecord[]> {
  const out: StripeRecord[] = [];
  for (const charge of charges) {
    if (Number(charge.amount_refunded) > 0) {
      out.push(
        ...(await api.listAll(ctx, "refunds.list", (sdk, p) => sdk.refunds.list(p), { charge: charge.id })),
      );
    }
    if (charge.disputed !== true) continue;
    const disputes = await api.listAll(ctx, "disputes.list", (sdk, p) => sdk.disputes.list(p), {
      charge: charge.id,
    });
    out.push(...disputes);
    for (const dispute of disputes) {
      const evidence = (dispute.evidence ?? {}) as Record<string, unknown>;
      for (const field of EVIDENCE_FILES) {
        const file = evidence[field];
        if (typeof file !== "string" || file.length === 0) continue;
        out.push(await api.call(ctx, "files.retrieve", (sdk) => sdk.files.retrieve(file)));
      }
    }
  }
  return out;
}

export async function exportRecords(
  api: StripeApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
): Promise<ExportResult> {
  const records: ExportRecord[] = [];
  for (const id of customerIds(refs)) {
    const customer = await retrieveCustomer(api, ctx, id);
    if (!customer) continue;
    records.push(toExportRecord(customer));
    const lists = customer.deleted === true ? BY_CUSTOMER : [...CUSTOMER_LISTS, ...BY_CUSTOMER];
    const charges: StripeRecord[] = [];
    for (const list of lists) {
      for (const object of await list(api, ctx, id)) {
        records.push(toExportRecord(object));
        if (object.object === "charge") charges.push(object);
      }
    }
    for (const object of await chargeChildren(api, ctx, charges)) records.push(toExportRecord(object));
  }
  return { records };
}
