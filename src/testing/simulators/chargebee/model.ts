/**
 * The Chargebee simulator's state: customers and the records that hang off them, in the shapes the
 * API v2 returns (`snake_case`, epoch-second timestamps), plus what the oracle needs to know.
 */
import type { OracleView, SimEnvironment, SimSubject } from "../../simulator.js";
import { seedCustomer } from "./seed.js";

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

  /** Applies what the clock says is due: ended terms, deferred PII clears and scheduled purges. */
  tick(): void {
    const now = this.env.now();
    // A `non_renewing` subscription "will be automatically canceled on renewal"
    // [V: chargebee.com/docs/1.0/subscriptions/articles-and-faq/how-can-i-cancel-a-subscription-using-the-apis.html]:
    // at `cancelled_at` (its term end, epoch seconds) it becomes `cancelled`, for good.
    for (const sub of this.children.subscription.values()) {
      if (
        sub.status === "non_renewing" &&
        typeof sub.cancelled_at === "number" &&
        sub.cancelled_at * 1000 <= now
      ) {
        sub.status = "cancelled";
        sub.updated_at = sub.cancelled_at;
        delete sub.cancel_schedule_created_at;
        this.scheduledByApi.delete(sub.id);
      }
    }
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
      seedCustomer(this, { email: "neighbour@elsewhere.test", name: "Nora Neighbour" }, 2);
    }
    return [
      seedCustomer(this, subject, records),
      seedCustomer(this, subject, Math.max(1, Math.ceil(records / 2))),
    ];
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
        // Comments on subscriptions (restrict's markers) are the integration's own notes, not the
        // subject's data; the subject's comments are those on the customer.
        const records = this.recordsOf(kind, customer.id).filter(
          (r) => kind !== "comment" || r.entity_type === "customer",
        );
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
