/**
 * Contact routes of the HubSpot simulator: read (by id or `idProperty=email`), create, search and
 * GDPR delete.
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { decode, listParam, notFound, objectJson } from "./objects.js";
import { hubspotError } from "./responses.js";
import { type CrmRecord, DAY_MS, GDPR_PURGE_DAYS, type HubspotStore } from "./store.js";

const SEARCH_LIMIT_MAX = 200;
// ASSUMPTION [U]: the search index trails writes by about two seconds ("may take a few moments").
const SEARCH_INDEX_LAG_MS = 2_000;

/** `GET /crm/v3/objects/contacts/{contactId}` */
export function getContact(store: HubspotStore, req: SimRequest, rawId: string): SimResponse {
  const id = decode(rawId);
  const archived = req.query.get("archived") === "true";
  const state = archived ? "archived" : "live";
  const idProperty = req.query.get("idProperty");
  let record: CrmRecord | undefined;
  if (idProperty === "email") record = store.contactByEmail(id, state);
  else if (idProperty === null || idProperty === "hs_object_id") {
    const found = store.get("contacts", id);
    record = found?.state === state ? found : undefined;
  } else {
    return hubspotError(400, { message: `Property ${idProperty} is not a unique identifier property.` });
  }
  if (!record) return notFound(id);
  return {
    status: 200,
    body: objectJson(
      store,
      record,
      listParam(req.query, "properties"),
      listParam(req.query, "propertiesWithHistory"),
    ),
  };
}

/** `POST /crm/v3/objects/contacts` */
export function createContact(store: HubspotStore, req: SimRequest, refuseBlocklisted: boolean): SimResponse {
  const properties = (req.body as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (!properties || typeof properties !== "object")
    return hubspotError(400, { message: "properties is required" });
  const values = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, String(v)]));
  const email = values.email?.trim().toLowerCase();
  if (email) {
    const existing = store.contactByEmail(email);
    if (existing) {
      return hubspotError(409, { message: `Contact already exists. Existing ID: ${existing.id}` });
    }
    values.email = email;
  }
  // ASSUMPTION [U]: by default an API create of a blocklisted (GDPR-deleted) email is accepted and
  // brings the contact back: knowledge.hubspot.com "Perform a permanent delete" (June 2025) lists
  // "added through an API request" among the ways a permanently deleted contact returns; the
  // blocklist stops the UI and imports. `refuseBlocklistedCreates` models the opposite reading, with
  // a 400 whose shape is invented (no source describes a refusal).
  if (email && refuseBlocklisted && store.blocklist.has(email)) {
    return hubspotError(400, {
      message: "This email address was permanently deleted and cannot be added again.",
      subCategory: "GDPR_BLOCKLISTED",
    });
  }
  const record = store.createContact(email ?? "", values);
  return { status: 201, body: objectJson(store, record, Object.keys(values), undefined) };
}

/**
 * `POST /crm/v3/objects/contacts/search` (EQ and IN filters; index lag modelled).
 *
 * A filter compares the property's stored text, lower-cased on both sides. Phone properties hold
 * what was entered: HubSpot saves a phone value without reformatting unless the portal turned on
 * phone number validation, which saves E.164 ("+1 (888) 482-7768 would be saved as +18884827768",
 * knowledge.hubspot.com/properties/phone-number-property-validation, 2025-12-02). So "020 7946
 * 0000" matches only "020 7946 0000", and a client searches every form a number may be stored in.
 * ASSUMPTION [U]: EQ and IN on a phone property compare the stored text exactly, with no
 * normalisation of spaces or prefixes (no HubSpot source says either way).
 */
