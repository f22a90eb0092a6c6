/**
 * Files v3 and Communication Preferences v4 routes of the HubSpot simulator.
 *
 * Not modelled: re-subscribing (`POST /communication-preferences/v4/statuses/{subscriberIdString}`).
 * ASSUMPTION [U]: re-subscribing someone after an opt-out needs a lawful basis and may be refused;
 * that is why the adapter declares no unrestrict and the simulator offers no way back.
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { hubspotError } from "./responses.js";
import { type HubspotStore, type PreferenceRecord, SUBSCRIPTION_DEFINITIONS } from "./store.js";

/** `GET /files/v3/files/{fileId}` */
export function getFile(store: HubspotStore, fileId: string): SimResponse {
  const file = store.files.get(fileId);
  if (file?.state !== "live") {
    return hubspotError(404, { message: `File ${fileId} not found`, context: { id: [fileId] } });
  }
  const created = store.iso(file.createdAt);
  return {
    status: 200,
    body: {
      id: file.id,
      name: file.name,
      extension: file.extension,
      type: file.type,
      size: file.size,
      access: "PRIVATE",
      archived: false,
      createdAt: created,
      updatedAt: created,
      parentFolderId: "1000",
      path: `/engagements/${file.name}.${file.extension}`,
      url: `https://api-na1.hubspot.test/files/v3/files/${file.id}/signed`,
      sourceGroup: "CONVERSATIONS",
      isUsableInContent: false,
    },
  };
}

/** `DELETE /files/v3/files/{fileId}/gdpr-delete` */
export function gdprDeleteFile(store: HubspotStore, fileId: string): SimResponse {
  const file = store.files.get(fileId);
  // ASSUMPTION [U]: an unknown or already GDPR-deleted file answers 404.
  if (file?.state !== "live") {
    return hubspotError(404, { message: `File ${fileId} not found`, context: { id: [fileId] } });
  }
  // ASSUMPTION [U]: a file GDPR delete is immediate and final (no recycle bin, no purge delay).
  file.state = "gdpr_deleted";
  store.countDestructive(`file:${fileId}`);
  return { status: 204 };
}

function statusJson(store: HubspotStore, email: string, pref: PreferenceRecord, reason?: string) {
  return pref.statuses.map((s) => ({
    subscriberIdString: email,
    subscriptionId: s.subscriptionId,
    subscriptionName: s.subscriptionName,
    channel: "EMAIL",
    status: s.status,
    source: s.source,
    timestamp: store.iso(s.timestamp),
    ...(reason ? { setStatusSuccessReason: reason } : {}),
  }));
}

function actionResponse(results: unknown[]): SimResponse {
  const at = new Date().toISOString();
  return {
    status: 200,
    body: { status: "COMPLETE", results, requestedAt: at, startedAt: at, completedAt: at },
  };
}

/**
 * `GET|POST /communication-preferences/v4/statuses/{subscriberIdString}[/unsubscribe-all]`.
 * `channel=EMAIL` is required on all of them.
 */
export function preferences(
  store: HubspotStore,
  req: SimRequest,
  env: SimEnvironment,
  rawSubscriber: string,
  unsubscribeAll: boolean,
): SimResponse {
  if (req.query.get("channel") !== "EMAIL") {
    return hubspotError(400, { message: "channel is required and must be EMAIL" });
  }
  let email: string;
  try {
    email = decodeURIComponent(rawSubscriber).trim().toLowerCase();
  } catch {
    return hubspotError(400, { message: "Invalid subscriberIdString" });
  }
  const pref = store.preferences.get(email);
  if (!unsubscribeAll) {
    if (req.method !== "GET") return hubspotError(405, { message: "Method not allowed" });
    // ASSUMPTION [U]: an email HubSpot has no statuses for answers 200 with no results.
    return actionResponse(pref ? statusJson(store, email, pref) : []);
  }
  if (req.method === "GET") {
    const wide = pref?.portalWideUnsubscribed ?? false;
    return actionResponse([
      {
        subscriberIdString: email,
        channel: "EMAIL",
        status: wide ? "UNSUBSCRIBED" : "SUBSCRIBED",
        wideStatusType: "PORTAL_WIDE",
        timestamp: store.iso(pref?.wideTimestamp ?? env.now()),
      },
    ]);
  }
  const now = env.now();
  // ASSUMPTION [U]: unsubscribing an email without statuses records the portal-wide opt-out anyway.
  const record: PreferenceRecord = pref ?? {
    statuses: SUBSCRIPTION_DEFINITIONS.map((d) => ({
      subscriptionId: d.id,
      subscriptionName: d.name,
      status: "NOT_SPECIFIED" as const,
      source: "",
      timestamp: now,
      unsubscribedByApi: false,
    })),
    portalWideUnsubscribed: false,
    wideTimestamp: now,
  };
  store.preferences.set(email, record);
  const changed = !record.portalWideUnsubscribed;
  for (const status of record.statuses) {
    if (status.status === "UNSUBSCRIBED") continue;
    status.status = "UNSUBSCRIBED";
    // ASSUMPTION [U]: the source HubSpot records for an API opt-out.
    status.source = "PUBLIC_API";
    status.timestamp = now;
    status.unsubscribedByApi = true;
  }
  record.portalWideUnsubscribed = true;
  if (changed) record.wideTimestamp = now;
  return actionResponse(
    statusJson(store, email, record, changed ? "UNSUBSCRIBE_FROM_ALL_OCCURRED" : "NO_STATUS_CHANGE"),
  );
}
