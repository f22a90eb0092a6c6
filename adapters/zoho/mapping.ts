/**
 * Zoho records → export records and files, and the module ↔ record-type vocabulary.
 */
import type { ExportRecord, JsonValue, RecordRef } from "../../src/adapter.js";
import type { ZohoRecordJson } from "./api.js";

/** Modules the adapter deletes to and restores from the recycle bin. */
export type ZohoModule = "Contacts" | "Leads" | "Calls";

export const TYPE_OF_MODULE: Readonly<Record<ZohoModule, string>> = {
  Contacts: "contact",
  Leads: "lead",
  Calls: "call",
};

/** A module-scoped record ref (`scope` is the Zoho module). */
export function ref(module: ZohoModule, id: string): RecordRef {
  return { type: TYPE_OF_MODULE[module], id, scope: module };
}

/** The module of a ref, from its scope (or its type). */
export function moduleOf(r: RecordRef): ZohoModule | undefined {
  if (r.scope === "Contacts" || r.scope === "Leads" || r.scope === "Calls") return r.scope;
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
} as const;
