/**
 * CRM routes of the HubSpot simulator: contacts (read, idProperty lookup, search, create, archive,
 * GDPR delete), associations v4 and the engagement objects (batch read, archive).
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { hubspotError } from "./responses.js";
import {
  type CrmRecord,
  type CrmType,
  DAY_MS,
  ENGAGEMENT_TYPES,
  type EngagementType,
  GDPR_PURGE_DAYS,
  type HubspotStore,
  RECYCLE_BIN_DAYS,
} from "./store.js";

const DEFAULT_PROPERTIES: Readonly<Record<CrmType, readonly string[]>> = {
  contacts: ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
  calls: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  notes: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  emails: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  meetings: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  tasks: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
};

// [S] HubSpot's default contact→engagement association type ids (HUBSPOT_DEFINED).
const ASSOCIATION_TYPE_ID: Readonly<Record<EngagementType, number>> = {
  calls: 193,
  emails: 197,
  meetings: 199,
  notes: 201,
  tasks: 203,
};

/** Largest batch read HubSpot accepts. */
const BATCH_READ_MAX = 100;
const SEARCH_LIMIT_MAX = 200;
const ASSOCIATIONS_LIMIT_MAX = 500;
// ASSUMPTION [U]: the search index trails writes by about two seconds ("may take a few moments").
const SEARCH_INDEX_LAG_MS = 2_000;

/** `properties=a,b` and `properties=a&properties=b` alike. */
export function listParam(query: URLSearchParams, name: string): string[] | undefined {
  const values = query.getAll(name);
  if (values.length === 0) return undefined;
  return values.flatMap((v) => v.split(",")).filter((v) => v.length > 0);
}

export function engagementType(name: string): EngagementType | undefined {
  const plural = name.endsWith("s") ? name : `${name}s`;
  return (ENGAGEMENT_TYPES as readonly string[]).includes(plural) ? (plural as EngagementType) : undefined;
}

/** A record as HubSpot's `SimplePublicObject(WithAssociations)`. */
function objectJson(
  store: HubspotStore,
  record: CrmRecord,
  properties: readonly string[] | undefined,
  withHistory: readonly string[] | undefined,
): Record<string, unknown> {
  const names = properties && properties.length > 0 ? properties : DEFAULT_PROPERTIES[record.type];
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = record.properties[name];
    if (value !== undefined) picked[name] = value;
  }
  const json: Record<string, unknown> = {
    id: record.id,
    properties: picked,
    createdAt: store.iso(record.createdAt),
    updatedAt: store.iso(record.updatedAt),
    archived: record.state !== "live",
  };
  if (record.archivedAt !== undefined) json.archivedAt = store.iso(record.archivedAt);
  if (withHistory && withHistory.length > 0) {
    const history: Record<string, unknown[]> = {};
    for (const name of withHistory) {
      const entries = record.history[name];
      if (entries) history[name] = entries.map((e) => ({ ...e }));
      else if (record.properties[name] !== undefined) {
        history[name] = [
          { value: record.properties[name], timestamp: store.iso(record.updatedAt), sourceType: "API" },
        ];
      }
    }
    json.propertiesWithHistory = history;
  }
  return json;
}

