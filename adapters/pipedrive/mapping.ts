/**
 * Pipedrive objects → export records and files of the access package.
 */
import type { ExportFile, ExportRecord, JsonValue } from "../../src/adapter.js";
import type { PipedriveObject } from "./api.js";

/** Record types the adapter exports, in the provider's vocabulary. */
export type PipedriveRecordType =
  | "person"
  | "activity"
  | "deal"
  | "lead"
  | "note"
  | "file"
  | "mail_message"
  | "call_log";

/** The id of a Pipedrive object as a string (`undefined` when it has none). */
export function idOf(object: PipedriveObject): string | undefined {
  const id = object.id;
  return typeof id === "number" || (typeof id === "string" && id.length > 0) ? String(id) : undefined;
}

/** One export record, the object kept as Pipedrive returned it. */
export function toRecord(type: PipedriveRecordType, object: PipedriveObject): ExportRecord | undefined {
  const id = idOf(object);
  return id === undefined ? undefined : { type, id, data: object as JsonValue };
}

/** A mail message of `/v1/persons/{id}/mailMessages` comes wrapped as `{object, timestamp, data}`. */
export function mailRecord(item: PipedriveObject): ExportRecord | undefined {
  const inner = item.data;
  if (typeof inner !== "object" || inner === null) return undefined;
  const id = idOf(inner as PipedriveObject);
  return id === undefined ? undefined : { type: "mail_message", id, data: item as JsonValue };
}

/** The person ids an activity involves: its primary participant and every other participant. */
export function activityPersonIds(activity: PipedriveObject): number[] {
  const ids = new Set<number>();
  if (typeof activity.person_id === "number") ids.add(activity.person_id);
  if (Array.isArray(activity.participants)) {
    for (const p of activity.participants as { person_id?: unknown }[]) {
      if (typeof p?.person_id === "number") ids.add(p.person_id);
    }
  }
  return [...ids];
}

/** Whether `person` is the primary participant of `activity`. */
export function isPrimary(activity: PipedriveObject, person: number): boolean {
  return activity.person_id === person;
}

/** A file name safe inside the package folder: the Pipedrive id first, no path separators. */
export function exportFileName(id: string, name: unknown): string {
  const base = typeof name === "string" && name.trim().length > 0 ? name.trim() : "file";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we strip
  const safe = base.replace(/[\u0000-\u001f/\\:*?"<>|]+/g, "_").slice(0, 120);
  return `file-${id}-${safe}`;
}

/** Builds an export file from a download. */
export function toExportFile(file: PipedriveObject, bytes: Uint8Array): ExportFile {
  const id = idOf(file) ?? "unknown";
  const type = typeof file.file_type === "string" ? file.file_type : "";
  const contentType = CONTENT_TYPES[type] ?? "application/octet-stream";
  return { name: exportFileName(id, file.name ?? file.file_name), contentType, bytes };
}

const CONTENT_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  txt: "text/plain",
  csv: "text/csv",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
};
