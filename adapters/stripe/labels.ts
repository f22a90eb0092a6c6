/**
 * How Stripe records read in the access package: Stripe's objects by category, with the fields a
 * customer recognises. Field names are those of the Stripe API objects.
 *
 * @see https://docs.stripe.com/api/customers/object
 * @see https://docs.stripe.com/api/invoices/object
 * @see https://docs.stripe.com/api/charges/object
 * @see https://docs.stripe.com/api/payment_methods/object
 * @see https://docs.stripe.com/api/payment_intents/object
 * @see https://docs.stripe.com/api/quotes/object
 * @see https://docs.stripe.com/api/checkout/sessions/object
 * @see https://docs.stripe.com/api/disputes/object
 */
import { type AdapterPresentation, FIELD, type LocalizedText } from "../../src/presentation.js";

const money = (label: LocalizedText) => ({ label, format: "money", currency: "currency" }) as const;
const created = { label: FIELD.created, format: "date" } as const;

export const presentation: AdapterPresentation = {
  name: "Stripe",
  types: {
    customer: {
      category: "identity",
      label: { en: "Customer record", nl: "Klantgegevens", de: "Kundendaten" },
      title: "name",
      date: "created",
      fields: {
        name: FIELD.name,
        email: FIELD.email,
        phone: FIELD.phone,
        "address.line1": FIELD.street,
        "address.postal_code": FIELD.postcode,
        "address.city": FIELD.city,
        "address.country": FIELD.country,
        preferred_locales: { label: { en: "Languages", nl: "Talen", de: "Sprachen" }, format: "list" },
        created,
      },
    },
    subscription: {
      category: "contract",
      label: { en: "Subscriptions", nl: "Abonnementen", de: "Abonnements" },
      title: "status",
      date: "created",
      fields: {
        status: FIELD.status,
        start_date: { label: { en: "Started", nl: "Gestart", de: "Begonnen" }, format: "date" },
        cancel_at_period_end: {
          label: { en: "Ends at period end", nl: "Stopt aan einde periode", de: "Endet zum Periodenende" },
          format: "boolean",
        },
        canceled_at: { label: { en: "Cancelled", nl: "Opgezegd", de: "Gekündigt" }, format: "date" },
        created,
      },
    },
    subscription_schedule: {
      category: "contract",
      label: { en: "Subscription schedules", nl: "Abonnementsplanningen", de: "Abonnementpläne" },
      title: "status",
      date: "created",
      fields: {
        status: FIELD.status,
        "current_phase.start_date": {
          label: { en: "Current phase from", nl: "Huidige fase vanaf", de: "Aktuelle Phase ab" },
          format: "date",
        },
        "current_phase.end_date": {
          label: { en: "Current phase to", nl: "Huidige fase tot", de: "Aktuelle Phase bis" },
          format: "date",
        },
        end_behavior: { en: "At the end", nl: "Aan het einde", de: "Am Ende" },
        created,
      },
    },
    quote: {
      category: "contract",
      label: { en: "Quotes", nl: "Offertes", de: "Angebote" },
      title: ["number", "description"],
      date: "created",
      fields: {
        number: FIELD.number,
        description: FIELD.description,
        amount_total: money(FIELD.total),
        status: FIELD.status,
        expires_at: { label: FIELD.expires, format: "date" },
        created,
      },
    },
    invoice: {
      category: "billing",
      label: { en: "Invoices", nl: "Facturen", de: "Rechnungen" },
      title: "number",
      date: "created",
      fields: {
        number: FIELD.number,
        status: FIELD.status,
        total: money(FIELD.total),
        amount_paid: money({ en: "Paid", nl: "Betaald", de: "Bezahlt" }),
        customer_name: FIELD.name,
        customer_email: FIELD.email,
        "customer_address.city": FIELD.city,
        period_start: {
          label: { en: "Period from", nl: "Periode vanaf", de: "Zeitraum ab" },
          format: "date",
        },
        period_end: { label: { en: "Period to", nl: "Periode tot", de: "Zeitraum bis" }, format: "date" },
        created,
      },
    },
    credit_note: {
      category: "billing",
      label: { en: "Credit notes", nl: "Creditnota's", de: "Gutschriften" },
      title: "number",
      date: "created",
      fields: {
        number: FIELD.number,
        total: money(FIELD.total),
        memo: FIELD.description,
        reason: FIELD.reason,
        status: FIELD.status,
        created,
      },
    },
    customer_balance_transaction: {
      category: "billing",
      label: { en: "Balance changes", nl: "Saldowijzigingen", de: "Guthabenänderungen" },
      title: "description",
      date: "created",
      fields: {
        description: FIELD.description,
        amount: money(FIELD.amount),
        ending_balance: money({ en: "Balance after", nl: "Saldo daarna", de: "Guthaben danach" }),
        created,
      },
    },
    tax_id: {
      category: "billing",
      label: { en: "Tax ids", nl: "Btw-nummers", de: "Steuernummern" },
      title: "value",
      date: "created",
      fields: {
        value: FIELD.number,
        type: FIELD.type,
        country: FIELD.country,
        "verification.status": FIELD.status,
        created,
      },
    },
    charge: {
      category: "payment",
      label: { en: "Payments", nl: "Betalingen", de: "Zahlungen" },
      title: "description",
      date: "created",
      fields: {
        amount: money(FIELD.amount),
        status: FIELD.status,
        description: FIELD.description,
        "payment_method_details.card.brand": FIELD.card,
        "payment_method_details.card.last4": FIELD.lastDigits,
        "billing_details.name": FIELD.name,
        "billing_details.email": FIELD.email,
        amount_refunded: money({ en: "Refunded", nl: "Terugbetaald", de: "Erstattet" }),
        created,
      },
    },
    payment_intent: {
      category: "payment",
      label: { en: "Payments started", nl: "Gestarte betalingen", de: "Eingeleitete Zahlungen" },
      title: "description",
      date: "created",
      fields: {
        amount: money(FIELD.amount),
        status: FIELD.status,
        description: FIELD.description,
        receipt_email: { en: "Receipt sent to", nl: "Bewijs gestuurd naar", de: "Beleg gesendet an" },
        created,
      },
    },
    refund: {
      category: "payment",
      label: { en: "Refunds", nl: "Terugbetalingen", de: "Erstattungen" },
      date: "created",
      fields: { amount: money(FIELD.amount), status: FIELD.status, reason: FIELD.reason, created },
    },
    dispute: {
      category: "payment",
      label: { en: "Disputed payments", nl: "Betwiste betalingen", de: "Angefochtene Zahlungen" },
      title: "reason",
      date: "created",
      fields: {
        amount: money(FIELD.amount),
        reason: FIELD.reason,
        status: FIELD.status,
        "evidence.customer_name": FIELD.name,
        "evidence.customer_email_address": FIELD.email,
        "evidence.billing_address": FIELD.address,
        created,
      },
    },
    "checkout.session": {
      category: "payment",
      label: { en: "Checkouts", nl: "Afrekeningen", de: "Bezahlvorgänge" },
      title: "status",
      date: "created",
      fields: {
        amount_total: money(FIELD.total),
        status: FIELD.status,
        payment_status: { en: "Payment", nl: "Betaling", de: "Zahlung" },
        "customer_details.name": FIELD.name,
        "customer_details.email": FIELD.email,
        "customer_details.address.city": FIELD.city,
        created,
      },
    },
    setup_intent: {
      category: "payment",
      label: {
        en: "Payment methods set up",
        nl: "Ingestelde betaalmiddelen",
        de: "Eingerichtete Zahlungsmittel",
      },
      title: "status",
      date: "created",
      fields: { status: FIELD.status, usage: { en: "For", nl: "Voor", de: "Für" }, created },
    },
    file: {
      category: "files",
      label: { en: "Files", nl: "Bestanden", de: "Dateien" },
      title: "filename",
      date: "created",
      fields: { filename: FIELD.fileName, purpose: FIELD.description, size: FIELD.size, created },
    },
    payment_method: {
      category: "payment",
      label: { en: "Payment methods", nl: "Betaalmiddelen", de: "Zahlungsmittel" },
      title: ["card.brand", "card.last4"],
      date: "created",
      fields: {
        "card.brand": FIELD.card,
        "card.last4": FIELD.lastDigits,
        "card.exp_month": { en: "Expiry month", nl: "Vervalmaand", de: "Ablaufmonat" },
        "card.exp_year": { en: "Expiry year", nl: "Vervaljaar", de: "Ablaufjahr" },
        "billing_details.name": FIELD.name,
        "billing_details.email": FIELD.email,
        "billing_details.address.city": FIELD.city,
        created,
      },
    },
  },
  // https://docs.stripe.com/privacy/redaction: Stripe may keep data after redaction where the law
  // requires it (PROVIDERS.md §1.4, [V]).
  retention: {
    en: "Stripe may keep some payment data after we delete it, where the law requires Stripe to keep it.",
    nl: "Stripe kan sommige betaalgegevens bewaren nadat wij ze wissen, als de wet Stripe verplicht ze te bewaren.",
    de: "Stripe kann einige Zahlungsdaten nach unserer Löschung aufbewahren, soweit das Gesetz Stripe dazu verpflichtet.",
  },
};
