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

/**
 * Runs `seed` and returns what it returned with the records it added, in order, by watching
 * `state.add` while it runs (scanning the org after each seed would make a large seed quadratic).
 */
export function seeding<T>(state: ZohoState, seed: () => T): { result: T; added: ZohoRecord[] } {
  const added: ZohoRecord[] = [];
  const original = state.add;
  state.add = (record) => {
    added.push(record);
    return original.call(state, record);
  };
  try {
    return { result: seed(), added };
  } finally {
    state.add = original;
  }
}

/** Removes `root` and what hangs off it among `added` (a record is added after its parent). */
function drop(state: ZohoState, root: ZohoRecord, added: readonly ZohoRecord[]): void {
  const doomed = new Set([root.id]);
  for (const r of added) if (r.parentId !== undefined && doomed.has(r.parentId)) doomed.add(r.id);
  for (const id of doomed) state.records.delete(id);
}

/**
 * Applies `options` to the seeded `[contactId, leadId]` (`added`: the records the seed created);
 * returns the ids that remain.
 */
export function applyRetentionSeed(
  state: ZohoState,
  ids: string[],
  options: SeedOptions,
  added: readonly ZohoRecord[],
): string[] {
  const [contactId, leadId] = ids;
  const contact = contactId === undefined ? undefined : state.records.get(contactId);
  const lead = leadId === undefined ? undefined : state.records.get(leadId);
  let keep = [contact, lead].filter((r): r is ZohoRecord => r !== undefined);
  if (options.stage === "prospect" && contact) {
    drop(state, contact, added);
    keep = lead ? [lead] : [];
  } else if ((options.stage === "customer" || options.stage === "closed") && lead) {
    drop(state, lead, added);
    keep = contact ? [contact] : [];
  }
  const { createdAt, lastActivityAt } = seedTimes(options);
  if (createdAt !== undefined && lastActivityAt !== undefined) {
    for (const person of keep) {
      person.fields.Created_Time = zohoTime(createdAt);
      person.fields.Modified_Time = zohoTime(lastActivityAt);
      person.fields.Last_Activity_Time = zohoTime(lastActivityAt);
      for (const r of added) {
        if (r.parentId === person.id && r.fields.Created_Time !== undefined)
          r.fields.Created_Time = zohoTime(lastActivityAt);
      }
    }
  }
  return keep.map((r) => r.id);
}
