/**
 * HubSpot's startup check: the `@hubspot/api-client` package and the access token (the contact
 * lookup by email that every locate makes, for an address that cannot exist: 404, nothing read).
 *
 * Not checked: the write scopes of the GDPR delete and of the unsubscribe (no read-only call
 * proves them); a missing one shows as `PERMISSION_DENIED` on the first request, before the pivot
 * for the unsubscribe. docs/adapters/hubspot.md lists the scopes.
 * @see https://developers.hubspot.com/docs/api/crm/contacts
 */
import type { CheckContext, CheckItem } from "../../src/adapter.js";
import { credentialItem, PROBE_EMAIL, sdkItem } from "../../src/adapter-check.js";
import type { HubspotApi } from "./api.js";

/** The findings for the adapter built on `api` (`client`: an injected SDK client). */
export async function check(
  api: HubspotApi,
  o: { client?: unknown },
  ctx: CheckContext,
): Promise<CheckItem[]> {
  const sdk = await sdkItem(
    "@hubspot/api-client",
    () => import("@hubspot/api-client"),
    o.client !== undefined,
  );
  if (sdk.status === "fail") return [sdk];
  const credential = await credentialItem(
    "hubspot",
    (op) => api.contact(op, { email: PROBE_EMAIL }, ["hs_object_id"], [], []),
    ctx,
  );
  return [sdk, credential];
}
