/**
 * Seeding of the HubSpot simulator: a contact with property history, `count` engagements of each
 * kind (the phone integration's calls and tasks, the team's notes, emails and meetings), files
 * attached to some of them, the email's subscription statuses, and the portal's shared company and
 * deal that some engagements are also associated with, as they are in a B2B portal.
 */
import type { SimEnvironment, SimSubject } from "../../simulator.js";
import {
  type CrmRecord,
  DAY_MS,
  ENGAGEMENT_TYPES,
  type EngagementType,
  type FileRecord,
  type HubspotStore,
  SUBSCRIPTION_DEFINITIONS,
} from "./store.js";

/** Name of the company (and, with " renewal", the deal) every seeded portal shares. */
const SHARED_COMPANY = "Acme Telecom customer";

/**
 * Engagements (by kind) that the seed also associates with the shared company, and meetings also
 * with the deal: the first of each. Their contact's GDPR delete leaves them on the company's and
 * the deal's timelines (see `gdprDeleteContact`).
 */
const CO_ASSOCIATED: readonly EngagementType[] = ["notes", "emails", "meetings"];

/** Seeds a contact and `count` records of each engagement kind for `subject`; returns the contact id. */
export function seedSubject(
  store: HubspotStore,
  env: SimEnvironment,
  subject: SimSubject,
  count: number,
): string {
  const email = subject.email.trim().toLowerCase();
  const now = env.now();
  const [first = "Jane", last = "Doe"] = (subject.name ?? "Jane Doe").split(" ");
  let contact = store.contactByEmail(email);
  if (!contact) {
    const properties: Record<string, string> = {
      email,
      firstname: first,
      lastname: last,
      lifecyclestage: "customer",
      company: SHARED_COMPANY,
    };
    // The number as the seed was given it: HubSpot keeps a phone value as entered unless the
    // portal validates the property (then E.164), so a test can seed "020 7946 0000" or "0044…".
    if (subject.phone) properties.phone = subject.phone;
    contact = store.createContact(email, properties);
    // Seeded data predates the test: already in the search index.
    contact.indexedAt = Number.NEGATIVE_INFINITY;
    // Property history: an older value for the fields people change.
    const earlier = store.iso(now - 400 * DAY_MS);
    contact.history.lifecyclestage = [
      { value: "customer", timestamp: store.iso(now), sourceType: "CRM_UI" },
      { value: "lead", timestamp: earlier, sourceType: "FORM" },
    ];
    if (subject.phone) {
      contact.history.phone = [
        { value: subject.phone, timestamp: store.iso(now), sourceType: "INTEGRATION" },
        { value: "+442079460999", timestamp: earlier, sourceType: "IMPORT" },
      ];
    }
  }
  const links = store.associations.get(contact.id) ?? new Map<EngagementType, string[]>();
  store.associations.set(contact.id, links);
  const phone = contact.properties.phone ?? "+442079460000";
  const company = sharedRecord(store, "companies", SHARED_COMPANY);
  const deal = sharedRecord(store, "deals", `${SHARED_COMPANY} renewal`);
  for (const type of ENGAGEMENT_TYPES) {
    const ids = links.get(type) ?? [];
    links.set(type, ids);
    for (let i = 0; i < count; i++) {
      const at = now - (i + 1) * 3_600_000;
      const properties = engagementProperties(store, env, type, i, at, phone, email);
      const record: CrmRecord = {
        id: store.newId(),
        type,
        owner: email,
        properties: { ...properties, hs_timestamp: store.iso(at), hs_createdate: store.iso(at) },
        history: {},
        createdAt: at,
        indexedAt: Number.NEGATIVE_INFINITY,
        updatedAt: at,
        state: "live",
      };
      record.properties.hs_object_id = record.id;
      store.records.set(record.id, record);
      ids.push(record.id);
      if (i === 0 && CO_ASSOCIATED.includes(type)) {
        store.link(record.id, "companies", company);
        if (type === "meetings") store.link(record.id, "deals", deal);
      }
    }
  }
  if (!store.preferences.has(email)) {
    store.preferences.set(email, {
      statuses: SUBSCRIPTION_DEFINITIONS.map((d) => ({
        subscriptionId: d.id,
        subscriptionName: d.name,
        status: "SUBSCRIBED",
        source: "Self Service Resubscription",
        timestamp: now - 200 * DAY_MS,
        unsubscribedByApi: false,
      })),
      portalWideUnsubscribed: false,
      wideTimestamp: now - 200 * DAY_MS,
    });
  }
  return contact.id;
}

function sharedRecord(store: HubspotStore, type: "companies" | "deals", name: string): string {
  for (const other of store.others.values()) if (other.type === type && other.name === name) return other.id;
  return store.createOther(type, name);
}

function engagementProperties(
  store: HubspotStore,
  env: SimEnvironment,
  type: EngagementType,
  i: number,
  at: number,
  phone: string,
  email: string,
): Record<string, string> {
  switch (type) {
    case "calls":
      // Call property names checked against HubSpot's calls guide (developers.hubspot.com
      // /docs/guides/api/crm/engagements/calls): hs_call_title, _body, _duration (ms),
      // _from_number, _to_number, _recording_url, _status, _direction. PROVIDERS.md has them [U].
      return {
        hs_call_title: `Support call ${i + 1}`,
        hs_call_body: `Customer called about their line; callback on ${phone}`,
        hs_call_duration: String(60_000 + i * 15_000),
        hs_call_from_number: phone,
        hs_call_to_number: "+442071234567",
        hs_call_recording_url: `https://recordings.acme-telecom.test/rec/${at}.mp3`,
        hs_call_status: "COMPLETED",
        hs_call_direction: "INBOUND",
        // ASSUMPTION [U]: calls and emails carry `hs_attachment_ids` the way notes do.
        hs_attachment_ids: i % 2 === 0 ? attach(store, env, email, `call-${i + 1}-transcript`, "txt") : "",
      };
    case "notes":
      return {
        hs_note_body: `Agent note ${i + 1}: customer asked about roaming`,
        // Notes list attachments in `hs_attachment_ids`, ids joined by ";" (notes guide).
        hs_attachment_ids: i % 2 === 0 ? attach(store, env, email, `note-${i + 1}-scan`, "pdf") : "",
      };
    case "emails":
      return {
        hs_email_subject: `Your invoice ${i + 1}`,
        hs_email_text: `Hello, your invoice for ${email} is attached.`,
        hs_email_direction: "EMAIL",
        hs_attachment_ids: i % 3 === 0 ? attach(store, env, email, `invoice-${i + 1}`, "pdf") : "",
      };
    case "meetings":
      return {
        hs_meeting_title: `Onboarding ${i + 1}`,
        hs_meeting_body: "Walked through the handset setup",
        hs_meeting_start_time: store.iso(at),
      };
    case "tasks":
      return {
        hs_task_subject: `Call back ${phone}`,
        hs_task_body: "Customer asked for a callback",
        hs_task_status: "NOT_STARTED",
      };
  }
}

function attach(
  store: HubspotStore,
  env: SimEnvironment,
  owner: string,
  name: string,
  extension: string,
): string {
  const file: FileRecord = {
    id: String(180_000_000 + store.files.size * 13 + Math.floor(env.random() * 10)),
    owner,
    name,
    extension,
    type: "DOCUMENT",
    size: 2_048 + Math.floor(env.random() * 50_000),
    createdAt: env.now(),
    state: "live",
  };
  store.files.set(file.id, file);
  return file.id;
}
