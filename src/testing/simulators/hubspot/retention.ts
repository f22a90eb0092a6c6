/**
 * Seeding for retention sweeps: a contact's lifecycle stage and ages (`seedSubject(subject,
 * { stage, createdAt, lastActivityAt })`). A prospect is stage `lead`, a customer `customer`, a
 * closed account `other` (HubSpot's default stages have no "former customer"; `other` is its
 * wildcard, knowledge.hubspot.com/contacts/use-lifecycle-stages). `createdate` is the creation,
 * `lastmodifieddate` the last activity or change, and `notes_last_updated` ("Last Activity Date")
 * the time of the newest engagement, unset when the contact has none.
 */
import { type SeedOptions, seedTimes } from "../../simulator.js";
import { ENGAGEMENT_TYPES, type HubspotStore } from "./store.js";

const STAGES = { prospect: "lead", customer: "customer", closed: "other" } as const;

/** Gives the seeded contact `options`' stage and ages (no-op when none is given). */
export function applyRetentionSeed(store: HubspotStore, contactId: string, options: SeedOptions): void {
  const { createdAt, lastActivityAt } = seedTimes(options);
  const contact = store.get("contacts", contactId);
  if (!contact || (options.stage === undefined && createdAt === undefined)) return;
  if (options.stage !== undefined) {
    const stage = STAGES[options.stage];
    contact.properties.lifecyclestage = stage;
    const at = store.iso(lastActivityAt ?? contact.updatedAt);
    contact.history.lifecyclestage = [{ value: stage, timestamp: at, sourceType: "CRM_UI" }];
  }
  if (createdAt === undefined || lastActivityAt === undefined) return;
  Object.assign(contact, { createdAt, updatedAt: lastActivityAt });
  contact.properties.createdate = store.iso(createdAt);
  contact.properties.lastmodifieddate = store.iso(lastActivityAt);
  let engagements = 0;
  for (const type of ENGAGEMENT_TYPES) {
    for (const [i, id] of (store.associations.get(contactId)?.get(type) ?? []).entries()) {
      const record = store.get(type, id);
      if (!record) continue;
      const at = Math.max(createdAt, lastActivityAt - i * 3_600_000);
      Object.assign(record, { createdAt: at, updatedAt: at });
      record.properties.hs_timestamp = store.iso(at);
      record.properties.hs_createdate = store.iso(at);
      engagements += 1;
    }
  }
  if (engagements > 0) contact.properties.notes_last_updated = store.iso(lastActivityAt);
  else delete contact.properties.notes_last_updated;
}
