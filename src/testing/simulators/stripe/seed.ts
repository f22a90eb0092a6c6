/**
 * Seeding one Stripe customer with a realistic history: per record a payment method, a subscription
 * (a mix of active, set to cancel by the customer, and canceled) with its Checkout Session and
 * schedule, an invoice, a payment intent with its charge (some refunded, some disputed with an
 * evidence file), a credit note, a setup intent, a quote, a tax id and a balance transaction.
 * History is dated years back; `recentCharges` dates the last charges (and their payment intents)
 * ten days before the simulator's clock, inside Stripe's 90-day window for redaction.
 */
import type { SeedOptions, SimSubject } from "../../simulator.js";
import { charge, creditNote, invoice, subscription } from "./billing-objects.js";
import { type BillingIdentity, balanceTransaction, customer, paymentMethod, taxId } from "./objects.js";
import {
  checkoutSession,
  dispute,
  evidenceFile,
  paymentIntent,
  refund,
  setupIntent,
} from "./payment-objects.js";
import { quote, subscriptionSchedule } from "./schedule-objects.js";
import type { StripeState } from "./state.js";

const DAY = 86_400;

function identity(subject: SimSubject): BillingIdentity {
  const local = subject.email.split("@")[0] ?? "customer";
  return {
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
}

/** One new customer with `records` objects of each kind. Returns its id. */
export function seedCustomer(
  state: StripeState,
  subject: SimSubject,
  options: SeedOptions,
  recentCharges: number,
): string {
  const records = Math.max(1, options.records ?? 5);
  const who = identity(subject);
  const id = state.newId("cus");
  const c = customer(id, who, state.tick());
  state.customers.set(id, c);
  state.seededEmail.set(id, subject.email);
  state.search.seed(id, state.indexed(c));
  const now = state.nowSeconds();
  const add = (o: ReturnType<typeof customer>) => state.addChild(o, id);
  let balance = 0;
  for (let i = 0; i < records; i += 1) {
    const pm = add(paymentMethod(state.newId("pm"), id, who, state.tick(), i));
    // A mix: active, active already set to cancel at period end (not by us), canceled. Active
    // periods are current on the simulator's clock (they end 5 to 29 days from now).
    const subId = state.newId("sub");
    const canceled = i % 3 === 2;
    const periodStart = canceled ? undefined : now - (1 + ((i * 7) % 25)) * DAY;
    add(subscription(subId, id, state.tick(), canceled ? "canceled" : "active", i % 3 === 1, periodStart));
    const amount = 1500 + 100 * i;
    add(checkoutSession(state.newId("cs_test"), id, who, state.tick(), amount, subId));
    add(subscriptionSchedule(state.newId("sub_sched"), id, subId, state.tick()));
    const inv = add(invoice(state.newId("in"), id, who, state.tick(), amount, subId));
    const recent = i >= records - recentCharges;
    const paidAt = recent ? now - (10 + i) * DAY : state.tick();
    const piId = state.newId("pi");
    const chId = state.newId("ch");
    const refunded = i % 4 === 1 ? 500 : 0;
    const disputed = i % 4 === 3;
    add(paymentIntent(piId, id, who, paidAt, amount, chId));
    add(charge(chId, id, who, paidAt, amount, { paymentIntent: piId, amountRefunded: refunded, disputed }));
    if (refunded > 0) add(refund(state.newId("re"), chId, piId, paidAt + DAY, refunded));
    if (disputed) {
      const file = add(evidenceFile(state.newId("file"), paidAt + 2 * DAY));
      add(dispute(state.newId("dp"), chId, piId, who, paidAt + DAY, amount, file.id));
    }
    add(creditNote(state.newId("cn"), id, inv.id, state.tick(), 200));
    add(setupIntent(state.newId("seti"), id, state.tick(), pm.id));
    add(quote(state.newId("qt"), id, state.tick(), amount * 12));
    add(taxId(state.newId("txi"), id, state.tick(), i));
    balance -= 100;
    add(balanceTransaction(state.newId("cbtxn"), id, state.tick(), -100, balance));
  }
  return id;
}
