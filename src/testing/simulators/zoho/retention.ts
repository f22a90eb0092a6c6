/**
 * Seeding for retention sweeps (`seedSubject(subject, { stage, createdAt, lastActivityAt })`). In
 * Zoho a prospect is a Lead and a customer a Contact (converting a Lead makes a Contact, with an
 * Account and a Deal: zoho.com/crm/help/leads/convert-leads.html), so `prospect` keeps only the
 * seeded Lead and `customer`/`closed` only the Contact, each with what hangs off it. Ages go into
 * `Created_Time`, `Modified_Time` and `Last_Activity_Time`; the person's records are dated within.
 * Without a stage the seed keeps both, as it always did.
 */
import { type SeedOptions, seedTimes } from "../../simulator.js";
import type { ZohoRecord, ZohoState } from "./state.js";

const zohoTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** Removes `root` and everything hanging off it, as if it had never been seeded. */
function drop(state: ZohoState, root: ZohoRecord): void {
  const doomed = new Set([root.id]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of state.records.values()) {
      if (r.parentId !== undefined && doomed.has(r.parentId) && !doomed.has(r.id)) {
        doomed.add(r.id);
        grew = true;
      }
    }
  }
  for (const id of doomed) state.records.delete(id);
}

/** Applies `options` to the seeded `[contactId, leadId]`; returns the ids that remain. */
export function applyRetentionSeed(state: ZohoState, ids: string[], options: SeedOptions): string[] {
  const [contactId, leadId] = ids;
  const contact = contactId === undefined ? undefined : state.records.get(contactId);
  const lead = leadId === undefined ? undefined : state.records.get(leadId);
  let keep = [contact, lead].filter((r): r is ZohoRecord => r !== undefined);
  if (options.stage === "prospect" && contact) {
    drop(state, contact);
    keep = lead ? [lead] : [];
  } else if ((options.stage === "customer" || options.stage === "closed") && lead) {
    drop(state, lead);
    keep = contact ? [contact] : [];
  }
  const { createdAt, lastActivityAt } = seedTimes(options);
  if (createdAt !== undefined && lastActivityAt !== undefined) {
    for (const person of keep) {
      person.fields.Created_Time = zohoTime(createdAt);
      person.fields.Modified_Time = zohoTime(lastActivityAt);
      person.fields.Last_Activity_Time = zohoTime(lastActivityAt);
      for (const r of state.records.values()) {
        if (r.parentId === person.id && r.fields.Created_Time !== undefined)
          r.fields.Created_Time = zohoTime(lastActivityAt);
      }
    }
  }
  return keep.map((r) => r.id);
}
