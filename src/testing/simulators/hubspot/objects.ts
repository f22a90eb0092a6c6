/**
 * How the HubSpot simulator shows CRM objects (`SimplePublicObject`) and reads common parameters.
 */
import type { SimResponse } from "../../simulator.js";
import { hubspotError } from "./responses.js";
import {
  type CrmRecord,
  type CrmType,
  ENGAGEMENT_TYPES,
  type EngagementType,
  type HubspotStore,
} from "./store.js";

const DEFAULT_PROPERTIES: Readonly<Record<CrmType, readonly string[]>> = {
  contacts: ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
  calls: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  notes: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  emails: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  meetings: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  tasks: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
};

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
export function objectJson(
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

export function notFound(id: string): SimResponse {
  // HubSpot echoes the id it could not find, even when it is an email address.
  return hubspotError(404, {
    message: "Object not found.  objectId are usually numeric.",
    context: { id: [id] },
  });
}

export function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
