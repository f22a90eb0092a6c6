/**
 * How an adapter's records read in the access package (`index.html`): a human name for the service,
 * a category and a label per record type, the fields worth showing with their labels, and what the
 * provider itself does about retention. Optional: an adapter without it still gets a readable page
 * (record types and field names turned into words), only less precise.
 *
 * Everything here is text written by the adapter's author, in the package's three languages
 * (English, Dutch, German: the readers of the page the product started from). A plain string is
 * used for every language.
 *
 * @see docs/writing-an-adapter.md ("How your records read in the access package")
 */

/** Languages of the access package. */
export type AccessLanguage = "en" | "nl" | "de";

/** Every {@link AccessLanguage}, English first (the fallback). */
export const ACCESS_LANGUAGES: readonly AccessLanguage[] = ["en", "nl", "de"];

/**
 * A text in the package's languages. A string is the same in every language (a product name, the
 * controller's own wording); an object gives each language, English required (the fallback).
 */
export type LocalizedText = string | { readonly en: string; readonly nl?: string; readonly de?: string };

/**
 * What kind of personal data a record type holds (GDPR Art. 15(1)(b), "the categories of personal
 * data concerned"). The package groups a service's records by category and lists the categories
 * in its summary, in the reader's language.
 * - `identity`: who the person is and how to reach them (a customer, a contact, a CRM person).
 * - `contract`: subscriptions, plans, deals and projects tied to the person.
 * - `billing`: invoices, credit notes, balances, tax ids.
 * - `payment`: payments, charges, transactions and payment methods (cards: last digits only).
 * - `communication`: emails and messages to or from the person.
 * - `calls`: call logs and call recordings.
 * - `notes`: notes, tasks, meetings and other activities about the person.
 * - `preferences`: marketing and subscription preferences, consents, suppressions.
 * - `delivery`: technical delivery data (bounces, delivery events).
 * - `files`: documents and attachments.
 * - `other`: anything else.
 */
export type DataCategory =
  | "identity"
  | "contract"
  | "billing"
  | "payment"
  | "communication"
  | "calls"
  | "notes"
  | "preferences"
  | "delivery"
  | "files"
  | "other";

/** Every {@link DataCategory}, in the order the package shows them. */
export const DATA_CATEGORIES: readonly DataCategory[] = [
  "identity",
  "contract",
  "billing",
  "payment",
  "communication",
  "calls",
  "notes",
  "preferences",
  "delivery",
  "files",
  "other",
];

/**
 * How to show a field's value:
 * - `text` (default): as given; long texts are cut in the page (the JSON file has them whole).
 * - `date`: an ISO 8601 string, or epoch seconds / milliseconds (numbers or digit strings).
 * - `money`: an amount, in minor units (cents) unless `minorUnits: false`, in the currency read
 *   from the `currency` field (a path in the same record).
 * - `duration`: a number of `unit`s (seconds by default), shown as minutes and seconds.
 * - `boolean`: yes / no in the reader's language.
 * - `html`: HTML turned into plain text (tags dropped; nothing is ever rendered as HTML).
 * - `list`: an array; each item shown by its `item` field (a path), joined with commas.
 */
export type FieldFormat = "text" | "date" | "money" | "duration" | "boolean" | "html" | "list";

/** A field's label and format. A plain {@link LocalizedText} is a label for a `text` field. */
export type FieldPresentation =
  | LocalizedText
  | {
      readonly label: LocalizedText;
      /** @default "text" */
      readonly format?: FieldFormat;
      /** For `money`: path of the currency code in the same record (`"currency"`, `"currency_code"`). */
      readonly currency?: string;
      /** For `money`: amounts are in minor units (cents). @default true */
      readonly minorUnits?: boolean;
      /** For `duration`: unit of the number. @default "s" */
      readonly unit?: "s" | "ms";
      /** For `list`: path of the field of each item to show (`"value"`, `"email_address"`). */
      readonly item?: string;
    };

/**
 * One record type (`invoice`, `call`, …): its category, what one record is called, and which of
 * its fields a person would want to read. Fields are paths into the record's data: `"email"`,
 * `"billing_address.city"`, `"properties.hs_call_title"`.
 */
export interface RecordTypePresentation {
  readonly category: DataCategory;
  /** What one record is called: `{ en: "Invoice", nl: "Factuur", de: "Rechnung" }`. */
  readonly label: LocalizedText;
  /** Field(s) that name a record in its one-line summary, joined with spaces (`["first_name", "last_name"]`). */
  readonly title?: string | readonly string[];
  /** Field with the record's date: shown first in its summary, and the service's "since" in the summary. */
  readonly date?: string;
  /**
   * Fields shown, in this order, with their labels. Every other field stays readable under
   * "all fields" (with its name turned into words), and whole in the JSON file.
   */
  readonly fields?: Readonly<Record<string, FieldPresentation>>;
}

