/**
 * Which linked records are the subject's alone (erased with them) and which are kept and reported.
 *
 * - Calls: the call log the integration pushed for the subject; always erased with them.
 * - Deals: never erased. A deal is the CRM owner's sales record: Zoho lets it belong to an account
 *   (`Account_Name`) and to other contacts through Contact Roles, which this adapter does not read.
 *   Deals linked to the subject are exported and reported as a `not_covered` residual with a count.
 * - Tasks, Events, Cases: erased when every person or business lookup on them points at one of the
 *   subject's own contacts and leads (`Who_Id`, `What_Id`, meeting `Participants`; a case's
 *   `Related_To`, `Account_Name`, `Deal_Name`); one that also belongs to an account, a deal or
 *   another person is kept and reported like the deals. CRM users (Owner, participants of type
 *   `user`) do not make a record shared: they are the controller's staff.
 *
 * Field names are Zoho's standard ones; a custom lookup on these modules is not read (see
 * docs/adapters/zoho.md).
 */
import type { Residual } from "../../src/adapter.js";
import type { ZohoRecordJson } from "./api.js";
import { type LinkedModule, TYPE_OF_MODULE } from "./mapping.js";

/** Person and business lookups per module, by field API name. */
const LOOKUPS: Readonly<Record<"Tasks" | "Events" | "Cases", readonly string[]>> = {
  Tasks: ["Who_Id", "What_Id"],
  Events: ["Who_Id", "What_Id"],
  Cases: ["Related_To", "Account_Name", "Deal_Name"],
};

function lookupId(value: unknown): string | undefined {
  if (!value || typeof value !== "object") return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
}

/** Whether a linked record belongs to the subject alone (`persons`: their contact and lead ids). */
export function isSubjectsAlone(
  module: LinkedModule,
  record: ZohoRecordJson,
  persons: ReadonlySet<string>,
  subjectEmail: string | undefined,
): boolean {
  if (module === "Calls") return true;
  if (module === "Deals") return false;
  for (const field of LOOKUPS[module]) {
    const id = lookupId(record[field]);
    if (id !== undefined && !persons.has(id)) return false;
  }
  if (module === "Events" && Array.isArray(record.Participants)) {
    for (const p of record.Participants as Record<string, unknown>[]) {
      if (p?.type === "user") continue;
      const id = typeof p?.participant === "string" ? p.participant : undefined;
      if (id !== undefined && persons.has(id)) continue;
      const email = typeof p?.Email === "string" ? p.Email.trim().toLowerCase() : undefined;
      if (p?.type === "email" && email !== undefined && email === subjectEmail) continue;
      return false;
    }
  }
  return true;
}

/** Kept linked records as `not_covered` residuals, one per record type. Counts only. */
export function keptResiduals(kept: ReadonlyMap<LinkedModule, number>): Residual[] {
  const out: Residual[] = [];
  for (const [module, count] of kept) {
    if (count === 0) continue;
    const type = TYPE_OF_MODULE[module];
    out.push({
      type,
      count,
      reason: "not_covered",
      detail:
        module === "Deals"
          ? `${count} deal(s) linked to the subject were kept: deals are the CRM owner's sales records and may belong to an account and other contacts; review them in Zoho CRM`
          : `${count} ${type}(s) linked to the subject and also to an account, a deal or another person were kept; review them in Zoho CRM`,
    });
  }
  return out;
}
