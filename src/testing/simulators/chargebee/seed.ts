/**
 * Realistic seeded data for the Chargebee simulator: a customer with contacts, subscriptions in
 * every state, paid invoices, credit notes, transactions, payment sources and staff comments.
 */
import type { SimSubject } from "../../simulator.js";
import type { ChargebeeState, Resource } from "./model.js";

const FIRST = ["Jane", "Ravi", "Ana", "Tom", "Mei", "Lars", "Zoe", "Omar"];
const LAST = ["Doe", "Patel", "Silva", "Berg", "Chen", "Olsen", "Novak", "Haddad"];

/** Creates one customer with the subject's email and `n` records of each kind; returns its id. */
export function seedCustomer(state: ChargebeeState, subject: SimSubject, n: number): string {
  const r = () => state.env.random();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const [first, ...rest] = (subject.name ?? `${pick(FIRST)} ${pick(LAST)}`).split(" ");
  const last = rest.join(" ") || pick(LAST);
  const id = state.nextId("AzZ");
  const created = state.seconds(-400 * 86_400_000);
  const address = {
    first_name: first,
    last_name: last,
    email: subject.email,
    company: "Acme Telecom Ltd",
    phone: subject.phone ?? "+44 20 7946 0000",
    line1: `${Math.floor(r() * 200) + 1} Harbour Street`,
    city: "London",
    zip: "EC1A 1BB",
    country: "GB",
    validation_status: "not_validated",
    object: "billing_address",
  };
  state.customers.set(id, {
    id,
    first_name: first,
    last_name: last,
    email: subject.email,
    phone: subject.phone ?? "+44 20 7946 0000",
    company: "Acme Telecom Ltd",
    auto_collection: "on",
    net_term_days: 0,
    allow_direct_debit: false,
    created_at: created,
    updated_at: created,
    taxability: "taxable",
    pii_cleared: "active",
    channel: "web",
    resource_version: created * 1000,
    deleted: false,
    object: "customer",
    billing_address: address,
    card_status: "valid",
    preferred_currency_code: "EUR",
    mrr: 0,
  });
  state.meta.set(id, { blockers: new Set() });
  for (let i = 0; i < n; i++) {
    const at = created + (i + 1) * 86_400;
    state.add("contact", {
      id: state.nextId("ct_"),
      customer_id: id,
      first_name: pick(FIRST),
      last_name: last,
      email: `${pick(FIRST).toLowerCase()}.${i}@acme-telecom.test`,
      phone: `+44 20 7946 ${String(1000 + i).padStart(4, "0")}`,
      label: i === 0 ? "billing" : "ops",
      enabled: true,
      send_account_email: true,
      send_billing_email: i === 0,
      object: "contact",
    });
    // One subscription the customer already scheduled to cancel and one cancelled, so that
    // restrict/unrestrict must tell its own changes from the customer's.
    const status = i === 0 && n > 2 ? "non_renewing" : i === 1 && n > 2 ? "cancelled" : "active";
    const termEnd = state.seconds(20 * 86_400_000 + i * 3_600_000);
    const sub: Resource = {
      id: state.nextId("sub_"),
      customer_id: id,
      status,
      billing_period: 1,
      billing_period_unit: "month",
      current_term_start: termEnd - 30 * 86_400,
      current_term_end: termEnd,
      created_at: at,
      started_at: at,
      activated_at: at,
      currency_code: "EUR",
      subscription_items: [
        { item_price_id: "phone-line-EUR-monthly", quantity: 1, unit_price: 1500, item_type: "plan" },
      ],
      deleted: false,
      object: "subscription",
    };
    if (status === "non_renewing") {
      sub.cancelled_at = termEnd;
      sub.cancel_schedule_created_at = at + 86_400;
    }
    if (status === "cancelled") sub.cancelled_at = at + 10 * 86_400;
    state.add("subscription", sub);
    const invoiceId = state.nextId("inv_");
    state.add("invoice", {
      id: invoiceId,
      customer_id: id,
      subscription_id: sub.id,
      status: "paid",
      date: at,
      total: 1500 + i,
      amount_paid: 1500 + i,
      currency_code: "EUR",
      billing_address: { ...address },
      line_items: [
        {
          id: `li_${invoiceId}`,
          description: "Phone line",
          amount: 1500 + i,
          entity_type: "plan_item_price",
        },
      ],
      object: "invoice",
    });
    state.add("transaction", {
      id: state.nextId("txn_"),
      customer_id: id,
      subscription_id: sub.id,
      type: "payment",
      status: "success",
      amount: 1500 + i,
      currency_code: "EUR",
      date: at,
      payment_method: "card",
      masked_card_number: "************4242",
      linked_invoices: [{ invoice_id: invoiceId, applied_amount: 1500 + i }],
      object: "transaction",
    });
    if (i % 2 === 0) {
      state.add("credit_note", {
        id: state.nextId("cn_"),
        customer_id: id,
        reference_invoice_id: invoiceId,
        type: "refundable",
        reason_code: "service_unsatisfactory",
        status: "refunded",
        date: at + 3600,
        total: 200,
        currency_code: "EUR",
        billing_address: { ...address },
        object: "credit_note",
      });
    }
    if (i < 2) {
      state.add("payment_source", {
        id: state.nextId("pm_"),
        customer_id: id,
        type: "card",
        status: "valid",
        gateway: "stripe",
        reference_id: `cus_sim/card_${i}`,
        card: {
          first_name: first,
          last_name: last,
          last4: "4242",
          brand: "visa",
          expiry_month: 12,
          expiry_year: 2030,
          masked_number: "************4242",
          object: "card",
        },
        created_at: at,
        deleted: false,
        object: "payment_source",
      });
      state.add("comment", {
        id: state.nextId("cmt_"),
        entity_type: "customer",
        entity_id: id,
        notes: `Called ${first} about the porting of their number`,
        added_by: "support@acme-telecom.test",
        type: "user",
        created_at: at,
        object: "comment",
      });
    }
  }
  return id;
}
