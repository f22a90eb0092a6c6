/**
 * Capsule records → {@link ExportRecord}s and attachment bytes → {@link ExportFile}s for the access
 * package. Data is kept as Capsule returned it; only the record type is derived.
 */
import type { ExportFile, ExportRecord, JsonValue } from "../../src/adapter.js";
import type { CapsuleEntry, CapsuleParty, CapsuleRecord, CapsuleTask } from "./api.js";

/** The export type of an entry: `call` for call notes, else Capsule's own `note` / `email` / `task`. */
export function entryKind(entry: CapsuleEntry): string {
  if (entry.activityType?.name?.toLowerCase() === "call") return "call";
  return typeof entry.type === "string" && entry.type ? entry.type : "entry";
}

export function partyRecord(party: CapsuleParty): ExportRecord {
  return { type: "party", id: String(party.id), data: party as unknown as JsonValue };
}

export function entryRecord(entry: CapsuleEntry): ExportRecord {
  return { type: entryKind(entry), id: String(entry.id), data: entry as unknown as JsonValue };
}

export function opportunityRecord(opportunity: CapsuleRecord): ExportRecord {
  return { type: "opportunity", id: String(opportunity.id), data: opportunity as unknown as JsonValue };
}

/**
 * An open or pending task. Completed tasks are in the party's history, as `task` entries; these
 * come from the task list and say `status: "OPEN"` or `"PENDING"` in their data.
 */
export function taskRecord(task: CapsuleTask): ExportRecord {
  return { type: "task", id: String(task.id), data: task as unknown as JsonValue };
}

/** The tasks on the party, or on one of its opportunities or projects. */
export function partyTasks(
  tasks: readonly CapsuleTask[],
  partyId: string,
  opportunities: readonly CapsuleRecord[],
  projects: readonly CapsuleRecord[],
): CapsuleTask[] {
  const opportunityIds = new Set(opportunities.map((o) => o.id));
  const projectIds = new Set(projects.map((k) => k.id));
  return tasks.filter(
    (t) =>
      (t.party != null && String(t.party.id) === partyId) ||
      (t.opportunity != null && opportunityIds.has(t.opportunity.id)) ||
      (t.kase != null && projectIds.has(t.kase.id)),
  );
}

/** Capsule calls projects `kases` in its API; the package says `project`. */
export function projectRecord(kase: CapsuleRecord): ExportRecord {
  return { type: "project", id: String(kase.id), data: kase as unknown as JsonValue };
}

/** An attachment's metadata (its bytes are the {@link ExportFile} named in `data.file`). */
export function attachmentRecord(
  entryId: number,
  meta: { id: number; filename?: string; contentType?: string; size?: number },
  file: ExportFile | undefined,
): ExportRecord {
  const data: { [key: string]: JsonValue } = { ...(meta as { [key: string]: JsonValue }), entryId };
  data.file = file ? file.name : null;
  return { type: "attachment", id: String(meta.id), data };
}

/** A file name that is unique in the package and safe on every file system. */
export function attachmentFile(
  entryId: number,
  attachmentId: number,
  filename: string | undefined,
  contentType: string,
  bytes: Uint8Array,
): ExportFile {
  const safe = (filename ?? "attachment")
    .replace(/[/\\:*?"<>|\p{Cc}]+/gu, "_")
    .replace(/^\.+/, "_")
    .slice(0, 120);
  return {
    name: `entry-${entryId}-attachment-${attachmentId}-${safe || "attachment"}`,
    contentType: contentType.split(";")[0]?.trim() || "application/octet-stream",
    bytes,
  };
}
