/**
 * Zoho records → export records and files, and the module ↔ record-type vocabulary.
 */
import type { ExportRecord, JsonValue, RecordRef } from "../../src/adapter.js";
import type { ZohoRecordJson } from "./api.js";

/** The person modules searched for the subject. */
export type PersonModule = "Contacts" | "Leads";
/** Modules whose records hang off a person through a lookup (a related list of the person). */
export type LinkedModule = "Calls" | "Tasks" | "Events" | "Cases" | "Deals";
/** Every module the adapter locates records in. */
export type ZohoModule = PersonModule | LinkedModule;

export const MODULES: readonly ZohoModule[] = [
  "Contacts",
  "Leads",
  "Calls",
  "Tasks",
  "Events",
  "Cases",
  "Deals",
];

export const TYPE_OF_MODULE: Readonly<Record<ZohoModule, string>> = {
  Contacts: "contact",
  Leads: "lead",
  Calls: "call",
  Tasks: "task",
  Events: "event",
  Cases: "case",
  Deals: "deal",
};

/**
 * The linked related lists read for each person module. API names of Zoho's standard related lists
 * (Deluge and API examples call `Tasks`, `Events`, `Cases`, `Deals` on Contacts and `Tasks` on
 * Leads; Leads carry no deals or cases before conversion). An org whose related lists are renamed
 * makes Zoho answer 400 for that list: the adapter then fails rather than skip it.
 */
export const LINKED_LISTS: Readonly<Record<PersonModule, readonly LinkedModule[]>> = {
  Contacts: ["Calls", "Tasks", "Events", "Cases", "Deals"],
  Leads: ["Calls", "Tasks", "Events"],
};

export function isPerson(module: ZohoModule | undefined): module is PersonModule {
  return module === "Contacts" || module === "Leads";
}

export function asModule(name: unknown): ZohoModule | undefined {
  return typeof name === "string" && (MODULES as readonly string[]).includes(name)
    ? (name as ZohoModule)
    : undefined;
}

/** A module-scoped record ref (`scope` is the Zoho module). */
export function ref(module: ZohoModule, id: string): RecordRef {
  return { type: TYPE_OF_MODULE[module], id, scope: module };
}

/** The module of a ref, from its scope (or its type). */
export function moduleOf(r: RecordRef): ZohoModule | undefined {
  const scoped = asModule(r.scope);
  if (scoped) return scoped;
  const entry = Object.entries(TYPE_OF_MODULE).find(([, type]) => type === r.type);
  return entry?.[0] as ZohoModule | undefined;
}

/** A record's id as a string (Zoho sends ids as strings; be lenient with numbers). */
export function idOf(record: ZohoRecordJson): string | undefined {
  const id = record.id ?? record.message_id;
  return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
}

/** Drops `undefined` and anything not JSON so the record is a {@link JsonValue}. */
function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

/** One exported record. */
export function exportRecord(type: string, record: ZohoRecordJson): ExportRecord {
  return { type, id: idOf(record) ?? "unknown", data: toJson(record) };
}

/** A file name for the package: `<kind>-<attachment id>-<original name>`, no path separators. */
export function fileName(kind: string, attachmentId: string, original: unknown): string {
  const base = typeof original === "string" && original.trim().length > 0 ? original.trim() : "attachment";
  const safe = base
    .replace(/[\\/\0]/g, "_")
    .replace(/^\.+/, "_")
    .slice(0, 120);
  return `${kind}-${attachmentId}-${safe}`;
}

/** Fields asked of related lists (v8 wants `fields` on list APIs). */
export const FIELDS = {
  Notes: "Note_Title,Note_Content,Parent_Id,Owner,Created_Time,Modified_Time",
  Attachments: "File_Name,Size,Parent_Id,Owner,Created_Time,Modified_Time,$file_id,$type,$link_url",
  Calls:
    "Subject,Call_Type,Call_Start_Time,Call_Duration,Call_Duration_in_seconds,Description,Who_Id,What_Id,Owner,Created_Time",
  Tasks: "Subject,Status,Priority,Due_Date,Description,Who_Id,What_Id,Owner,Created_Time,Modified_Time",
  Events:
    "Event_Title,Subject,Start_DateTime,End_DateTime,Venue,Description,Who_Id,What_Id,Participants,Owner,Created_Time,Modified_Time",
  Cases:
    "Subject,Status,Priority,Case_Origin,Description,Email,Phone,Related_To,Account_Name,Deal_Name,Owner,Created_Time,Modified_Time",
  Deals:
    "Deal_Name,Stage,Amount,Closing_Date,Description,Contact_Name,Account_Name,Owner,Created_Time,Modified_Time",
} as const;
