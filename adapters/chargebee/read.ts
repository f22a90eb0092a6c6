/**
 * Finding a subject's Chargebee customers and reading everything attached to them.
 */
import type {
  ExportFile,
  ExportRecord,
  ExportResult,
  IdentifierKind,
  LocateResult,
  OperationContext,
  RecordRef,
} from "../../src/adapter.js";
import { toFanoutError } from "../../src/http/classify.js";
import { phoneFormats, samePhone } from "../../src/phone.js";
import type { Subject } from "../../src/subject.js";
import type { CbResource, ChargebeeApi } from "./api.js";
import { pdfFields, pdfFile, toRecord } from "./mapping.js";

/** Record types the adapter covers, in Chargebee's vocabulary. */
export const COVERED_TYPES = [
  "customer",
  "contact",
  "subscription",
  "invoice",
  "credit_note",
  "transaction",
  "payment_source",
  "comment",
] as const;

/**
 * Live customers with the subject's email or phone, by the list filters: `email[is]` (for the
 * address as normalised and, when it differs in case, as the caller gave it: whether Chargebee
 * compares case-sensitively is not documented) and `phone[is]` once per form the number may be
 * stored in (`phoneFormats`; whether `is` compares digits or text is not documented either), each
 * phone hit confirmed with `samePhone`. The `phone` filter with the operators `is`, `is_not`,
 * `starts_with`, `is_present` is in the official SDK's list parameters (`chargebee` v3
 * `types/resources/Customer.d.ts`, `ListInputParam`).
 */
export async function customersBySubject(api: ChargebeeApi, subject: Subject): Promise<CbResource[]> {
  const found = new Map<string, CbResource>();
  const list = (filter: Record<string, unknown>) =>
    api.listAll("customers.list", "customer", (c, params) => c.customer.list(params, api.headers()), filter);
  const emails = [subject.email, subject.emailAsGiven].filter((e): e is string => e !== undefined);
  for (const email of emails) {
    for (const customer of await list({ email: { is: email } })) found.set(customer.id, customer);
  }
  const phone = subject.phone;
  if (phone !== undefined) {
    for (const form of phoneFormats(phone)) {
      for (const customer of await list({ phone: { is: form } })) {
        if (typeof customer.phone === "string" && samePhone(customer.phone, phone))
          found.set(customer.id, customer);
      }
    }
  }
  return [...found.values()];
}

/**
 * Customer ids given by the caller (always included when live) and the customers the email and
 * phone filters find; live customers only. The filters run first, so a given id they already
 * returned live is not retrieved a second time in the same step.
 */
export async function locateCustomers(
  api: ChargebeeApi,
  ctx: OperationContext,
  ids: readonly string[],
): Promise<LocateResult> {
  const found = new Map<string, RecordRef>();
  const searchedBy: IdentifierKind[] = [];
  if (ids.length > 0) searchedBy.push("id");
  if (ctx.subject.email !== undefined) searchedBy.push("email");
  if (ctx.subject.phone !== undefined) searchedBy.push("phone");
  for (const customer of await customersBySubject(api, ctx.subject)) {
    // A customer deleted and awaiting its purge is no longer the subject's live data.
    if (customer.deleted !== true) found.set(customer.id, { type: "customer", id: customer.id });
  }
  for (const id of ids) {
    if (found.has(id)) continue;
    const result = await api.optional("customers.retrieve", (c) =>
      c.customer.retrieve(id, undefined, api.headers()),
    );
    if (result && result.customer.deleted !== true) found.set(id, { type: "customer", id });
  }
  return { refs: [...found.values()], coverage: { searchedBy, types: COVERED_TYPES } };
}

/** The customer ids among `refs`. */
export function customerIds(refs: readonly RecordRef[]): string[] {
  return [...new Set(refs.filter((r) => r.type === "customer").map((r) => r.id))];
}

