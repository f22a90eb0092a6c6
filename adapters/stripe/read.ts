/**
 * Locate and export. Locate trusts the ids given in `subject.ids.stripe`, then pages through the
 * strongly consistent `GET /v1/customers?email=` (never the eventually consistent Search API):
 * every customer sharing the email is the subject's.
 */
import type {
  ExportRecord,
  ExportResult,
  LocateResult,
  OperationContext,
  RecordRef,
} from "../../src/adapter.js";
import type { Subject } from "../../src/subject.js";
import { isResourceMissing, type StripeApi, type StripeRecord } from "./api.js";
import { customerIds, customerRef, toExportRecord } from "./mapping.js";

export async function locate(api: StripeApi, subject: Subject, ctx: OperationContext): Promise<LocateResult> {
  const found = new Set<string>();
  for (const id of subject.ids.stripe ?? []) {
    try {
      const customer = await api.call(ctx, "customers.retrieve", (sdk) => sdk.customers.retrieve(id));
      if (customer.deleted !== true) found.add(customer.id);
    } catch (error) {
      if (!isResourceMissing(error)) throw error;
    }
  }
  if (subject.email !== undefined) {
    const email = subject.email;
    const customers = await api.listAll(ctx, "customers.list", (sdk, params) => sdk.customers.list(params), {
      email,
    });
    for (const c of customers) if (c.deleted !== true) found.add(c.id);
  }
  return { refs: [...found].map(customerRef) };
}

/** Every list hanging off one customer, in export order. */
const LISTS: readonly {
  operation: string;
  list: (api: StripeApi, ctx: OperationContext, customer: string) => Promise<StripeRecord[]>;
}[] = [
  {
    operation: "payment_methods.list",
    list: (api, ctx, c) =>
      api.listAll(ctx, "payment_methods.list", (sdk, p) => sdk.customers.listPaymentMethods(c, p)),
  },
  {
    operation: "tax_ids.list",
    list: (api, ctx, c) => api.listAll(ctx, "tax_ids.list", (sdk, p) => sdk.customers.listTaxIds(c, p)),
  },
  {
    operation: "balance_transactions.list",
    list: (api, ctx, c) =>
      api.listAll(ctx, "balance_transactions.list", (sdk, p) => sdk.customers.listBalanceTransactions(c, p)),
  },
  {
    operation: "subscriptions.list",
    list: (api, ctx, c) =>
      api.listAll(ctx, "subscriptions.list", (sdk, p) => sdk.subscriptions.list(p), {
        customer: c,
        status: "all",
      }),
  },
  {
    operation: "invoices.list",
    list: (api, ctx, c) =>
      api.listAll(ctx, "invoices.list", (sdk, p) => sdk.invoices.list(p), { customer: c }),
  },
  {
    operation: "charges.list",
    list: (api, ctx, c) => api.listAll(ctx, "charges.list", (sdk, p) => sdk.charges.list(p), { customer: c }),
  },
  {
    operation: "credit_notes.list",
    list: (api, ctx, c) =>
      api.listAll(ctx, "credit_notes.list", (sdk, p) => sdk.creditNotes.list(p), { customer: c }),
  },
];

export async function exportRecords(
  api: StripeApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
): Promise<ExportResult> {
  const records: ExportRecord[] = [];
  for (const id of customerIds(refs)) {
    let customer: StripeRecord;
    try {
      customer = await api.call(ctx, "customers.retrieve", (sdk) => sdk.customers.retrieve(id));
    } catch (error) {
      if (isResourceMissing(error)) continue;
      throw error;
    }
    if (customer.deleted === true) continue;
    records.push(toExportRecord(customer));
    for (const { list } of LISTS) {
      for (const object of await list(api, ctx, id)) records.push(toExportRecord(object));
    }
  }
  return { records };
}

/** Charges and invoices of a customer: the objects that keep billing details after a delete. */
export async function billingDocuments(
  api: StripeApi,
  ctx: OperationContext,
  customer: string,
): Promise<{ charges: string[]; invoices: string[] }> {
  const list = async (kind: "charges" | "invoices") => {
    try {
      const items = await api.listAll(ctx, `${kind}.list`, (sdk, p) => sdk[kind].list(p), { customer });
      return items.map((o) => o.id);
    } catch (error) {
      if (isResourceMissing(error)) return [];
      throw error;
    }
  };
  return { charges: await list("charges"), invoices: await list("invoices") };
}
