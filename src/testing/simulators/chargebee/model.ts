/**
 * The Chargebee simulator's state: customers and the records that hang off them, in the shapes the
 * API v2 returns (`snake_case`, epoch-second timestamps), plus what the oracle needs to know.
 */
import type { OracleView, SimEnvironment, SimSubject } from "../../simulator.js";

/** A JSON object as the API returns it. */
export type Resource = Record<string, unknown> & { id: string };

/** Record kinds that hang off a customer, keyed by their list name. */
export const CHILD_KINDS = [
  "contact",
  "subscription",
  "invoice",
  "credit_note",
  "transaction",
  "payment_source",
  "comment",
] as const;
export type ChildKind = (typeof CHILD_KINDS)[number];

/** What the simulator keeps about a customer beyond the resource itself. */
export interface CustomerMeta {
  /** Epoch ms at which a scheduled `delete` purges the customer for good. */
  purgeAt?: number;
  /** Epoch ms at which a deferred `clear_personal_data` wipes the PII. */
  clearAt?: number;
  /** Delete preconditions that fail for this customer (see `delete` in routes.ts). */
  blockers: Set<DeleteBlocker>;
}

/** The documented reasons `POST /customers/{id}/delete` refuses. */
export type DeleteBlocker =
  | "account_hierarchy"
  | "gift_subscription"
  | "invoice_paid_by_other"
  | "credit_note_allocated_to_other";

/** Per simulated site settings. */
export interface ChargebeeSiteSettings {
  /** The site's API key (HTTP Basic username). */
  apiKey: string;
  /** Site name; the test site is served at `{site}-test.chargebee.com`. */
  site: string;
  /**
   * Settings › Personal Data › data retention period, in provider milliseconds (scaled through
   * `env.scale`): `0` clears PII at once, more defers the wipe (`pii_cleared: scheduled_for_clear`).
   */
  piiRetentionMs: number;
  /** How long a deleted customer lingers (`deleted: true`) before it is purged. */
  deletePurgeMs: number;
  /** Requests per minute (test sites: 150). */
  requestsPerMinute: number;
  /** How long an idempotency key is remembered. */
  idempotencyWindowMs: number;
}

export const DEFAULT_SITE: ChargebeeSiteSettings = {
  apiKey: "test_cbsim_4f1d2a9c7e5b",
  site: "gdpr-fanout-sim",
  piiRetentionMs: 0,
  // ASSUMPTION [U]: "permanently deleted after a few minutes" modelled as 3 minutes.
  deletePurgeMs: 3 * 60_000,
  requestsPerMinute: 150,
  // ASSUMPTION [U]: idempotency window of 30 minutes (API v1 idempotency page; a wiki says 24 h).
  idempotencyWindowMs: 30 * 60_000,
};

/** The fields `clear_personal_data` blanks on a customer (the usual Settings › Personal Data choice). */
export const CUSTOMER_PII_FIELDS = ["first_name", "last_name", "email", "phone", "company"] as const;

const FIRST = ["Jane", "Ravi", "Ana", "Tom", "Mei", "Lars", "Zoe", "Omar"];
const LAST = ["Doe", "Patel", "Silva", "Berg", "Chen", "Olsen", "Novak", "Haddad"];

/** The whole simulated site. */
export class ChargebeeState {
  readonly customers = new Map<string, Resource>();
  readonly meta = new Map<string, CustomerMeta>();
  readonly children: Record<ChildKind, Map<string, Resource>> = {
    contact: new Map(),
    subscription: new Map(),
    invoice: new Map(),
    credit_note: new Map(),
    transaction: new Map(),
    payment_source: new Map(),
    comment: new Map(),
  };
  /** Subscriptions whose end-of-term cancellation was scheduled through the API (not by the customer). */
  readonly scheduledByApi = new Set<string>();
  readonly destructive = new Map<string, number>();
  private seq = 0;
  private neighbourSeeded = false;

  constructor(
    readonly env: SimEnvironment,
    readonly site: ChargebeeSiteSettings,
  ) {}

  nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}${(this.seq * 7919).toString(36).toUpperCase()}${this.seq}`;
  }

  /** Seconds since the epoch, as Chargebee timestamps are. */
  seconds(offsetMs = 0): number {
    return Math.floor((this.env.now() + offsetMs) / 1000);
  }

  countDestructive(type: string, id: string): void {
    const key = `${type}:${id}`;
    this.destructive.set(key, (this.destructive.get(key) ?? 0) + 1);
  }

  /** Applies what the clock says is due: deferred PII clears and scheduled purges. */
  tick(): void {
    const now = this.env.now();
    for (const [id, meta] of this.meta) {
      if (meta.clearAt !== undefined && meta.clearAt <= now) {
        delete meta.clearAt;
        const customer = this.customers.get(id);
        if (customer) this.wipePii(customer);
      }
      if (meta.purgeAt !== undefined && meta.purgeAt <= now) this.purge(id);
    }
  }

  /** Blanks the PII of a customer and everything personal hanging off it. */
  wipePii(customer: Resource): void {
    for (const field of CUSTOMER_PII_FIELDS) delete customer[field];
    delete customer.billing_address;
    customer.pii_cleared = "cleared";
    customer.updated_at = this.seconds();
    customer.resource_version = Date.now();
    // ASSUMPTION [U]: clearing PII also removes the customer's contacts (they are name/email/phone
    // only); invoices, credit notes and transactions are kept unchanged "for legal and auditing
    // purposes" (documented), so the oracle stops counting them once the customer is anonymised.
    for (const [id, contact] of this.children.contact) {
      if (contact.customer_id === customer.id) this.children.contact.delete(id);
    }
  }

  purge(customerId: string): void {
    this.customers.delete(customerId);
    this.meta.delete(customerId);
    // Comments first: a comment on a subscription finds its customer through the subscription.
    for (const kind of ["comment", ...CHILD_KINDS.filter((k) => k !== "comment")] as ChildKind[]) {
      for (const [id, record] of this.children[kind]) {
        if (this.ownerOf(kind, record) === customerId) this.children[kind].delete(id);
      }
    }
  }

  recordsOf(kind: ChildKind, customerId: string): Resource[] {
    return [...this.children[kind].values()].filter((r) => this.ownerOf(kind, r) === customerId);
  }

  /** The customer a child record belongs to (comments: through the entity they are on). */
  ownerOf(kind: ChildKind, record: Resource): unknown {
    if (kind !== "comment") return record.customer_id;
    if (record.entity_type === "customer") return record.entity_id;
    if (record.entity_type === "subscription") {
      return this.children.subscription.get(String(record.entity_id))?.customer_id;
    }
    return undefined;
  }

  /** Creates realistic data for the subject: two customers sharing the email, records of each kind. */
  seed(subject: SimSubject, records: number): string[] {
    if (!this.neighbourSeeded) {
      this.neighbourSeeded = true;
      this.seedCustomer({ email: "neighbour@elsewhere.test", name: "Nora Neighbour" }, 2);
    }
    return [
      this.seedCustomer(subject, records),
      this.seedCustomer(subject, Math.max(1, Math.ceil(records / 2))),
    ];
  }

  private seedCustomer(subject: SimSubject, n: number): string {
    const r = () => this.env.random();
    const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
    const [first, ...rest] = (subject.name ?? `${pick(FIRST)} ${pick(LAST)}`).split(" ");
    const last = rest.join(" ") || pick(LAST);
    const id = this.nextId("AzZ");
    const created = this.seconds(-400 * 86_400_000);
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
    this.customers.set(id, {
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
    this.meta.set(id, { blockers: new Set() });
    for (let i = 0; i < n; i++) {
      const at = created + (i + 1) * 86_400;
      this.add("contact", {
        id: this.nextId("ct_"),
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
      const termEnd = this.seconds(20 * 86_400_000 + i * 3_600_000);
      const sub: Resource = {
        id: this.nextId("sub_"),
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
      this.add("subscription", sub);
      const invoiceId = this.nextId("inv_");
      this.add("invoice", {
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
      this.add("transaction", {
        id: this.nextId("txn_"),
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
        this.add("credit_note", {
          id: this.nextId("cn_"),
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
        this.add("payment_source", {
          id: this.nextId("pm_"),
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
        this.add("comment", {
          id: this.nextId("cmt_"),
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

  add(kind: ChildKind, record: Resource): void {
    this.children[kind].set(record.id, record);
  }

  /** Customers that still carry the subject's PII (scheduled deletions count as trashed). */
  oracle(subject: SimSubject): OracleView {
    this.tick();
    const email = subject.email.toLowerCase();
    const byType: Record<string, { live: number; trashed: number }> = {};
    const bump = (type: string, field: "live" | "trashed", n = 1) => {
      const entry = byType[type] ?? { live: 0, trashed: 0 };
      entry[field] += n;
      byType[type] = entry;
    };
    let live = 0;
    let trashed = 0;
    let restricted = 0;
    for (const customer of this.customers.values()) {
      if (String(customer.email ?? "").toLowerCase() !== email) continue;
      const field = customer.deleted === true ? "trashed" : "live";
      bump("customer", field);
      if (field === "live") live += 1;
      else trashed += 1;
      for (const kind of CHILD_KINDS) {
        const records = this.recordsOf(kind, customer.id);
        if (records.length === 0) continue;
        bump(kind, field, records.length);
        if (field === "live") live += records.length;
        else trashed += records.length;
        if (kind === "subscription") {
          restricted += records.filter(
            (s) => s.status === "non_renewing" && this.scheduledByApi.has(s.id),
          ).length;
        }
      }
    }
    return { live, trashed, restricted, byType };
  }
}
