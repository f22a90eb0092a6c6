/**
 * How HubSpot records read in the access package: the contact with its properties, the calls,
 * notes, emails, meetings and tasks on its timeline, files and email subscriptions. Field names
 * are HubSpot's property names (CRM objects keep them under `properties`).
 *
 * @see https://developers.hubspot.com/docs/guides/api/crm/objects/contacts
 * @see https://developers.hubspot.com/docs/guides/api/crm/engagements/calls (hs_call_duration in ms)
 * @see https://developers.hubspot.com/docs/guides/api/crm/engagements/notes
 * @see https://developers.hubspot.com/docs/guides/api/marketing/subscriptions-preferences
 */
import { type AdapterPresentation, FIELD } from "../../src/presentation.js";

const when = { label: FIELD.date, format: "date" } as const;
const p = (name: string) => `properties.${name}`;

export const presentation: AdapterPresentation = {
  name: "HubSpot",
  types: {
    contact: {
      category: "identity",
      label: { en: "Contact record", nl: "Contactgegevens", de: "Kontaktdaten" },
      title: [p("firstname"), p("lastname")],
      date: p("createdate"),
      fields: {
        [p("firstname")]: FIELD.firstName,
        [p("lastname")]: FIELD.lastName,
        [p("email")]: FIELD.email,
        [p("phone")]: FIELD.phone,
        [p("mobilephone")]: FIELD.mobile,
        [p("company")]: FIELD.company,
        [p("jobtitle")]: FIELD.jobTitle,
        [p("city")]: FIELD.city,
        [p("country")]: FIELD.country,
        [p("lifecyclestage")]: { en: "Relationship stage", nl: "Relatiefase", de: "Beziehungsphase" },
        [p("createdate")]: { label: FIELD.created, format: "date" },
      },
    },
    call: {
      category: "calls",
      label: { en: "Calls", nl: "Gesprekken", de: "Anrufe" },
      title: p("hs_call_title"),
      date: p("hs_timestamp"),
      fields: {
        [p("hs_timestamp")]: when,
        [p("hs_call_direction")]: FIELD.direction,
        [p("hs_call_duration")]: { label: FIELD.duration, format: "duration", unit: "ms" },
        [p("hs_call_from_number")]: FIELD.from,
        [p("hs_call_to_number")]: FIELD.to,
        [p("hs_call_status")]: FIELD.status,
        [p("hs_call_body")]: { label: FIELD.note, format: "html" },
        [p("hs_call_recording_url")]: { en: "Recording", nl: "Opname", de: "Aufnahme" },
      },
    },
    email: {
      category: "communication",
      label: { en: "Emails", nl: "E-mails", de: "E-Mails" },
      title: p("hs_email_subject"),
      date: p("hs_timestamp"),
      fields: {
        [p("hs_timestamp")]: when,
        [p("hs_email_subject")]: FIELD.subject,
        [p("hs_email_direction")]: FIELD.direction,
        [p("hs_email_status")]: FIELD.status,
        [p("hs_email_text")]: FIELD.message,
      },
    },
    note: {
      category: "notes",
      label: { en: "Notes", nl: "Notities", de: "Notizen" },
      title: p("hs_note_body"),
      date: p("hs_timestamp"),
      fields: { [p("hs_timestamp")]: when, [p("hs_note_body")]: { label: FIELD.note, format: "html" } },
    },
    meeting: {
      category: "notes",
      label: { en: "Meetings", nl: "Afspraken", de: "Termine" },
      title: p("hs_meeting_title"),
      date: p("hs_meeting_start_time"),
      fields: {
        [p("hs_meeting_title")]: FIELD.title,
        [p("hs_meeting_start_time")]: {
          label: { en: "Starts", nl: "Begint", de: "Beginnt" },
          format: "date",
        },
        [p("hs_meeting_end_time")]: { label: { en: "Ends", nl: "Eindigt", de: "Endet" }, format: "date" },
        [p("hs_meeting_location")]: { en: "Location", nl: "Locatie", de: "Ort" },
        [p("hs_meeting_outcome")]: { en: "Outcome", nl: "Uitkomst", de: "Ergebnis" },
        [p("hs_meeting_body")]: { label: FIELD.description, format: "html" },
      },
    },
    task: {
      category: "notes",
      label: { en: "Tasks", nl: "Taken", de: "Aufgaben" },
      title: p("hs_task_subject"),
      date: p("hs_timestamp"),
      fields: {
        [p("hs_timestamp")]: when,
        [p("hs_task_subject")]: FIELD.subject,
        [p("hs_task_status")]: FIELD.status,
        [p("hs_task_priority")]: { en: "Priority", nl: "Prioriteit", de: "Priorität" },
        [p("hs_task_body")]: { label: FIELD.description, format: "html" },
      },
    },
    file: {
      category: "files",
      label: { en: "Files", nl: "Bestanden", de: "Dateien" },
      title: "name",
      date: "createdAt",
      fields: {
        name: FIELD.fileName,
        extension: FIELD.type,
        size: FIELD.size,
        createdAt: { label: FIELD.created, format: "date" },
      },
    },
    "communication-preferences": {
      category: "preferences",
      label: { en: "Email subscriptions", nl: "E-mailabonnementen", de: "E-Mail-Abonnements" },
      fields: {
        results: {
          label: { en: "Subscriptions", nl: "Abonnementen", de: "Abonnements" },
          format: "list",
          item: "subscriptionName",
        },
      },
    },
  },
  // knowledge.hubspot.com "How do I perform a GDPR delete in HubSpot?" (purged within 30 days, the
  // address blocklisted) and the calls API (archived calls restorable for 90 days). PROVIDERS.md, [V].
  retention: {
    en: "After a GDPR deletion HubSpot removes the contact within 30 days and keeps the email address on a blocklist so it is not added again; deleted calls can be restored for 90 days.",
    nl: "Na een AVG-verwijdering wist HubSpot het contact binnen 30 dagen en houdt het e-mailadres op een blokkeerlijst zodat het niet opnieuw wordt toegevoegd; verwijderde gesprekken kunnen 90 dagen worden hersteld.",
    de: "Nach einer DSGVO-Löschung entfernt HubSpot den Kontakt innerhalb von 30 Tagen und hält die E-Mail-Adresse auf einer Sperrliste, damit sie nicht erneut angelegt wird; gelöschte Anrufe lassen sich 90 Tage lang wiederherstellen.",
  },
};
