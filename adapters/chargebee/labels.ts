/**
 * How Chargebee records read in the access package. Field names are those of Chargebee's API
 * resources (dates in epoch seconds, amounts in the currency's minor units).
 *
 * @see https://apidocs.chargebee.com/docs/api/customers#customer_attributes
 * @see https://apidocs.chargebee.com/docs/api/subscriptions#subscription_attributes
 * @see https://apidocs.chargebee.com/docs/api/invoices#invoice_attributes
 * @see https://apidocs.chargebee.com/docs/api/transactions#transaction_attributes
 */
import { type AdapterPresentation, FIELD, type LocalizedText } from "../../src/presentation.js";

const money = (label: LocalizedText) => ({ label, format: "money", currency: "currency_code" }) as const;
const date = (label: LocalizedText) => ({ label, format: "date" }) as const;

export const presentation: AdapterPresentation = {
  name: "Chargebee",
  types: {
    customer: {
      category: "identity",
      label: { en: "Customer record", nl: "Klantgegevens", de: "Kundendaten" },
      title: ["first_name", "last_name"],
      date: "created_at",
      fields: {
        first_name: FIELD.firstName,
        last_name: FIELD.lastName,
        email: FIELD.email,
        phone: FIELD.phone,
        company: FIELD.company,
        "billing_address.line1": FIELD.street,
        "billing_address.zip": FIELD.postcode,
        "billing_address.city": FIELD.city,
        "billing_address.country": FIELD.country,
        created_at: date(FIELD.created),
      },
    },
    contact: {
      category: "identity",
      label: {
        en: "Contacts on the account",
        nl: "Contactpersonen bij het account",
        de: "Kontakte des Kontos",
      },
      title: ["first_name", "last_name"],
      fields: {
        first_name: FIELD.firstName,
        last_name: FIELD.lastName,
        email: FIELD.email,
        phone: FIELD.phone,
        label: FIELD.type,
      },
    },
    subscription: {
      category: "contract",
      label: { en: "Subscriptions", nl: "Abonnementen", de: "Abonnements" },
      title: "subscription_items.0.item_price_id",
      date: "created_at",
      fields: {
        status: FIELD.status,
        subscription_items: {
          label: { en: "Plan", nl: "Abonnementsvorm", de: "Tarif" },
          format: "list",
          item: "item_price_id",
        },
        started_at: date({ en: "Started", nl: "Gestart", de: "Begonnen" }),
        current_term_end: date({
          en: "Current term ends",
          nl: "Huidige termijn eindigt",
          de: "Laufzeit endet",
        }),
        cancelled_at: date({ en: "Cancelled", nl: "Opgezegd", de: "Gekündigt" }),
        created_at: date(FIELD.created),
      },
    },
    invoice: {
      category: "billing",
      label: { en: "Invoices", nl: "Facturen", de: "Rechnungen" },
      title: "id",
      date: "date",
      fields: {
        status: FIELD.status,
        total: money(FIELD.total),
        amount_paid: money({ en: "Paid", nl: "Betaald", de: "Bezahlt" }),
        "billing_address.company": FIELD.company,
        "billing_address.city": FIELD.city,
        date: date(FIELD.date),
      },
    },
    credit_note: {
      category: "billing",
      label: { en: "Credit notes", nl: "Creditnota's", de: "Gutschriften" },
      title: "id",
      date: "date",
      fields: {
        total: money(FIELD.total),
        reason_code: FIELD.reason,
        status: FIELD.status,
        reference_invoice_id: { en: "For invoice", nl: "Bij factuur", de: "Zur Rechnung" },
        date: date(FIELD.date),
      },
    },
    transaction: {
      category: "payment",
      label: { en: "Payments", nl: "Betalingen", de: "Zahlungen" },
      title: "type",
      date: "date",
      fields: {
        amount: money(FIELD.amount),
        status: FIELD.status,
        payment_method: { en: "Paid with", nl: "Betaald met", de: "Bezahlt mit" },
        masked_card_number: FIELD.card,
        date: date(FIELD.date),
      },
    },
    payment_source: {
      category: "payment",
      label: { en: "Payment methods", nl: "Betaalmiddelen", de: "Zahlungsmittel" },
      title: ["card.brand", "card.last4"],
      date: "created_at",
      fields: {
        type: FIELD.type,
        "card.brand": FIELD.card,
        "card.last4": FIELD.lastDigits,
        "card.expiry_month": { en: "Expiry month", nl: "Vervalmaand", de: "Ablaufmonat" },
        "card.expiry_year": { en: "Expiry year", nl: "Vervaljaar", de: "Ablaufjahr" },
        status: FIELD.status,
        created_at: date(FIELD.created),
      },
    },
    comment: {
      category: "notes",
      label: {
        en: "Comments by our staff",
        nl: "Opmerkingen van onze medewerkers",
        de: "Kommentare unserer Mitarbeiter",
      },
      title: "notes",
      date: "created_at",
      fields: { notes: FIELD.note, added_by: FIELD.owner, created_at: date(FIELD.created) },
    },
  },
  // https://www.chargebee.com/docs/1.0/personal-data-management.html: invoices keep the billing
  // details "for legal and auditing purposes" after personal data is cleared (PROVIDERS.md, [V]).
  retention: {
    en: "Chargebee keeps the billing details on invoices for legal and auditing purposes, even after your personal data is cleared.",
    nl: "Chargebee bewaart de factuurgegevens op facturen voor wettelijke en controledoeleinden, ook nadat uw persoonsgegevens zijn gewist.",
    de: "Chargebee bewahrt die Rechnungsangaben auf Rechnungen für gesetzliche und Prüfzwecke auf, auch nachdem Ihre personenbezogenen Daten gelöscht wurden.",
  },
};
