/**
 * `POST /crm/v3/objects/calls/search` in the HubSpot simulator: in the calls v3 spec
 * (specs/hubspot/calls-v3.json), modelled like the contacts search (contact-routes.ts): EQ and IN
 * filters compare the stored text, lower-cased; filter groups are ORed, a group's filters ANDed;
 * records enter the index after a lag. It answers live calls only.
 * ASSUMPTION [U]: an archived call drops out of search at once.
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { objectJson } from "./objects.js";
import { hubspotError } from "./responses.js";
import type { HubspotStore } from "./store.js";

const SEARCH_LIMIT_MAX = 200;
// ASSUMPTION [U]: the calls search index trails writes like the contacts one (contact-routes.ts).
const SEARCH_INDEX_LAG_MS = 2_000;

/** `POST /crm/v3/objects/calls/search` (see the module comment). */
export function searchCalls(store: HubspotStore, req: SimRequest, env: SimEnvironment): SimResponse {
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
  const indexedBy = env.now() - env.scale(SEARCH_INDEX_LAG_MS);
  const matches = [...store.records.values()]
    .filter((r) => r.type === "calls" && r.state === "live" && r.indexedAt <= indexedBy)
    .filter(
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
