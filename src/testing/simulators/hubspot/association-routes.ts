/**
 * Association routes of the HubSpot simulator (associations v4): a contact's engagements, and the
 * batch read of what engagements are associated with (contacts, companies, deals, tickets).
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { engagementType, notFound } from "./objects.js";
import { hubspotError } from "./responses.js";
import { type EngagementType, type HubspotStore, OTHER_TYPES, type OtherType } from "./store.js";

// ASSUMPTION [U]: HubSpot's default contact→engagement association type ids (HUBSPOT_DEFINED),
// from its association-type table as remembered; the adapter reads only `toObjectId`.
const ASSOCIATION_TYPE_ID: Readonly<Record<EngagementType, number>> = {
  calls: 193,
  emails: 197,
  meetings: 199,
  notes: 201,
  tasks: 203,
};

// ASSUMPTION [U]: engagement→contact/company/deal/ticket association type ids (HUBSPOT_DEFINED);
// the adapter reads only `toObjectId`.
const TO_TYPE_ID: Readonly<Record<"contacts" | OtherType, number>> = {
  contacts: 200,
  companies: 190,
  deals: 214,
  tickets: 228,
};

const ASSOCIATIONS_LIMIT_MAX = 500;
// ASSUMPTION [U]: a batch association read takes at most 1,000 inputs (HubSpot's associations
// guide, as remembered) and answers 400 beyond.
const BATCH_ASSOCIATIONS_MAX = 1_000;

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

function toTypeOf(name: string): "contacts" | OtherType | undefined {
  const plural = name.endsWith("s") ? name : `${name}s`;
  if (plural === "contacts" || name === "0-1") return "contacts";
  return (OTHER_TYPES as readonly string[]).includes(plural) ? (plural as OtherType) : undefined;
}

/**
 * `POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read` from engagements. Each
 * input's targets are paged (`env.pageSize`, else 500) with a per-input `after` cursor.
 * ASSUMPTION [U]: an input with no associations is left out of `results` and listed in a 207's
 * `errors`; the spec has the 207 response, not what triggers it.
 */
export function batchReadAssociations(
  store: HubspotStore,
  req: SimRequest,
  env: SimEnvironment,
  params: { fromObjectType: string; toObjectType: string },
): SimResponse {
  const from = engagementType(params.fromObjectType);
  const to = toTypeOf(params.toObjectType);
  if (!from || !to)
    return hubspotError(400, { message: "The simulator models engagement associations only." });
  const inputs = (req.body as { inputs?: { id?: unknown; after?: unknown }[] } | undefined)?.inputs;
  if (!Array.isArray(inputs)) return hubspotError(400, { message: "inputs is required" });
  if (inputs.length > BATCH_ASSOCIATIONS_MAX) {
    return hubspotError(400, { message: `Batch input limit is ${BATCH_ASSOCIATIONS_MAX}` });
  }
  const size = env.pageSize ?? ASSOCIATIONS_LIMIT_MAX;
  const results: Record<string, unknown>[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    const id = String(input.id ?? "");
    const record = store.get(from, id);
    const targets =
      record === undefined
        ? []
        : to === "contacts"
          ? store.contactsOf(from, id)
          : (store.engagementLinks.get(id)?.get(to) ?? []);
    const offset =
      typeof input.after === "string" ? Number(Buffer.from(input.after, "base64url").toString()) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      return hubspotError(400, { message: "Invalid after cursor" });
    if (targets.length === 0) {
      missing.push(id);
      continue;
    }
    const page = targets.slice(offset, offset + size);
    const result: Record<string, unknown> = {
      from: { id },
      to: page.map((toObjectId) => ({
        toObjectId,
        associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: TO_TYPE_ID[to], label: null }],
      })),
    };
    if (offset + size < targets.length) {
      result.paging = { next: { after: Buffer.from(String(offset + size)).toString("base64url") } };
    }
    results.push(result);
  }
  const now = new Date().toISOString();
  const body: Record<string, unknown> = { status: "COMPLETE", results, startedAt: now, completedAt: now };
  if (missing.length === 0) return { status: 200, body };
  body.numErrors = missing.length;
  body.errors = missing.map((id) => ({
    status: "error",
    category: "OBJECT_NOT_FOUND",
    subCategory: "crm.associations.NO_ASSOCIATIONS_FOUND",
    message: `No ${to} is associated with ${from} ${id}.`,
    context: { fromObjectId: [id] },
    errors: [],
    links: {},
  }));
  return { status: 207, body };
}

/**
 * `PUT /crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}`
 * from an engagement to a contact, company, deal or ticket (how tests share an engagement).
 */
export function associateDefault(
  store: HubspotStore,
  params: { fromObjectType: string; fromObjectId: string; toObjectType: string; toObjectId: string },
): SimResponse {
  const from = engagementType(params.fromObjectType);
  const to = toTypeOf(params.toObjectType);
  if (!from || !to)
    return hubspotError(400, { message: "The simulator models engagement associations only." });
  const record = store.get(from, params.fromObjectId);
  if (record?.state !== "live") return notFound(params.fromObjectId);
  if (to === "contacts") {
    const contact = store.get("contacts", params.toObjectId);
    if (contact?.state !== "live") return notFound(params.toObjectId);
    const links = store.associations.get(contact.id) ?? new Map<EngagementType, string[]>();
    store.associations.set(contact.id, links);
    const ids = links.get(from) ?? [];
    if (!ids.includes(record.id)) ids.push(record.id);
    links.set(from, ids);
  } else {
    if (store.others.get(params.toObjectId)?.type !== to) return notFound(params.toObjectId);
    store.link(record.id, to, params.toObjectId);
  }
  const now = new Date().toISOString();
  return {
    status: 200,
    body: {
      status: "COMPLETE",
      results: [
        {
          from: { id: record.id },
          to: { id: params.toObjectId },
          associationSpec: { associationCategory: "HUBSPOT_DEFINED", associationTypeId: TO_TYPE_ID[to] },
        },
      ],
      startedAt: now,
      completedAt: now,
    },
  };
}
