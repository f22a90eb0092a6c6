/**
 * What Chargebee keeps after `clear_personal_data`: the customer's invoices, credit notes and
 * transactions. Chargebee's personal data management clears the fields chosen in Settings ›
 * Personal Data on the customer record only; "to serve legal and auditing purposes" invoices and
 * the like are kept (https://www.chargebee.com/docs/1.0/personal-data-management.html). They are
 * reported as `provider_retains` residuals, counted from the lists by `customer_id` — or, for the
 * types the request keeps on a legal basis (`ctx.retain`), as `legal_retention` with the rule's
 * basis and end.
 */
import type { Residual, RetainedTypes } from "../../src/adapter.js";
import type { CbList, ChargebeeApi, ChargebeeClientLike } from "./api.js";
import { listForCustomers } from "./by-customer.js";

type Lister = (
  client: ChargebeeClientLike,
  params: Record<string, unknown>,
  api: ChargebeeApi,
) => Promise<CbList>;

const KEPT: readonly { type: string; operation: string; plural: string; list: Lister }[] = [
  {
    type: "invoice",
    operation: "invoices.list",
    plural: "invoices",
    list: (c, p, api) => c.invoice.list(p, api.headers()),
  },
  {
    type: "credit_note",
    operation: "credit_notes.list",
    plural: "credit notes",
    list: (c, p, api) => c.creditNote.list(p, api.headers()),
  },
  {
    type: "transaction",
    operation: "transactions.list",
    plural: "transactions",
    list: (c, p, api) => c.transaction.list(p, api.headers()),
  },
];

/** Counts the records Chargebee keeps for the customers, one residual per type that has any. */
export async function retainedAfterClear(
  api: ChargebeeApi,
  customerIds: readonly string[],
  retain: readonly RetainedTypes[] = [],
): Promise<Residual[]> {
  const out: Residual[] = [];
  for (const kept of KEPT) {
    // One list per kind for all the customers (customer_id[in], see by-customer.ts).
    const byCustomer =
      customerIds.length === 0
        ? new Map<string, unknown[]>()
        : await listForCustomers(api, kept.operation, kept.type, (c, p) => kept.list(c, p, api), customerIds);
    let count = 0;
    for (const records of byCustomer.values()) count += records.length;
    if (count === 0) continue;
    const rule = retain.find((r) => r.types.includes(kept.type));
    if (rule) {
      out.push({
        type: kept.type,
        count,
        reason: "legal_retention",
        basis: rule.basis,
        until: rule.until,
        detail: `${count} ${count === 1 ? kept.type.replace("_", " ") : kept.plural} kept at Chargebee on a legal basis (${rule.basis}) until ${rule.until.slice(0, 10)}; the customer's personal fields were cleared`,
      });
      continue;
    }
    out.push({
      type: kept.type,
      count,
      reason: "provider_retains",
      detail: `${count} ${count === 1 ? kept.type.replace("_", " ") : kept.plural} kept by Chargebee for legal and auditing purposes; clearing personal data does not clear them`,
    });
  }
  return out;
}
