/**
 * Integration scope in the HubSpot simulator (docs/tenants.md): a caller of the portal's owner, the
 * contact the owner keeps of them with records its users entered, and the call engagements (with
 * recordings, a transcript file and a voicemail note) that a phone integration wrote. The oracle
 * counts the integration's records apart from the owner's.
 *
 * Provenance, as HubSpot records it: every CRM object carries the read-only "Record source"
 * properties, set by HubSpot and not editable (knowledge.hubspot.com/properties/view-and-use-the-
 * record-source-property, 2024-04-05): `hs_object_source` (`INTEGRATION` for an app's API writes,
 * `CRM_UI` for a user's), `hs_object_source_id` (the app's id) and `hs_object_source_label`.
 * ASSUMPTION [S]: the property names and the app id in `hs_object_source_id` come from objects
 * returned by the API in public repositories (e.g. `"hs_object_source":"INTEGRATION",
 * "hs_object_source_id":"14696758"`), not from HubSpot's reference pages, which document the
 * property only in the UI's words; a user's record carries `hs_object_source_user_id`.
 * The calls search the adapter uses to find them by number is in calls-search.ts.
 */
import { phoneFormats } from "../../../phone.js";
import type {
  IntegrationOracleView,
  IntegrationSeed,
  IntegrationSeedOptions,
  SimCaller,
  SimEnvironment,
} from "../../simulator.js";
import { callerKey, IntegrationLedger } from "../integration-ledger.js";
import type { CrmRecord, EngagementType, FileRecord, HubspotStore } from "./store.js";

/** The id of the phone integration's app (what `hs_object_source_id` carries on what it wrote). */
export const DEFAULT_APP_ID = "4242001";
/** The portal user who entered the owner's records. */
const OWNER_USER_ID = "77001";
/** The tenant's own line: the other end of every call. */
const TENANT_LINE = "+442071234567";

export { IntegrationLedger };

const SINGULAR: Readonly<Record<string, string>> = {
  contacts: "contact",
  calls: "call",
  notes: "note",
  emails: "email",
  meetings: "meeting",
  tasks: "task",
};

function record(
  store: HubspotStore,
  type: CrmRecord["type"],
  owner: string,
  properties: Record<string, string>,
  at: number,
): CrmRecord {
  const r: CrmRecord = {
    id: store.newId(),
    type,
    owner,
    properties: { ...properties, hs_createdate: store.iso(at), hs_timestamp: store.iso(at) },
    history: {},
    createdAt: at,
    indexedAt: Number.NEGATIVE_INFINITY,
    updatedAt: at,
    state: "live",
  };
  r.properties.hs_object_id = r.id;
  store.records.set(r.id, r);
  return r;
}

function associate(store: HubspotStore, contactId: string | undefined, type: EngagementType, id: string) {
  if (contactId === undefined) return;
  const links = store.associations.get(contactId) ?? new Map<EngagementType, string[]>();
  store.associations.set(contactId, links);
  links.set(type, [...(links.get(type) ?? []), id]);
}

const byIntegration = (appId: string) => ({
  hs_object_source: "INTEGRATION",
  hs_object_source_id: appId,
  hs_object_source_label: "INTEGRATION",
});
const byOwner = { hs_object_source: "CRM_UI", hs_object_source_user_id: OWNER_USER_ID };

