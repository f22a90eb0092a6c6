/**
 * How Capsule records read in the access package: the party (the person), the entries on its
 * history (notes, emails, call notes, tasks) with their attachments, opportunities and projects.
 * Field names are those of Capsule's API v2 (opportunity values in major units).
 *
 * @see https://developer.capsulecrm.com/v2/operations/Party
 * @see https://developer.capsulecrm.com/v2/operations/Entry
 * @see https://developer.capsulecrm.com/v2/models/opportunity (milestone nested, value in major units)
 * @see https://developer.capsulecrm.com/v2/operations/Case (projects)
 * @see https://developer.capsulecrm.com/v2/models/task
 */
import { type AdapterPresentation, FIELD, type RecordTypePresentation } from "../../src/presentation.js";

const entry = (
  category: RecordTypePresentation["category"],
  label: RecordTypePresentation["label"],
): RecordTypePresentation => ({
  category,
  label,
  title: ["subject", "content"],
  date: "entryAt",
  fields: {
    entryAt: { label: FIELD.date, format: "date" },
    subject: FIELD.subject,
    content: FIELD.message,
    "activityType.name": FIELD.type,
    "creator.name": FIELD.owner,
  },
});

export const presentation: AdapterPresentation = {
  name: "Capsule",
  types: {
    party: {
      category: "identity",
      label: { en: "Contact record", nl: "Contactgegevens", de: "Kontaktdaten" },
      title: ["firstName", "lastName"],
      date: "createdAt",
      fields: {
        firstName: FIELD.firstName,
        lastName: FIELD.lastName,
        emailAddresses: { label: FIELD.email, format: "list", item: "address" },
        phoneNumbers: { label: FIELD.phone, format: "list", item: "number" },
        jobTitle: FIELD.jobTitle,
        "organisation.name": FIELD.company,
        about: FIELD.description,
        tags: { label: { en: "Tags", nl: "Labels", de: "Schlagwörter" }, format: "list", item: "name" },
        createdAt: { label: FIELD.created, format: "date" },
      },
    },
    opportunity: {
      category: "contract",
      label: { en: "Opportunities", nl: "Verkoopkansen", de: "Verkaufschancen" },
      title: "name",
      date: "createdAt",
      fields: {
        name: FIELD.title,
        "value.amount": {
          label: FIELD.value,
          format: "money",
          currency: "value.currency",
          minorUnits: false,
        },
        "milestone.name": FIELD.stage,
        expectedCloseOn: {
          label: { en: "Expected to close", nl: "Verwachte afsluiting", de: "Voraussichtlicher Abschluss" },
          format: "date",
        },
        description: FIELD.description,
      },
    },
    project: {
      category: "contract",
      label: { en: "Projects", nl: "Projecten", de: "Projekte" },
      title: "name",
      fields: { name: FIELD.title, status: FIELD.status, description: FIELD.description },
    },
    email: entry("communication", { en: "Emails", nl: "E-mails", de: "E-Mails" }),
    call: entry("calls", { en: "Call notes", nl: "Gespreksnotities", de: "Anrufnotizen" }),
    note: entry("notes", { en: "Notes", nl: "Notities", de: "Notizen" }),
    // Open tasks come from the task list; completed ones are entries on the party's history.
    task: {
      category: "notes",
      label: { en: "Tasks", nl: "Taken", de: "Aufgaben" },
      title: ["description", "content"],
      date: "createdAt",
      fields: {
        description: FIELD.description,
        content: FIELD.message,
        status: FIELD.status,
        dueOn: { label: { en: "Due", nl: "Gepland op", de: "Fällig" }, format: "date" },
        "owner.name": FIELD.owner,
        "creator.name": FIELD.owner,
        entryAt: { label: FIELD.date, format: "date" },
        createdAt: { label: FIELD.created, format: "date" },
      },
    },
    attachment: {
      category: "files",
      label: { en: "Attachments", nl: "Bijlagen", de: "Anhänge" },
      title: "filename",
      fields: { filename: FIELD.fileName, contentType: FIELD.type, size: FIELD.size },
    },
  },
  // No retention of its own is documented for Capsule (PROVIDERS.md §7: no restore found, [U]).
};
