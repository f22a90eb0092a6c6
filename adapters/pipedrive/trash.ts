/**
 * Pipedrive's trash: deleted persons, activities, deals, files and leads are kept for 30 days, then
 * purged ("Marks a person as deleted. After 30 days, the person will be permanently deleted", and
 * the same for activities, deals and files: `pipedrive` 33.7 `dist/versions/{v1,v2}/api/*.d.ts`;
 * https://developers.pipedrive.com/changelog/post/permanent-deletion-logic-for-6-core-entities).
 * Until then any user allowed to see a deleted person, organization, deal, product, lead or
 * activity can restore it from the "Restore data" page, which lists the items deleted in the last
 * 30 days (https://support.pipedrive.com/en/article/restore-data). Files are not on that list:
 * they are kept in the trash until the purge, restorable or not.
 */
import type { Residual } from "../../src/adapter.js";

/** Pipedrive purges soft-deleted records 30 days after the delete. */
export const PURGE_MS = 30 * 24 * 60 * 60 * 1000;

/** Record types that go to the trash, with how a receipt names them. */
const TRASHED = {
  person: ["person", "persons"],
  activity: ["activity", "activities"],
  deal: ["deal", "deals"],
  lead: ["lead", "leads"],
  file: ["file", "files"],
} as const;

export type TrashedType = keyof typeof TRASHED;

/** Counts of records in the trash after a delete, by type. */
export class TrashCount {
  private readonly counts = new Map<TrashedType, number>();

  add(type: TrashedType): void {
    this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
  }

  get total(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  /** One residual per type: `restorable` until the purge, files `provider_retains` until it. */
  residuals(until: string): Residual[] {
    const out: Residual[] = [];
    for (const [type, [one, many]] of Object.entries(TRASHED) as [TrashedType, readonly [string, string]][]) {
      const count = this.counts.get(type) ?? 0;
      if (count === 0) continue;
      const what = `${count} ${count === 1 ? one : many}`;
      out.push(
        type === "file"
          ? {
              type,
              count,
              reason: "provider_retains",
              detail: `${what} kept in Pipedrive's trash until its purge 30 days after deletion`,
              until,
            }
          : {
              type,
              count,
              reason: "restorable",
              detail: `${what} in Pipedrive's trash, restorable from "Restore data" until its purge 30 days after deletion`,
              until,
            },
      );
    }
    return out;
  }
}

/** The residuals still true at `now`: trash residuals end with the purge (their `until`). */
export function residualsAt(residuals: readonly Residual[], now: Date): Residual[] {
  return residuals.filter((r) => r.until === undefined || Date.parse(r.until) > now.getTime());
}
