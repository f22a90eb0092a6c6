/**
 * The Stripe simulator's data: customers and what hangs off them, the customer search index, the
 * subscriptions' clock, and the count of irreversible operations per record. Seeding is in
 * seed.ts, the oracle in oracle.ts.
 */
import type { SimEnvironment } from "../../simulator.js";
import type { StripeObject } from "./objects.js";
import { CustomerSearchIndex, type Indexed } from "./search.js";
import { advanceSubscription } from "./subscription-clock.js";

/**
 * Kinds that keep a snapshot of the customer's details after the customer is deleted, until a
 * redaction job redacts them: charges and invoices (billing details), payment intents (receipt
 * email), Checkout Sessions (`customer_details`), disputes (evidence) and evidence files.
 * @see https://docs.stripe.com/api/customers/delete
 * @see https://docs.stripe.com/privacy/deletion-requests
 */
export const SNAPSHOT_KINDS: ReadonlySet<string> = new Set([
  "charge",
  "invoice",
  "payment_intent",
  "checkout.session",
  "dispute",
  "file",
]);

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export class StripeState {
  readonly customers = new Map<string, StripeObject>();
  readonly deletedCustomers = new Set<string>();
  /** Every non-customer object by id, in creation order. */
  readonly children = new Map<string, StripeObject>();
  /** The customer each child belongs to (kept when a payment method is detached). */
  readonly owner = new Map<string, string>();
  readonly redacted = new Set<string>();
  /** The email each customer was seeded with: the oracle's key, kept even after redaction. */
  readonly seededEmail = new Map<string, string>();
  readonly destructive = new Map<string, number>();
  readonly search: CustomerSearchIndex;
  clock = 1_700_000_000;

  constructor(
    readonly env: SimEnvironment,
    searchLagMs: number,
  ) {
    this.search = new CustomerSearchIndex(searchLagMs);
  }

  newId(prefix: string): string {
    let s = "";
    for (let i = 0; i < 14; i += 1) s += ALPHABET[Math.floor(this.env.random() * ALPHABET.length)];
    return `${prefix}_${s}`;
  }

  applied(type: string, id: string): void {
    const key = `${type}:${id}`;
    this.destructive.set(key, (this.destructive.get(key) ?? 0) + 1);
  }

  /** The next creation time of seeded history (seconds; years before any test clock). */
  tick(): number {
    this.clock += 3600 + Math.floor(this.env.random() * 86_400);
    return this.clock;
  }

  /** Now on the simulator's clock, in Stripe's seconds. */
  nowSeconds(): number {
    return Math.floor(this.env.now() / 1000);
  }

  addChild(o: StripeObject, customerId: string): StripeObject {
    this.children.set(o.id, o);
    this.owner.set(o.id, customerId);
    return o;
  }

  indexed(c: StripeObject): Indexed {
    const text = (v: unknown) => (typeof v === "string" ? v : null);
    return { email: text(c.email), phone: text(c.phone), name: text(c.name) };
  }

  /** A child kind of one customer, newest first (Stripe's list order). */
  childrenOf(customerId: string, kind: string): StripeObject[] {
    return this.childrenWhere((o) => o.object === kind && o.customer === customerId);
  }

  /** Children matching `test`, newest first. */
  childrenWhere(test: (o: StripeObject) => boolean): StripeObject[] {
    const out: StripeObject[] = [];
    for (const o of this.children.values()) if (test(o)) out.push(o);
    return out.reverse();
  }

  /** Moves every subscription to the simulator's clock (renewals, ends at period end). */
  advance(): void {
    const now = this.nowSeconds();
    for (const o of this.children.values()) if (o.object === "subscription") advanceSubscription(o, now);
  }

  /** Whether a record still holds the subject's personal data. */
  isLive(o: StripeObject): boolean {
    if (o.object === "customer") return !this.deletedCustomers.has(o.id) && !this.redacted.has(o.id);
    if (SNAPSHOT_KINDS.has(o.object)) return !this.redacted.has(o.id);
    if (o.object === "payment_method") return typeof o.customer === "string" && this.liveCustomer(o.customer);
    const owner = this.owner.get(o.id);
    return owner !== undefined && this.liveCustomer(owner);
  }

  private liveCustomer(id: string): boolean {
    return this.customers.has(id) && !this.deletedCustomers.has(id);
  }

  /**
   * Customer delete: tombstone, active subscriptions cancelled at once, payment methods detached.
   * "Permanently deletes a customer. It cannot be undone. Also immediately cancels any active
   * subscriptions on the customer." https://docs.stripe.com/api/customers/delete
   */
  deleteCustomer(id: string): void {
    // Tests can make a delete not take (the conformance kit's delete-not-taken case).
    if (!this.env.deleteTakes("customer")) return;
    const now = this.nowSeconds();
    this.deletedCustomers.add(id);
    this.applied("customer", id);
    this.search.change(id, null, this.env.now());
    for (const o of this.children.values()) {
      if (o.customer !== id) continue;
      if (o.object === "subscription" && o.status !== "canceled") {
        o.status = "canceled";
        o.canceled_at = now;
        o.ended_at = now;
      }
      if (o.object === "payment_method") o.customer = null;
    }
  }
}
