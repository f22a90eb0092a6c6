/**
 * What a HubSpot erasure leaves restorable: the engagements the adapter archived sit in the
 * portal's recycle bin, where a user can restore them from the UI until HubSpot purges them.
 *
 * Sources: the calls v3 spec ("Deleted calls can be restored within 90 days of being deleted, but
 * call recordings recording will be permanently deleted"); the tasks and notes v3 specs (archive
 * "moves the object to the recycling bin"); knowledge.hubspot.com/records/restore-deleted-records
 * (2025-11-10: records can be restored "up to 90 days after they were deleted"). No API restores
 * them (PROVIDERS.md §4.5: no restore endpoint in any spec of the collection).
 */
import type { Residual } from "../../src/adapter.js";
import type { EngagementType } from "./api.js";
import { RECORD_TYPE } from "./mapping.js";

const PLURAL: Readonly<Record<EngagementType, string>> = {
  calls: "calls",
  notes: "notes",
  emails: "emails",
  meetings: "meetings",
  tasks: "tasks",
};

/** One `restorable` residual per engagement type with archived records (counts only). */
export function restorableResiduals(
  counts: readonly (readonly [EngagementType, number])[],
  until: string | undefined,
): Residual[] {
  const out: Residual[] = [];
  for (const [type, count] of counts) {
    if (count <= 0) continue;
    const recording = type === "calls" ? " (their recordings were deleted at once)" : "";
    out.push({
      type: RECORD_TYPE[type],
      count,
      reason: "restorable",
      detail:
        `${count} archived HubSpot ${PLURAL[type]}${recording} can be restored from the recycle bin ` +
        "by a portal user until HubSpot purges them, 90 days after they were archived",
      ...(until !== undefined ? { until } : {}),
    });
  }
  return out;
}