/** Seeds a caller: the owner's contact and records, the integration's calls (see the module comment). */
export function seedIntegration(
  store: HubspotStore,
  env: SimEnvironment,
  ledger: IntegrationLedger,
  appId: string,
  caller: SimCaller,
  options: IntegrationSeedOptions,
): IntegrationSeed {
  const calls = options.calls ?? 3;
  const key = callerKey(caller);
  const owner = `caller:${key}`;
  const book = ledger.of(caller);
  const now = env.now();
  const forms = key.startsWith("+") ? phoneFormats(key) : [caller.phone];
  let contactId: string | undefined;
  if (options.contact ?? true) {
    const [first = "Sam", last = "Caller"] = (caller.name ?? "Sam Caller").split(" ");
    const contact = record(
      store,
      "contacts",
      owner,
      { firstname: first, lastname: last, phone: caller.phone, ...byOwner },
      now - 90 * 86_400_000,
    );
    contactId = contact.id;
    store.associations.set(contact.id, new Map());
    const note = record(store, "notes", owner, { hs_note_body: "Met at the trade fair", ...byOwner }, now);
    const manual = record(
      store,
      "calls",
      owner,
      { hs_call_title: "Logged by hand", hs_call_to_number: key, hs_call_direction: "OUTBOUND", ...byOwner },
      now,
    );
    associate(store, contactId, "notes", note.id);
    associate(store, contactId, "calls", manual.id);
    for (const r of [contact, note, manual]) book.tenant.add(`${SINGULAR[r.type]}:${r.id}`);
  }
  for (let i = 0; i < calls; i++) {
    const at = now - (i + 1) * 3_600_000;
    const inbound = i % 2 === 0;
    // The integration wrote the number in whatever form its telephony gave it.
    const number = forms[i % forms.length] ?? caller.phone;
    const properties: Record<string, string> = {
      hs_call_title: inbound ? "Inbound call" : "Outbound call",
      hs_call_body: "Logged by the phone integration",
      hs_call_direction: inbound ? "INBOUND" : "OUTBOUND",
      hs_call_from_number: inbound ? number : TENANT_LINE,
      hs_call_to_number: inbound ? TENANT_LINE : number,
      hs_call_duration: String(45_000 + i * 10_000),
      hs_call_status: "COMPLETED",
      hs_call_recording_url: `https://recordings.phone-integration.test/${at}.mp3`,
      ...byIntegration(appId),
    };
    if (i === 0) {
      const file = transcript(store, env, owner);
      properties.hs_attachment_ids = file.id;
      book.integration.add(`file:${file.id}`);
    }
    const call = record(store, "calls", owner, properties, at);
    associate(store, contactId, "calls", call.id);
    book.integration.add(`call:${call.id}`);
  }
  const voicemail = record(
    store,
    "notes",
    owner,
    { hs_note_body: "Voicemail transcript (phone integration)", ...byIntegration(appId) },
    now,
  );
  associate(store, contactId, "notes", voicemail.id);
  book.integration.add(`note:${voicemail.id}`);
  // Another caller's call, also the integration's: a lookup by number must leave it alone.
  record(
    store,
    "calls",
    "caller:other",
    {
      hs_call_from_number: "+442079460999",
      hs_call_to_number: TENANT_LINE,
      hs_call_direction: "INBOUND",
      ...byIntegration(appId),
    },
    now,
  );
  const ids = (set: Set<string>) => [...set].filter((k) => !k.startsWith("file:"));
  const integrationIds = ids(book.integration).sort((a, b) => order(a) - order(b));
  return { integrationIds, tenantIds: ids(book.tenant) };
}

/** Calls first: `integrationIds[0]` is a call. */
const order = (key: string) => (key.startsWith("call:") ? 0 : 1);

function transcript(store: HubspotStore, env: SimEnvironment, owner: string): FileRecord {
  const file: FileRecord = {
    id: String(190_000_000 + store.files.size * 13 + Math.floor(env.random() * 10)),
    owner,
    name: "call-transcript",
    extension: "txt",
    type: "DOCUMENT",
    size: 1_024,
    createdAt: env.now(),
    state: "live",
  };
  store.files.set(file.id, file);
  return file;
}

/** The caller's records: the integration's apart from the owner's. */
export function integrationOracle(
  store: HubspotStore,
  ledger: IntegrationLedger,
  caller: SimCaller,
): IntegrationOracleView {
  store.sweep();
  const book = ledger.of(caller);
  const byType: Record<string, { integration: number; tenant: number }> = {};
  const bump = (type: string, side: "integration" | "tenant") => {
    const entry = byType[type] ?? { integration: 0, tenant: 0 };
    entry[side] += 1;
    byType[type] = entry;
  };
  let integration = 0;
  let calls = 0;
  let trashed = 0;
  let tenant = 0;
  for (const key of book.integration) {
    const [type = "", id = ""] = key.split(":");
    if (type === "file") {
      if (store.files.get(id)?.state === "live") {
        integration++;
        bump("file", "integration");
      }
      continue;
    }
    const r = store.records.get(id);
    if (!r) continue;
    if (r.state !== "live") {
      trashed++;
      continue;
    }
    integration++;
    bump(type, "integration");
    if (type === "call") {
      calls++;
      if (r.properties.hs_call_recording_url) bump("recording", "integration");
    }
  }
  for (const key of book.tenant) {
    const [type = "", id = ""] = key.split(":");
    if (store.records.get(id)?.state === "live") {
      tenant++;
      bump(type, "tenant");
    }
  }
  return { integration, calls, integrationTrashed: trashed, tenant, byType };
}