/** Every record of every customer, with PDF download URLs (and the PDFs when `downloadPdfs`). */
export async function exportCustomers(
  api: ChargebeeApi,
  ctx: OperationContext,
  refs: readonly RecordRef[],
  downloadPdfs: boolean,
): Promise<ExportResult> {
  const records: ExportRecord[] = [];
  const files: ExportFile[] = [];
  for (const id of customerIds(refs)) {
    const result = await api.optional("customers.retrieve", (c) =>
      c.customer.retrieve(id, undefined, api.headers()),
    );
    if (!result) continue;
    records.push(toRecord("customer", result.customer));
    const byCustomer = { customer_id: { is: id } };
    const contacts = await api.listAll(
      "customers.contacts",
      "contact",
      (c, p) => c.customer.contactsForCustomer(id, p, api.headers()),
      {},
    );
    for (const contact of contacts) records.push(toRecord("contact", contact, { customer_id: id }));
    const subscriptions = await api.listAll(
      "subscriptions.list",
      "subscription",
      (c, p) => c.subscription.list(p, api.headers()),
      byCustomer,
    );
    for (const s of subscriptions) records.push(toRecord("subscription", s));
    const invoices = await api.listAll(
      "invoices.list",
      "invoice",
      (c, p) => c.invoice.list(p, api.headers()),
      byCustomer,
    );
    for (const invoice of invoices) {
      const pdf = await api.optional("invoices.pdf", (c) =>
        c.invoice.pdf(
          invoice.id,
          undefined,
          api.headers(ctx.idempotencyKey("export-pdf", `invoice:${invoice.id}`)),
        ),
      );
      records.push(toRecord("invoice", invoice, pdfFields(pdf?.download)));
      if (downloadPdfs && pdf)
        files.push(pdfFile("invoice", invoice.id, await download(ctx, pdf.download.download_url)));
    }
    const notes = await api.listAll(
      "credit_notes.list",
      "credit_note",
      (c, p) => c.creditNote.list(p, api.headers()),
      byCustomer,
    );
    for (const note of notes) {
      const pdf = await api.optional("credit_notes.pdf", (c) =>
        c.creditNote.pdf(
          note.id,
          undefined,
          api.headers(ctx.idempotencyKey("export-pdf", `credit_note:${note.id}`)),
        ),
      );
      records.push(toRecord("credit_note", note, pdfFields(pdf?.download)));
      if (downloadPdfs && pdf)
        files.push(pdfFile("credit_note", note.id, await download(ctx, pdf.download.download_url)));
    }
    const transactions = await api.listAll(
      "transactions.list",
      "transaction",
      (c, p) => c.transaction.list(p, api.headers()),
      byCustomer,
    );
    for (const t of transactions) records.push(toRecord("transaction", t));
    const sources = await api.listAll(
      "payment_sources.list",
      "payment_source",
      (c, p) => c.paymentSource.list(p, api.headers()),
      byCustomer,
    );
    for (const s of sources) records.push(toRecord("payment_source", s));
    for (const comment of await customerComments(api, id)) records.push(toRecord("comment", comment));
  }
  return files.length > 0 ? { records, files } : { records };
}

/** Comments on a customer (free-text notes by staff; may name the person). */
export function customerComments(api: ChargebeeApi, customerId: string): Promise<CbResource[]> {
  return api.listAll("comments.list", "comment", (c, p) => c.comment.list(p, api.headers()), {
    entity_type: "customer",
    entity_id: customerId,
  });
}

/**
 * Downloads a PDF from its pre-signed URL. The URL needs no credentials (none are sent) and is
 * never put into an error message.
 */
async function download(ctx: OperationContext, url: string): Promise<Uint8Array> {
  await ctx.rateLimit();
  try {
    const response = await fetch(url, { signal: ctx.signal });
    if (!response.ok) {
      throw Object.assign(new Error("PDF download failed"), {
        status: response.status,
        headers: response.headers,
      });
    }
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw toFanoutError(error, {
      provider: "chargebee",
      operation: "pdf.download",
      redact: [url],
      signal: ctx.signal,
    });
  }
}
