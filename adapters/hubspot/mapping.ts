/**
 * What the HubSpot adapter reads, and how HubSpot objects become {@link ExportRecord}s.
 */
import type { ExportRecord, JsonValue } from "../../src/adapter.js";
import type { CrmObject, EngagementType } from "./api.js";

/** Contact properties exported (values and, for {@link CONTACT_HISTORY_PROPERTIES}, history). */
export const CONTACT_PROPERTIES = [
  "email",
  "firstname",
  "lastname",
  "phone",
  "mobilephone",
  "company",
  "jobtitle",
  "address",
  "city",
  "state",
  "zip",
  "country",
  "website",
  "lifecyclestage",
  "hs_lead_status",
  "hs_additional_emails",
  "hs_language",
  "createdate",
  "lastmodifieddate",
  "hs_object_id",
] as const;

/** Contact properties whose full history of values is exported. */
export const CONTACT_HISTORY_PROPERTIES = [
  "email",
  "firstname",
  "lastname",
  "phone",
  "mobilephone",
  "company",
  "address",
  "lifecyclestage",
] as const;

/** The property that lists an engagement's attached file ids, separated by `;`. */
export const ATTACHMENTS_PROPERTY = "hs_attachment_ids";

/** Engagement properties exported per type (call property names per HubSpot's calls guide). */
export const ENGAGEMENT_PROPERTIES: Readonly<Record<EngagementType, readonly string[]>> = {
  calls: [
    "hs_timestamp",
    "hs_call_title",
    "hs_call_body",
    "hs_call_duration",
    "hs_call_from_number",
    "hs_call_to_number",
    "hs_call_recording_url",
    "hs_call_status",
    "hs_call_direction",
    ATTACHMENTS_PROPERTY,
    "hs_createdate",
  ],
  notes: ["hs_timestamp", "hs_note_body", ATTACHMENTS_PROPERTY, "hs_createdate"],
  emails: [
    "hs_timestamp",
    "hs_email_subject",
    "hs_email_text",
    "hs_email_html",
    "hs_email_direction",
    "hs_email_status",
    ATTACHMENTS_PROPERTY,
    "hs_createdate",
  ],
  meetings: [
    "hs_timestamp",
    "hs_meeting_title",
    "hs_meeting_body",
    "hs_meeting_start_time",
    "hs_meeting_end_time",
    "hs_meeting_location",
    "hs_meeting_outcome",
    ATTACHMENTS_PROPERTY,
    "hs_createdate",
  ],
  tasks: [
    "hs_timestamp",
    "hs_task_subject",
    "hs_task_body",
    "hs_task_status",
    "hs_task_priority",
    ATTACHMENTS_PROPERTY,
    "hs_createdate",
  ],
};

/** Record type names in exports and refs (HubSpot's singular object names). */
export const RECORD_TYPE: Readonly<Record<EngagementType, string>> = {
  calls: "call",
  notes: "note",
  emails: "email",
  meetings: "meeting",
  tasks: "task",
};

/** The file ids attached to an engagement. */
export function attachmentIds(object: CrmObject): string[] {
  const raw = object.properties[ATTACHMENTS_PROPERTY];
  if (!raw) return [];
  return raw
    .split(";")
    .map((id) => id.trim())
    .filter((id) => /^\d+$/.test(id));
}

/** Properties with the extra names an application asked for, without duplicates. */
export function withExtra(base: readonly string[], extra: readonly string[] | undefined): string[] {
  return [...new Set([...base, ...(extra ?? [])])];
}

export function contactRecord(contact: CrmObject): ExportRecord {
  return { type: "contact", id: contact.id, data: contact as unknown as JsonValue };
}

export function engagementRecord(type: EngagementType, object: CrmObject): ExportRecord {
  return { type: RECORD_TYPE[type], id: object.id, data: object as unknown as JsonValue };
}

export function fileRecord(file: Record<string, unknown>): ExportRecord {
  return { type: "file", id: String(file.id), data: file as JsonValue };
}

/** The contact's email subscription statuses, keyed by the contact id (never by the address). */
export function preferencesRecord(contactId: string, statuses: Record<string, unknown>): ExportRecord {
  return {
    type: "communication-preferences",
    id: contactId,
    data: { results: (statuses.results ?? []) as JsonValue },
  };
}
