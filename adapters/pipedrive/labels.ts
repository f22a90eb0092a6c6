/**
 * How Pipedrive records read in the access package. Field names are those of Pipedrive's API
 * objects (deal values in major units, call durations in seconds).
 *
 * @see https://developers.pipedrive.com/docs/api/v1/Persons
 * @see https://developers.pipedrive.com/docs/api/v1/Activities
 * @see https://developers.pipedrive.com/docs/api/v1/Deals
 * @see https://developers.pipedrive.com/docs/api/v1/Leads (value is { amount, currency })
 * @see https://developers.pipedrive.com/docs/api/v1/CallLogs
 * @see https://developers.pipedrive.com/docs/api/v1/MailboxMessages
 */
import { type AdapterPresentation, FIELD } from "../../src/presentation.js";

const created = { label: FIELD.created, format: "date" } as const;

export const presentation: AdapterPresentation = {
  name: "Pipedrive",
  types: {
    person: {
      category: "identity",
      label: { en: "Contact record", nl: "Contactgegevens", de: "Kontaktdaten" },
      title: "name",
      date: "add_time",
      fields: {
        name: FIELD.name,
        emails: { label: FIELD.email, format: "list", item: "value" },
        phones: { label: FIELD.phone, format: "list", item: "value" },
        add_time: created,
        update_time: { label: FIELD.updated, format: "date" },
      },
    },
    deal: {
      category: "contract",
      label: { en: "Deals", nl: "Deals", de: "Geschäfte" },
      title: "title",
      date: "add_time",
      fields: {
        title: FIELD.title,
        value: { label: FIELD.value, format: "money", currency: "currency", minorUnits: false },
        status: FIELD.status,
        add_time: created,
      },
    },
    lead: {
      category: "contract",
      label: { en: "Leads", nl: "Leads", de: "Leads" },
      title: "title",
      date: "add_time",
      fields: {
        title: FIELD.title,
        "value.amount": {
          label: FIELD.value,
          format: "money",
          currency: "value.currency",
          minorUnits: false,
        },
        expected_close_date: {
          label: { en: "Expected to close", nl: "Verwachte afsluiting", de: "Voraussichtlicher Abschluss" },
          format: "date",
        },
        source_name: { en: "Source", nl: "Bron", de: "Quelle" },
        add_time: created,
      },
    },
    call_log: {
      category: "calls",
      label: { en: "Calls", nl: "Gesprekken", de: "Anrufe" },
      title: "subject",
      date: "start_time",
      fields: {
        start_time: { label: FIELD.date, format: "date" },
        duration: { label: FIELD.duration, format: "duration", unit: "s" },
        outcome: { en: "Outcome", nl: "Uitkomst", de: "Ergebnis" },
        from_phone_number: FIELD.from,
        to_phone_number: FIELD.to,
        note: { label: FIELD.note, format: "html" },
        has_recording: { label: { en: "Recorded", nl: "Opgenomen", de: "Aufgezeichnet" }, format: "boolean" },
      },
    },
    mail_message: {
      category: "communication",
      label: { en: "Emails", nl: "E-mails", de: "E-Mails" },
      title: "data.subject",
      date: "data.message_time",
      fields: {
        "data.subject": FIELD.subject,
        "data.from": { label: FIELD.from, format: "list", item: "email_address" },
        "data.to": { label: FIELD.to, format: "list", item: "email_address" },
        "data.snippet": FIELD.message,
        "data.message_time": { label: FIELD.date, format: "date" },
      },
    },
    activity: {
      category: "notes",
      label: { en: "Activities", nl: "Activiteiten", de: "Aktivitäten" },
      title: "subject",
      date: "add_time",
      fields: {
        subject: FIELD.subject,
        type: FIELD.type,
        due_date: { label: { en: "Due", nl: "Gepland op", de: "Fällig" }, format: "date" },
        done: { label: { en: "Done", nl: "Afgerond", de: "Erledigt" }, format: "boolean" },
        note: { label: FIELD.note, format: "html" },
        add_time: created,
      },
    },
    note: {
      category: "notes",
      label: { en: "Notes", nl: "Notities", de: "Notizen" },
      title: "content",
      date: "add_time",
      fields: { content: { label: FIELD.note, format: "html" }, add_time: created },
    },
    file: {
      category: "files",
      label: { en: "Files", nl: "Bestanden", de: "Dateien" },
      title: "name",
      date: "add_time",
      fields: { name: FIELD.fileName, file_type: FIELD.type, file_size: FIELD.size, add_time: created },
    },
  },
  // https://developers.pipedrive.com/changelog/post/permanent-deletion-logic-for-6-core-entities:
  // entities deleted through the API are permanently deleted after 30 days (PROVIDERS.md, [V]).
  retention: {
    en: "Pipedrive permanently deletes what we delete 30 days later.",
    nl: "Pipedrive wist wat wij verwijderen 30 dagen later definitief.",
    de: "Pipedrive löscht, was wir löschen, 30 Tage später endgültig.",
  },
};