function notFound(id: string): SimResponse {
  // HubSpot echoes the id it could not find, even when it is an email address.
  return hubspotError(404, {
    message: "Object not found.  objectId are usually numeric.",
    context: { id: [id] },
  });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

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
export function createContact(store: HubspotStore, req: SimRequest): SimResponse {
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
  // ASSUMPTION [U]: an API create of a blocklisted (GDPR-deleted) email is accepted and brings the
  // contact back: knowledge.hubspot.com "Perform a permanent delete" (June 2025) lists "added through
  // an API request" among the ways a permanently deleted contact returns. The blocklist only stops
  // the UI and imports, so the simulator keeps the email on it and lets tests see the re-creation.
  const record = store.createContact(email ?? "", values);
  return { status: 201, body: objectJson(store, record, Object.keys(values), undefined) };
}

/** `POST /crm/v3/objects/contacts/search` (EQ and IN filters; index lag modelled). */
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
  const indexed = [...store.records.values()].filter((r) => {
    if (r.type !== "contacts") return false;
    if (r.state === "live") return r.createdAt <= now - lag;
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

/** `GET /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}` */
export function listAssociations(
  store: HubspotStore,
  req: SimRequest,
  env: SimEnvironment,
  params: { objectType: string; objectId: string; toObjectType: string },
): SimResponse {
  if (!["contacts", "contact", "0-1"].includes(params.objectType)) {
    return hubspotError(400, { message: "The simulator models contact associations only." });
  }
  const to = engagementType(params.toObjectType);
  if (!to) return hubspotError(400, { message: `Unknown object type ${params.toObjectType}` });
  const contact = store.get("contacts", params.objectId);
  // ASSUMPTION [U]: associations of a contact that is archived, GDPR-deleted or unknown answer 404.
  if (contact?.state !== "live") return notFound(params.objectId);
  // ASSUMPTION [U]: archived engagements drop out of the association list.
  const ids = (store.associations.get(contact.id)?.get(to) ?? []).filter(
    (id) => store.get(to, id)?.state === "live",
  );
  const requested = Number(req.query.get("limit") ?? ASSOCIATIONS_LIMIT_MAX);
  if (!Number.isInteger(requested) || requested < 1 || requested > ASSOCIATIONS_LIMIT_MAX) {
    return hubspotError(400, { message: `limit must be between 1 and ${ASSOCIATIONS_LIMIT_MAX}` });
  }
  const size = env.pageSize ?? requested;
  const after = req.query.get("after");
  const offset = after ? Number(Buffer.from(after, "base64url").toString("utf8")) : 0;
  if (!Number.isInteger(offset) || offset < 0) return hubspotError(400, { message: "Invalid after cursor" });
  const page = ids.slice(offset, offset + size);
  const body: Record<string, unknown> = {
    results: page.map((id) => ({
      toObjectId: id,
      associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: ASSOCIATION_TYPE_ID[to], label: null }],
    })),
  };
  if (offset + size < ids.length) {
    const next = Buffer.from(String(offset + size), "utf8").toString("base64url");
    body.paging = { next: { after: next, link: `?after=${next}` } };
  }
  return { status: 200, body };
}

/** `POST /crm/v3/objects/{objectType}/batch/read` */
export function batchRead(store: HubspotStore, req: SimRequest, type: CrmType): SimResponse {
  const body = (req.body ?? {}) as {
    inputs?: { id?: string }[];
    properties?: string[];
    propertiesWithHistory?: string[];
  };
  if (!Array.isArray(body.inputs)) return hubspotError(400, { message: "inputs is required" });
  if (body.inputs.length > BATCH_READ_MAX) {
    return hubspotError(400, { message: `Batch input limit is ${BATCH_READ_MAX}` });
  }
  const state = req.query.get("archived") === "true" ? "archived" : "live";
  const startedAt = new Date().toISOString();
  const results: Record<string, unknown>[] = [];
  const missing: string[] = [];
  for (const input of body.inputs) {
    const id = String(input.id ?? "");
    const record = store.get(type, id);
    if (record && record.state === state) {
      results.push(objectJson(store, record, body.properties, body.propertiesWithHistory));
    } else missing.push(id);
  }
  const response: Record<string, unknown> = {
    status: "COMPLETE",
    results,
    startedAt,
    completedAt: new Date().toISOString(),
  };
  if (missing.length === 0) return { status: 200, body: response };
  const label = type.replace(/s$/, "").toUpperCase();
  response.numErrors = 1;
  response.errors = [
    {
      status: "error",
      category: "OBJECT_NOT_FOUND",
      message: `Could not get some ${label} objects, they may be deleted or not exist. Check that ids are valid.`,
      context: { ids: missing },
      errors: [],
      links: {},
    },
  ];
  return { status: 207, body: response };
}

/** `DELETE /crm/v3/objects/{objectType}/{objectId}`: to the recycle bin for 90 days. */
export function archiveObject(
  store: HubspotStore,
  env: SimEnvironment,
  type: CrmType,
  id: string,
): SimResponse {
  const record = store.get(type, id);
  if (!record || record.state === "gdpr_deleted") return notFound(id);
  // ASSUMPTION [U]: archiving an already archived object is a no-op answered 204.
  if (record.state === "archived") return { status: 204 };
  const now = env.now();
  record.state = "archived";
  record.archivedAt = now;
  record.purgeAt = now + RECYCLE_BIN_DAYS * DAY_MS;
  if (type === "calls") {
    // [V] calls archive: "restorable within 90 days, but call recordings will be permanently deleted".
    delete record.properties.hs_call_recording_url;
    delete record.history.hs_call_recording_url;
  }
  store.countDestructive(`${type.replace(/s$/, "")}:${id}`);
  return { status: 204 };
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
    // ASSUMPTION [U] (knowledge base, read literally): notes, emails and meetings go with the contact;
    // calls and tasks are only unassociated and stay on the calls/tasks pages.
    if (type === "calls" || type === "tasks") continue;
    for (const id of ids) {
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