/** How an adapter's data reads in the access package. See the module comment. */
export interface AdapterPresentation {
  /** The service's name as people know it (`"Stripe"`). @default the adapter id */
  readonly name?: string;
  /** Per record type, in the adapter's vocabulary (the `type` of its export records). */
  readonly types?: Readonly<Record<string, RecordTypePresentation>>;
  /**
   * What the provider itself does about keeping data, when it is documented (Postmark deletes
   * message content after 45 days by default): shown under "how long we keep your data" (Art.
   * 15(1)(d)) beside the controller's own retention statement. Cite the source in a comment.
   */
  readonly retention?: LocalizedText;
}

/** The text of `text` in `language` (English when that language is missing). */
export function localize(text: LocalizedText, language: AccessLanguage): string {
  if (typeof text === "string") return text;
  return text[language] ?? text.en;
}

/**
 * Labels of fields many services share, in the three languages, for adapters' presentations
 * (`fields: { email: FIELD.email }`).
 */
export const FIELD = {
  name: { en: "Name", nl: "Naam", de: "Name" },
  firstName: { en: "First name", nl: "Voornaam", de: "Vorname" },
  lastName: { en: "Last name", nl: "Achternaam", de: "Nachname" },
  email: { en: "Email", nl: "E-mail", de: "E-Mail" },
  phone: { en: "Phone", nl: "Telefoon", de: "Telefon" },
  mobile: { en: "Mobile", nl: "Mobiel", de: "Mobil" },
  company: { en: "Company", nl: "Bedrijf", de: "Firma" },
  jobTitle: { en: "Job title", nl: "Functie", de: "Position" },
  address: { en: "Address", nl: "Adres", de: "Adresse" },
  street: { en: "Street", nl: "Straat", de: "Straße" },
  city: { en: "City", nl: "Plaats", de: "Ort" },
  postcode: { en: "Postcode", nl: "Postcode", de: "Postleitzahl" },
  country: { en: "Country", nl: "Land", de: "Land" },
  created: { en: "Created", nl: "Aangemaakt", de: "Erstellt" },
  updated: { en: "Last changed", nl: "Laatst gewijzigd", de: "Zuletzt geändert" },
  date: { en: "Date", nl: "Datum", de: "Datum" },
  status: { en: "Status", nl: "Status", de: "Status" },
  amount: { en: "Amount", nl: "Bedrag", de: "Betrag" },
  total: { en: "Total", nl: "Totaal", de: "Gesamtbetrag" },
  description: { en: "Description", nl: "Omschrijving", de: "Beschreibung" },
  subject: { en: "Subject", nl: "Onderwerp", de: "Betreff" },
  message: { en: "Message", nl: "Bericht", de: "Nachricht" },
  note: { en: "Note", nl: "Notitie", de: "Notiz" },
  from: { en: "From", nl: "Van", de: "Von" },
  to: { en: "To", nl: "Aan", de: "An" },
  direction: { en: "Direction", nl: "Richting", de: "Richtung" },
  duration: { en: "Duration", nl: "Duur", de: "Dauer" },
  owner: { en: "Handled by", nl: "Behandeld door", de: "Bearbeitet von" },
  fileName: { en: "File name", nl: "Bestandsnaam", de: "Dateiname" },
  size: { en: "Size (bytes)", nl: "Grootte (bytes)", de: "Größe (Bytes)" },
  type: { en: "Type", nl: "Soort", de: "Art" },
  title: { en: "Title", nl: "Titel", de: "Titel" },
  reason: { en: "Reason", nl: "Reden", de: "Grund" },
  period: { en: "Billing period", nl: "Factuurperiode", de: "Abrechnungszeitraum" },
  card: { en: "Card", nl: "Kaart", de: "Karte" },
  lastDigits: { en: "Card ending in", nl: "Kaart eindigend op", de: "Karte endet auf" },
  expires: { en: "Expires", nl: "Verloopt", de: "Läuft ab" },
  number: { en: "Number", nl: "Nummer", de: "Nummer" },
  value: { en: "Value", nl: "Waarde", de: "Wert" },
  stage: { en: "Stage", nl: "Fase", de: "Phase" },
} as const satisfies Record<string, LocalizedText>;
