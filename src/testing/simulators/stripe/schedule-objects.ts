/**
 * Builders of the customer's quotes and subscription schedules. Keys follow `stripe/openapi`'s
 * `fixtures3.json` (see objects.ts). Neither snapshots the customer's details: they hold the
 * customer's id only, so they stop being about the subject once the customer is deleted.
 *
 * @see https://docs.stripe.com/api/quotes/object
 * @see https://docs.stripe.com/api/subscription_schedules/object
 */
import type { StripeObject } from "./objects.js";

export function quote(id: string, customerId: string, created: number, amount: number): StripeObject {
  const total = { amount_discount: 0, amount_shipping: 0, amount_tax: 0 };
  return {
    id,
    object: "quote",
    amount_subtotal: amount,
    amount_total: amount,
    application: null,
    application_fee_amount: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false, liability: null, status: null, provider: null },
    collection_method: "charge_automatically",
    computed: {
      recurring: null,
      upfront: { amount_subtotal: amount, amount_total: amount, total_details: total },
    },
    created,
    currency: "eur",
    customer: customerId,
    customer_account: null,
    default_tax_rates: [],
    description: "Business phone plan, 12 seats",
    discounts: [],
    expires_at: created + 30 * 86_400,
    footer: null,
    from_quote: null,
    header: null,
    invoice: null,
    invoice_settings: { days_until_due: null, issuer: { type: "self" } },
    livemode: false,
    metadata: {},
    number: `QT-${id.slice(3, 9).toUpperCase()}`,
    on_behalf_of: null,
    status: "accepted",
    status_transitions: { accepted_at: created + 3600, canceled_at: null, finalized_at: created + 60 },
    subscription: null,
    subscription_data: { description: null, effective_date: null, metadata: null, trial_period_days: null },
    subscription_schedule: null,
    test_clock: null,
    total_details: total,
    transfer_data: null,
  };
}

export function subscriptionSchedule(
  id: string,
  customerId: string,
  subscriptionId: string,
  created: number,
): StripeObject {
  const end = created + 365 * 86_400;
  return {
    id,
    object: "subscription_schedule",
    application: null,
    billing_mode: { type: "classic" },
    canceled_at: null,
    completed_at: null,
    created,
    current_phase: { end_date: end, start_date: created },
    customer: customerId,
    customer_account: null,
    default_settings: {
      application_fee_percent: null,
      automatic_tax: { enabled: false, liability: null, disabled_reason: null },
      billing_cycle_anchor: "automatic",
      collection_method: "charge_automatically",
      default_payment_method: null,
      description: null,
      invoice_settings: { account_tax_ids: null, days_until_due: null, issuer: { type: "self" } },
      on_behalf_of: null,
      transfer_data: null,
    },
    end_behavior: "release",
    livemode: false,
    metadata: {},
    phases: [
      {
        add_invoice_items: [],
        currency: "eur",
        end_date: end,
        items: [{ metadata: {}, price: "price_sim_phone_plan", quantity: 1, tax_rates: [] }],
        metadata: {},
        proration_behavior: "create_prorations",
        start_date: created,
      },
    ],
    released_at: null,
    released_subscription: null,
    status: "active",
    subscription: subscriptionId,
    test_clock: null,
  };
}
