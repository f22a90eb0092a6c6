/**
 * Builders of the Stripe objects the simulator serves. Their keys follow the official example
 * objects of `stripe/openapi` (`openapi/fixtures3.json`, `fixtures3.private_preview.json` for
 * `privacy.redaction_job`); the contract test checks that every served object has every key of the
 * fixture of its `object` type. Values are plausible, not copied.
 */

/** A Stripe object as the simulator keeps it. */
export type StripeObject = Record<string, unknown> & { id: string; object: string };

const nullAddress = () => ({
  city: null,
  country: null,
  line1: null,
  line2: null,
  postal_code: null,
  state: null,
});

/** What the seeded subject looks like on billing documents. */
export interface BillingIdentity {
  readonly email: string;
  readonly name: string;
  readonly phone: string | null;
  readonly address: {
    city: string;
    country: string;
    line1: string;
    line2: null;
    postal_code: string;
    state: null;
  };
}

export function customer(id: string, who: BillingIdentity, created: number): StripeObject {
  return {
    id,
    object: "customer",
    address: { ...who.address },
    balance: 0,
    created,
    currency: "eur",
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: who.email,
    invoice_prefix: id.slice(4, 11).toUpperCase(),
    invoice_settings: {
      custom_fields: null,
      default_payment_method: null,
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: {},
    name: who.name,
    next_invoice_sequence: 1,
    phone: who.phone,
    preferred_locales: ["en"],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

export function deletedCustomer(id: string): StripeObject {
  return { id, object: "customer", deleted: true };
}

export function paymentMethod(
  id: string,
  customerId: string,
  who: BillingIdentity,
  created: number,
  n: number,
): StripeObject {
  return {
    id,
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: {
      address: { ...who.address },
      email: who.email,
      name: who.name,
      phone: who.phone,
      tax_id: null,
    },
    card: {
      brand: "visa",
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: who.address.country,
      display_brand: "visa",
      exp_month: 1 + (n % 12),
      exp_year: 2030 + (n % 4),
      fingerprint: `fp${id.slice(3, 17)}`,
      funding: "credit",
      generated_from: null,
      last4: String(4242 + n).slice(-4),
      networks: { available: ["visa"], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created,
    customer: customerId,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: "card",
  };
}

export function charge(
  id: string,
  customerId: string,
  who: BillingIdentity,
  created: number,
  amount: number,
): StripeObject {
  return {
    id,
    object: "charge",
    amount,
    amount_captured: amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: `txn_${id.slice(3)}`,
    billing_details: {
      address: { ...who.address },
      email: who.email,
      name: who.name,
      phone: who.phone,
      tax_id: null,
    },
    calculated_statement_descriptor: "ACME PHONE",
    captured: true,
    created,
    currency: "eur",
    customer: customerId,
    description: "Subscription payment",
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: "approved_by_network",
      reason: null,
      risk_level: "normal",
      seller_message: "Payment complete.",
      type: "authorized",
    },
    paid: true,
    payment_intent: `pi_${id.slice(3)}`,
    payment_method: null,
    payment_method_details: {
      type: "card",
      card: { brand: "visa", last4: "4242", country: who.address.country },
    },
    receipt_email: who.email,
    receipt_number: null,
    receipt_url: `https://pay.stripe.simulator.test/receipts/${id}`,
    refunded: false,
    refunds: { object: "list", data: [], has_more: false, url: `/v1/charges/${id}/refunds` },
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "succeeded",
    transfer_data: null,
    transfer_group: null,
  };
}

export function invoice(
  id: string,
  customerId: string,
  who: BillingIdentity,
  created: number,
  amount: number,
  subscription: string | null,
): StripeObject {
  const period = { end: created, start: created - 30 * 86_400 };
  return {
    id,
    object: "invoice",
    account_country: "IE",
    account_name: "Acme Phone Ltd",
    account_tax_ids: null,
    amount_due: amount,
    amount_overpaid: 0,
    amount_paid: amount,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 1,
    attempted: true,
    auto_advance: false,
    automatic_tax: { enabled: false, liability: null, disabled_reason: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: subscription ? "subscription_cycle" : "manual",
    collection_method: "charge_automatically",
    created,
    currency: "eur",
    custom_fields: null,
    customer: customerId,
    customer_account: null,
    customer_address: { ...who.address },
    customer_email: who.email,
    customer_name: who.name,
    customer_phone: who.phone,
    customer_shipping: null,
    customer_tax_exempt: "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: created,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: `https://invoice.stripe.simulator.test/i/${id}`,
    invoice_pdf: `https://pay.stripe.simulator.test/invoice/${id}/pdf`,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: {
      object: "list",
      data: [
        {
          id: `il_${id.slice(3)}`,
          object: "line_item",
          amount,
          currency: "eur",
          description: "Business phone plan",
          period,
          quantity: 1,
        },
      ],
      has_more: false,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: `${id.slice(3, 10).toUpperCase()}-0001`,
    on_behalf_of: null,
    parent: subscription
      ? {
          quote_details: null,
          subscription_details: { metadata: {}, subscription },
          type: "subscription_details",
        }
      : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: period.end,
    period_start: period.start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: "paid",
    status_transitions: {
      finalized_at: created,
      marked_uncollectible_at: null,
      paid_at: created,
      voided_at: null,
    },
    subscription,
    subtotal: amount,
    subtotal_excluding_tax: amount,
    test_clock: null,
    total: amount,
    total_discount_amounts: [],
    total_excluding_tax: amount,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: created,
  };
}

export function subscription(
  id: string,
  customerId: string,
  created: number,
  status: "active" | "canceled",
  cancelAtPeriodEnd: boolean,
): StripeObject {
  const periodEnd = created + 30 * 86_400;
  return {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false, liability: null, disabled_reason: null },
    billing_cycle_anchor: created,
    billing_cycle_anchor_config: null,
    billing_mode: { type: "classic" },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: cancelAtPeriodEnd ? periodEnd : null,
    cancel_at_period_end: cancelAtPeriodEnd,
    canceled_at: status === "canceled" ? created + 86_400 : null,
    cancellation_details: {
      comment: null,
      feedback: null,
      reason: status === "canceled" ? "cancellation_requested" : null,
    },
    collection_method: "charge_automatically",
    created,
    currency: "eur",
    customer: customerId,
    customer_account: null,
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: status === "canceled" ? created + 86_400 : null,
    invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
    items: {
      object: "list",
      data: [
        {
          id: `si_${id.slice(4)}`,
          object: "subscription_item",
          created,
          current_period_end: periodEnd,
          current_period_start: created,
          metadata: {},
          quantity: 1,
          subscription: id,
        },
      ],
      has_more: false,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: {},
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: null,
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: created,
    status,
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
    trial_start: null,
  };
}

export function creditNote(
  id: string,
  customerId: string,
  invoiceId: string,
  created: number,
  amount: number,
): StripeObject {
  return {
    id,
    object: "credit_note",
    amount,
    amount_shipping: 0,
    created,
    currency: "eur",
    customer: customerId,
    customer_account: null,
    customer_balance_transaction: null,
    discount_amount: 0,
    discount_amounts: [],
    effective_at: created,
    invoice: invoiceId,
    lines: { object: "list", data: [], has_more: false, url: `/v1/credit_notes/${id}/lines` },
    livemode: false,
    memo: "Service credit",
    metadata: {},
    number: `${id.slice(3, 10).toUpperCase()}-CN-01`,
    out_of_band_amount: null,
    pdf: `https://pay.stripe.simulator.test/credit_notes/${id}/pdf`,
    post_payment_amount: amount,
    pre_payment_amount: 0,
    pretax_credit_amounts: [],
    reason: "order_change",
    refunds: [],
    shipping_cost: null,
    status: "issued",
    subtotal: amount,
    subtotal_excluding_tax: amount,
    total: amount,
    total_excluding_tax: amount,
    total_taxes: [],
    type: "post_payment",
    voided_at: null,
  };
}

export function taxId(id: string, customerId: string, created: number, n: number): StripeObject {
  return {
    id,
    object: "tax_id",
    country: "DE",
    created,
    customer: customerId,
    customer_account: null,
    livemode: false,
    owner: { customer: customerId, type: "customer", customer_account: null },
    type: "eu_vat",
    value: `DE${String(123456780 + n)}`,
    verification: { status: "verified", verified_address: null, verified_name: null },
  };
}

export function balanceTransaction(
  id: string,
  customerId: string,
  created: number,
  amount: number,
  ending: number,
): StripeObject {
  return {
    id,
    object: "customer_balance_transaction",
    amount,
    checkout_session: null,
    created,
    credit_note: null,
    currency: "eur",
    customer: customerId,
    customer_account: null,
    description: "Goodwill credit",
    ending_balance: ending,
    invoice: null,
    livemode: false,
    metadata: {},
    type: "adjustment",
  };
}

/** What a redaction job holds besides its public fields. */
export interface JobObjects {
  customers: string[];
  charges: string[];
  invoices: string[];
}

export function redactionJob(
  id: string,
  created: number,
  status: string,
  objects: JobObjects,
  validationBehavior: string,
): StripeObject {
  return {
    id,
    object: "privacy.redaction_job",
    created,
    livemode: false,
    objects: {
      charges: objects.charges,
      checkout_sessions: null,
      customers: objects.customers,
      identity_verification_sessions: null,
      invoices: objects.invoices,
      issuing_cardholders: null,
      payment_intents: null,
      radar_value_list_items: null,
      setup_intents: null,
    },
    status,
    validation_behavior: validationBehavior,
  };
}

/** Replaces the personal fields of a charge or an invoice, as a succeeded redaction job does. */
export function redact(object: StripeObject): void {
  const R = "[redacted]";
  const redactedAddress = () => ({ ...nullAddress(), line1: R });
  if (object.object === "charge") {
    object.billing_details = { address: redactedAddress(), email: R, name: R, phone: R, tax_id: null };
    object.receipt_email = R;
  } else if (object.object === "invoice") {
    object.customer_email = R;
    object.customer_name = R;
    object.customer_phone = R;
    object.customer_address = redactedAddress();
  }
  object.metadata = {};
}
