/**
 * How Zoho CRM records read in the access package. Field names are the API names of Zoho's
 * standard modules (Contacts, Leads, Calls, Notes, Attachments) and of its related Emails list.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-records.html
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-related-records.html
 * @see https://www.zoho.com/crm/developer/docs/api/v8/get-email-rel-list.html
 * @see https://www.zoho.com/crm/developer/docs/api/v8/modules-api.html (Tasks, Events, Cases, Deals)
 */
import { type AdapterPresentation, FIELD, type RecordTypePresentation } from "../../src/presentation.js";

const created = { label: FIELD.created, format: "date" } as const;

const person = (label: RecordTypePresentation["label"]): RecordTypePresentation => ({
  category: "identity",
  label,
  title: "Full_Name",
  date: "Created_Time",
  fields: {
    First_Name: FIELD.firstName,
    Last_Name: FIELD.lastName,
    Email: FIELD.email,
    Phone: FIELD.phone,
    Mobile: FIELD.mobile,
    Company: FIELD.company,
    Title: FIELD.jobTitle,
    Lead_Status: FIELD.status,
    "Owner.name": FIELD.owner,
    Created_Time: created,
  },
});

const attachment = (label: RecordTypePresentation["label"]): RecordTypePresentation => ({
  category: "files",
  label,
  title: "File_Name",
  date: "Created_Time",
  fields: { File_Name: FIELD.fileName, Size: FIELD.size, Created_Time: created },
});

export const presentation: AdapterPresentation = {
  name: "Zoho CRM",
  types: {
    contact: person({ en: "Contact record", nl: "Contactgegevens", de: "Kontaktdaten" }),
    lead: person({ en: "Lead record", nl: "Gegevens als prospect", de: "Interessentendaten" }),
    call: {
      category: "calls",
      label: { en: "Calls", nl: "Gesprekken", de: "Anrufe" },
      title: "Subject",
      date: "Call_Start_Time",
      fields: {
        Call_Start_Time: { label: FIELD.date, format: "date" },
        Call_Type: FIELD.direction,
        Call_Duration_in_seconds: { label: FIELD.duration, format: "duration", unit: "s" },
        Description: FIELD.description,
        "Owner.name": FIELD.owner,
      },
    },
    task: {
      category: "notes",
      label: { en: "Tasks", nl: "Taken", de: "Aufgaben" },
      title: "Subject",
      date: "Created_Time",
      fields: {
        Subject: FIELD.subject,
        Status: FIELD.status,
        Due_Date: { label: { en: "Due", nl: "Gepland op", de: "Fällig" }, format: "date" },
        "Owner.name": FIELD.owner,
        Created_Time: created,
      },
    },
    event: {
      category: "notes",
      label: { en: "Meetings", nl: "Afspraken", de: "Termine" },
      title: "Event_Title",
      date: "Start_DateTime",
      fields: {
        Event_Title: FIELD.title,
        Start_DateTime: { label: { en: "Starts", nl: "Begint", de: "Beginnt" }, format: "date" },
        End_DateTime: { label: { en: "Ends", nl: "Eindigt", de: "Endet" }, format: "date" },
        Participants: {
          label: { en: "Participants", nl: "Deelnemers", de: "Teilnehmer" },
          format: "list",
          item: "name",
        },
        "Owner.name": FIELD.owner,
      },
    },
    case: {
      category: "communication",
      label: { en: "Support cases", nl: "Supportvragen", de: "Supportfälle" },
      title: "Subject",
      date: "Created_Time",
      fields: {
        Subject: FIELD.subject,
        Status: FIELD.status,
        Case_Origin: { en: "Came in by", nl: "Binnengekomen via", de: "Eingegangen über" },
        Email: FIELD.email,
        Created_Time: created,
      },
    },
    deal: {
      category: "contract",
      label: { en: "Deals", nl: "Deals", de: "Geschäfte" },
      title: "Deal_Name",
      date: "Created_Time",
      fields: {
        Deal_Name: FIELD.title,
        Stage: FIELD.stage,
        Amount: { label: FIELD.value, format: "money", currency: "Currency", minorUnits: false },
        Closing_Date: { label: { en: "Closing", nl: "Afsluiting", de: "Abschluss" }, format: "date" },
        Created_Time: created,
      },
    },
    email: {
      category: "communication",
      label: { en: "Emails", nl: "E-mails", de: "E-Mails" },
      title: "subject",
      date: "sent_time",
      fields: {
        subject: FIELD.subject,
        "from.email": FIELD.from,
        to: { label: FIELD.to, format: "list", item: "email" },
        sent_time: { label: FIELD.date, format: "date" },
        status: { label: FIELD.status, format: "list", item: "type" },
      },
    },
    note: {
      category: "notes",
      label: { en: "Notes", nl: "Notities", de: "Notizen" },
      title: "Note_Title",
      date: "Created_Time",
      fields: {
        Note_Title: FIELD.title,
        Note_Content: { label: FIELD.note, format: "html" },
        Created_Time: created,
      },
    },
    contact_attachment: attachment({ en: "Attachments", nl: "Bijlagen", de: "Anhänge" }),
    lead_attachment: attachment({
      en: "Attachments to the lead",
      nl: "Bijlagen bij de prospect",
      de: "Anhänge zum Interessenten",
    }),
    call_attachment: attachment({
      en: "Attachments to calls",
      nl: "Bijlagen bij gesprekken",
      de: "Anhänge zu Anrufen",
    }),
  },
  // Zoho CRM help "Recycle Bin" and the v8 delete-records API: deleted records stay in the recycle
  // bin for 60 days, then are deleted permanently (PROVIDERS.md §6, [V]).
  retention: {
    en: "Zoho CRM keeps deleted records in its recycle bin for 60 days before deleting them permanently.",
    nl: "Zoho CRM bewaart verwijderde gegevens 60 dagen in de prullenbak voordat ze definitief worden gewist.",
    de: "Zoho CRM bewahrt gelöschte Datensätze 60 Tage im Papierkorb auf, bevor sie endgültig gelöscht werden.",
  },
};
