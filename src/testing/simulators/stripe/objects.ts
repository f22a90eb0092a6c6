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

/** The objects a redaction job was given, by the kind names of `objects[…]` in its create request. */
export type JobObjects = Readonly<Record<JobObjectKind, readonly string[]>>;

/** The kinds a redaction job accepts (those this simulator models). */
export const JOB_OBJECT_KINDS = [
  "customers",
  "charges",
  "invoices",
  "payment_intents",
  "setup_intents",
  "checkout_sessions",
] as const;
export type JobObjectKind = (typeof JOB_OBJECT_KINDS)[number];

/**
 * A redaction job as Stripe returns it. `objects` is expandable: present only when the request
 * asked for `expand[]=objects` (https://docs.stripe.com/api/privacy/redaction-job/object).
 */
export function redactionJob(
  id: string,
  created: number,
  status: string,
  objects: JobObjects,
  validationBehavior: string,
  expandObjects: boolean,
): StripeObject {
  const list = (kind: JobObjectKind) => (objects[kind].length > 0 ? [...objects[kind]] : null);
  const view: StripeObject = {
    id,
    object: "privacy.redaction_job",
    created,
    livemode: false,
    status,
    validation_behavior: validationBehavior,
  };
  if (expandObjects) {
    view.objects = {
      charges: list("charges"),
      checkout_sessions: list("checkout_sessions"),
      customers: list("customers"),
      identity_verification_sessions: null,
      invoices: list("invoices"),
      issuing_cardholders: null,
      payment_intents: list("payment_intents"),
      radar_value_list_items: null,
      setup_intents: list("setup_intents"),
    };
  }
  return view;
}

const R = "[redacted]";

/**
 * Replaces the personal fields of an object, as a succeeded redaction job does: "[redacted] or
 * similar placeholders", and the metadata removed (https://docs.stripe.com/privacy/redaction,
 * https://docs.stripe.com/privacy/redaction-integration).
 */
export function redact(object: StripeObject): void {
  const redactedAddress = () => ({ ...nullAddress(), line1: R });
  switch (object.object) {
    case "customer":
      object.email = R;
      object.name = R;
      object.phone = R;
      object.address = redactedAddress();
      break;
    case "charge":
      object.billing_details = { address: redactedAddress(), email: R, name: R, phone: R, tax_id: null };
      object.receipt_email = R;
      break;
    case "payment_method":
      object.billing_details = { address: redactedAddress(), email: R, name: R, phone: R, tax_id: null };
      break;
    case "invoice":
      object.customer_email = R;
      object.customer_name = R;
      object.customer_phone = R;
      object.customer_address = redactedAddress();
      break;
    case "payment_intent":
      object.receipt_email = R;
      object.shipping = null;
      break;
    case "checkout.session":
      object.customer_email = R;
      object.customer_details = {
        address: redactedAddress(),
        business_name: null,
        email: R,
        individual_name: null,
        name: R,
        phone: R,
        tax_exempt: "none",
        tax_ids: [],
      };
      break;
    case "dispute": {
      const evidence = object.evidence as Record<string, unknown>;
      object.evidence = { ...evidence, billing_address: R, customer_email_address: R, customer_name: R };
      break;
    }
    case "file":
      object.filename = R;
      break;
  }
  if ("metadata" in object) object.metadata = {};
}
