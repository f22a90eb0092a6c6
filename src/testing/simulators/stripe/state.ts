/**
 * The Stripe simulator's data: customers and what hangs off them, seeding, the oracle and the
 * count of irreversible operations per record.
 */
import type { OracleView, SeedOptions, SimEnvironment, SimSubject } from "../../simulator.js";
import { charge, creditNote, invoice, subscription } from "./billing-objects.js";
import {
  type BillingIdentity,
  balanceTransaction,
  customer,
  paymentMethod,
  type StripeObject,
  taxId,
} from "./objects.js";

/** Kinds listed per customer, with their id prefix. */
export const CHILD_KINDS = {
  payment_method: "pm",
  charge: "ch",
  invoice: "in",
  subscription: "sub",
  credit_note: "cn",
  tax_id: "txi",
  customer_balance_transaction: "cbtxn",
} as const;
export type ChildKind = keyof typeof CHILD_KINDS;

/** Kinds that keep the customer's billing details after the customer is deleted, until redacted. */
const SNAPSHOT_KINDS: ReadonlySet<string> = new Set(["charge", "invoice"]);

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export class StripeState {
  readonly customers = new Map<string, StripeObject>();
  readonly deletedCustomers = new Set<string>();
  /** Every child object by id, in creation order. */
  readonly children = new Map<string, StripeObject>();
  readonly redacted = new Set<string>();
  /** The email each customer was seeded with: the oracle's key, kept even after redaction. */
  private readonly seededEmail = new Map<string, string>();
  readonly destructive = new Map<string, number>();
  private clock = 1_700_000_000;

  constructor(private readonly env: SimEnvironment) {}

  newId(prefix: string): string {
    let s = "";
    for (let i = 0; i < 14; i += 1) s += ALPHABET[Math.floor(this.env.random() * ALPHABET.length)];
    return `${prefix}_${s}`;
  }

  applied(type: string, id: string): void {
    const key = `${type}:${id}`;
    this.destructive.set(key, (this.destructive.get(key) ?? 0) + 1);
  }

  private tick(): number {
    this.clock += 3600 + Math.floor(this.env.random() * 86_400);
    return this.clock;
  }

  /** One new customer with `records` objects of each child kind. Returns its id. */
  seed(subject: SimSubject, options: SeedOptions): string {
    const records = Math.max(1, options.records ?? 5);
    const local = subject.email.split("@")[0] ?? "customer";
    const who: BillingIdentity = {
      email: subject.email,
      name: subject.name ?? local.replace(/[._-]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase()),
      phone: subject.phone ?? null,
      address: {
        city: "Dublin",
        country: "IE",
        line1: "1 Grand Canal Sq",
        line2: null,
        postal_code: "D02",
        state: null,
      },
    };
    const id = this.newId("cus");
    this.customers.set(id, customer(id, who, this.tick()));
    this.seededEmail.set(id, subject.email);
    const add = (o: StripeObject) => this.children.set(o.id, o);
    let balance = 0;
    for (let i = 0; i < records; i += 1) {
      add(paymentMethod(this.newId("pm"), id, who, this.tick(), i));
      // A mix: active, active already set to cancel at period end (not by us), canceled.
      const subId = this.newId("sub");
      add(subscription(subId, id, this.tick(), i % 3 === 2 ? "canceled" : "active", i % 3 === 1));
      const amount = 1500 + 100 * i;
      const inv = invoice(this.newId("in"), id, who, this.tick(), amount, subId);
      add(inv);
      add(charge(this.newId("ch"), id, who, this.tick(), amount));
      add(creditNote(this.newId("cn"), id, inv.id, this.tick(), 200));
      add(taxId(this.newId("txi"), id, this.tick(), i));
      balance -= 100;
      add(balanceTransaction(this.newId("cbtxn"), id, this.tick(), -100, balance));
    }
    return id;
  }

  /** A child kind of one customer, newest first (Stripe's list order). */
  childrenOf(customerId: string, kind: string): StripeObject[] {
    const out: StripeObject[] = [];
    for (const o of this.children.values()) if (o.object === kind && o.customer === customerId) out.push(o);
    return out.reverse();
  }

  /** Whether a record still holds the subject's personal data. */
  isLive(o: StripeObject): boolean {
    if (o.object === "customer") return !this.deletedCustomers.has(o.id) && !this.redacted.has(o.id);
    if (SNAPSHOT_KINDS.has(o.object)) return !this.redacted.has(o.id);
    return (
      typeof o.customer === "string" &&
      this.customers.has(o.customer) &&
      !this.deletedCustomers.has(o.customer)
    );
  }

  /** Customer delete: tombstone, subscriptions cancelled, payment methods detached. */
  deleteCustomer(id: string, now: number): void {
    if (!this.env.deleteTakes("customer")) return;
    this.deletedCustomers.add(id);
    this.applied("customer", id);
    for (const o of this.children.values()) {
      if (o.customer !== id) continue;
      if (o.object === "subscription" && o.status !== "canceled") {
        o.status = "canceled";
        o.canceled_at = Math.floor(now / 1000);
        o.ended_at = Math.floor(now / 1000);
      }
      if (o.object === "payment_method") o.customer = null;
    }
  }

  oracle(subject: SimSubject): OracleView {
    const byType: Record<string, { live: number; trashed: number }> = {};
    let live = 0;
    let restricted = 0;
    const count = (o: StripeObject) => {
      const entry = byType[o.object] ?? { live: 0, trashed: 0 };
      byType[o.object] = entry;
      if (this.isLive(o)) {
        entry.live += 1;
        live += 1;
      }
    };
    const ids = new Set<string>();
    for (const c of this.customers.values()) {
      if (this.seededEmail.get(c.id) !== subject.email) continue;
      ids.add(c.id);
      count(c);
    }
    for (const o of this.children.values()) {
      // Detached payment methods lose their `customer`; they carry the subject's billing details
      // but are counted through `isLive` only while attached.
      if (typeof o.customer !== "string" || !ids.has(o.customer)) continue;
      count(o);
      if (o.object === "subscription" && o.status !== "canceled" && o.cancel_at_period_end === true)
        restricted += 1;
    }
    return { live, trashed: 0, restricted, byType };
  }
}
