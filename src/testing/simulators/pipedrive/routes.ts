/**
 * The Pipedrive endpoints the simulator serves, as one route table. Paths are matched after
 * `/api/v1` has been folded into `/v1` (Pipedrive answers both; OAuth apps call
 * `{api_domain}/api/v1`).
 */
import type { Route } from "./route-kit.js";
import { LEAD_ROUTES } from "./routes-leads.js";
import { MAIL_ROUTES } from "./routes-mail.js";
import { V1_ROUTES } from "./routes-v1.js";
import { V2_ROUTES } from "./routes-v2.js";

// Not served, on purpose:
// ASSUMPTION [U]: there is no endpoint to download a call recording (only to upload one), so
// recordings cannot be exported; they are visible only as `has_recording`.
// ASSUMPTION [U]: there is no API to restore a trashed record or to purge the trash early, and no
// GDPR/permanent-delete endpoint: the only way out of the trash is the 30-day purge.
// ASSUMPTION [U]: once purged, nothing of a record remains that the API or the oracle could see
// (how long Pipedrive's backups keep it is not documented).
export const ROUTES: readonly Route[] = [...V2_ROUTES, ...V1_ROUTES, ...MAIL_ROUTES, ...LEAD_ROUTES];
