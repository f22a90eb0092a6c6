/**
 * Engagement routes of the HubSpot simulator: batch read and archive of calls, notes, emails,
 * meetings and tasks (associations are in `association-routes.ts`).
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { notFound, objectJson } from "./objects.js";
import { hubspotError } from "./responses.js";
import { type CrmType, DAY_MS, type HubspotStore, RECYCLE_BIN_DAYS } from "./store.js";

// The CRM object batch endpoints (read, archive) take at most 100 inputs [S: HubSpot community
// answer citing https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/guide, Sept
// 2025: "100 records per request. Anything above that will throw an error"]; answered 400 beyond.
const BATCH_READ_MAX = 100;
const BATCH_ARCHIVE_MAX = 100;

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
  // ASSUMPTION [U]: missing ids give 207 (in the spec) with one OBJECT_NOT_FOUND error listing them.
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

/**
 * `POST /crm/v3/objects/{objectType}/batch/archive`: each id to the recycle bin like a single
 * archive; answers 204 with no body (../shared/specs/hubspot/calls-v3.json, notes-v3.json,
 * contacts-v3.json: `BatchInputSimplePublicObjectId` in, `204` out).
 * ASSUMPTION [U]: unknown, archived or GDPR-deleted ids are passed over; the call still answers
 * 204 (the spec names no other success, and no per-id result).
 */
export function batchArchive(
  store: HubspotStore,
  env: SimEnvironment,
  req: SimRequest,
  type: CrmType,
): SimResponse {
  const body = (req.body ?? {}) as { inputs?: { id?: string }[] };
  if (!Array.isArray(body.inputs)) return hubspotError(400, { message: "inputs is required" });
  if (body.inputs.length > BATCH_ARCHIVE_MAX) {
    return hubspotError(400, { message: `Batch input limit is ${BATCH_ARCHIVE_MAX}` });
  }
  for (const input of body.inputs) {
    const id = String(input.id ?? "");
    if (store.get(type, id)?.state === "live") archiveObject(store, env, type, id);
  }
  return { status: 204 };
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