export function searchContacts(store: HubspotStore, req: SimRequest, env: SimEnvironment): SimResponse {
  const body = (req.body ?? {}) as {
    filterGroups?: {
      filters?: { propertyName?: string; operator?: string; value?: string; values?: string[] }[];
    }[];
    properties?: string[];
    limit?: number;
    after?: string;
  };
  const limit = body.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMIT_MAX) {
    return hubspotError(400, { message: `limit must be between 1 and ${SEARCH_LIMIT_MAX}` });
  }
  const groups = body.filterGroups ?? [];
  if (groups.length > 6) return hubspotError(400, { message: "Up to 6 filterGroups are allowed." });
  const now = env.now();
  const lag = env.scale(SEARCH_INDEX_LAG_MS);
  // Records enter the index `lag` after they were written and leave it `lag` after they were
  // archived or GDPR-deleted: a search can miss a new contact and return a deleted one.
  const indexed = [...store.records.values()].filter((r) => {
    if (r.type !== "contacts") return false;
    if (r.state === "live") return r.indexedAt <= now - lag;
    return r.archivedAt !== undefined && r.archivedAt > now - lag;
  });
  const matches = indexed.filter(
    (r) =>
      groups.length === 0 ||
      groups.some((g) =>
        (g.filters ?? []).every((f) => {
          const value = (r.properties[f.propertyName ?? ""] ?? "").toLowerCase();
          if (f.operator === "EQ") return value === String(f.value ?? "").toLowerCase();
          if (f.operator === "IN") return (f.values ?? []).some((v) => v.toLowerCase() === value);
          return false;
        }),
      ),
  );
  const offset = Number(body.after ?? 0) || 0;
  const page = matches.slice(offset, offset + limit);
  const result: Record<string, unknown> = {
    total: matches.length,
    results: page.map((r) => objectJson(store, r, body.properties, undefined)),
  };
  if (offset + limit < matches.length) result.paging = { next: { after: String(offset + limit) } };
  return { status: 200, body: result };
}

/** `POST /crm/v3/objects/contacts/gdpr-delete` */
export function gdprDeleteContact(store: HubspotStore, req: SimRequest, env: SimEnvironment): SimResponse {
  const body = (req.body ?? {}) as { objectId?: unknown; idProperty?: unknown };
  if (typeof body.objectId !== "string" || body.objectId.length === 0) {
    return hubspotError(400, { message: "objectId is required" });
  }
  let contact: CrmRecord | undefined;
  if (body.idProperty === "email") {
    const email = body.objectId.trim().toLowerCase();
    contact = store.contactByEmail(email) ?? store.contactByEmail(email, "archived");
    if (!contact) {
      // [V] spec: "If email address is not found, the email address will be added to a blocklist".
      store.blocklist.add(email);
      return { status: 204 };
    }
  } else if (body.idProperty === undefined || body.idProperty === "hs_object_id") {
    contact = store.get("contacts", body.objectId);
    // ASSUMPTION [U]: a GDPR delete by an id that is unknown or already GDPR-deleted answers 404.
    if (!contact || contact.state === "gdpr_deleted") return notFound(body.objectId);
  } else {
    return hubspotError(400, { message: "idProperty must be email or omitted" });
  }
  if (!env.deleteTakes("contact")) return { status: 204 };
  const now = env.now();
  const purgeAt = now + GDPR_PURGE_DAYS * DAY_MS;
  contact.state = "gdpr_deleted";
  contact.archivedAt = now;
  contact.purgeAt = purgeAt;
  const email = contact.properties.email;
  if (email) {
    store.blocklist.add(email);
    // ASSUMPTION [U]: the purge removes the email's communication-preference statuses too.
    store.preferences.delete(email);
  }
  store.countDestructive(`contact:${contact.id}`);
  for (const [type, ids] of store.associations.get(contact.id) ?? []) {
    // knowledge.hubspot.com/privacy-and-consent/understand-restorable-and-permanent-contact-deletions
    // (2025-02-14), permanent delete: "All activity is deleted and unassociated from the record. For
    // example, if a note is associated to a contact and a company, if the contact is deleted the note
    // will only appear on the company's timeline. For activities like calls and tasks, the calls and
    // tasks will still appear on your call or task page but will not be associated with the deleted
    // record." So calls and tasks stay; notes, emails and meetings also associated with another
    // record (a company, deal, ticket or another contact) stay on that record's timeline; the rest
    // goes. ASSUMPTION [U]: the same holds for deals, tickets and other contacts as for companies.
    if (type === "calls" || type === "tasks") continue;
    for (const id of ids) {
      if (store.sharedBeyond(type, id, contact.id)) continue;
      const record = store.get(type, id);
      if (record?.state === "live") {
        record.state = "gdpr_deleted";
        record.archivedAt = now;
        record.purgeAt = purgeAt;
      }
    }
  }
  store.associations.delete(contact.id);
  return { status: 204 };
}
