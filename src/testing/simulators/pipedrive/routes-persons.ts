/**
 * `GET /api/v2/persons`: the persons list retention sweeps read. Parameters as the official SDK
 * documents them (`pipedrive` 33.7, `dist/esm/versions/v2/api/persons-api.d.ts`, `getPersons`):
 * `updated_since` ("an `update_time` later than or equal to this time"), `updated_until` ("earlier
 * than this time"), `sort_by` (`id`, `update_time`, `add_time`), `sort_direction`, `include_fields`
 * (extra counts such as `won_deals_count`), `limit` (≤ 500) and `cursor`.
 * Modelled: sorting by `id` ascending (the cursor is a position by id, see responses.ts); the
 * other sorts answer 400 here. `filter_id` (a saved filter) answers 400: the simulator has none.
 */

import type { SimPerson } from "./records.js";
import { pipedriveError, v2Page } from "./responses.js";
import { live, personJson, type Route } from "./route-kit.js";

const COUNTS = new Set(["won_deals_count", "lost_deals_count", "open_deals_count", "closed_deals_count"]);

export const PERSON_LIST_ROUTES: readonly Route[] = [
  {
    method: "GET",
    pattern: /^\/api\/v2\/persons$/,
    list: true,
    handle: ({ state, env, request }) => {
      const q = request.query;
      if (q.has("filter_id")) return pipedriveError(400, "Filter not found");
      if ((q.get("sort_by") ?? "id") !== "id" || (q.get("sort_direction") ?? "asc") !== "asc") {
        return pipedriveError(400, "Only sort_by=id ascending is modelled by the simulator");
      }
      const since = q.get("updated_since");
      const until = q.get("updated_until");
      const at = (text: string | null) => (text === null ? undefined : Date.parse(text));
      const from = at(since);
      const to = at(until);
      if (Number.isNaN(from) || Number.isNaN(to)) return pipedriveError(400, "Invalid date format");
      const include = (q.get("include_fields") ?? "").split(",").filter((f) => COUNTS.has(f));
      const persons = Array.from(state.persons.values())
        .filter(live)
        .filter(
          (p) =>
            (from === undefined || Date.parse(p.update_time) >= from) &&
            (to === undefined || Date.parse(p.update_time) < to),
        )
        .sort((a, b) => a.id - b.id);
      const page = v2Page(persons, q, env.pageSize);
      if (page.status !== 200) return page;
      // Counts of the page's persons only, from one pass over the deals.
      const body = page.body as { data: SimPerson[] };
      const onPage = new Set(body.data.map((p) => p.id));
      const counts = new Map<number, Record<string, number>>();
      if (include.length > 0) {
        for (const d of state.deals.values()) {
          if (!live(d) || d.person_id === null || !onPage.has(d.person_id)) continue;
          const c = counts.get(d.person_id) ?? {
            won_deals_count: 0,
            lost_deals_count: 0,
            open_deals_count: 0,
            closed_deals_count: 0,
          };
          if (d.status === "won") c.won_deals_count = (c.won_deals_count ?? 0) + 1;
          if (d.status === "lost") c.lost_deals_count = (c.lost_deals_count ?? 0) + 1;
          if (d.status === "open") c.open_deals_count = (c.open_deals_count ?? 0) + 1;
          else c.closed_deals_count = (c.closed_deals_count ?? 0) + 1;
          counts.set(d.person_id, c);
        }
      }
      const data = body.data.map((p) => {
        const json = personJson(p);
        for (const field of include) json[field] = counts.get(p.id)?.[field] ?? 0;
        return json;
      });
      return { ...page, body: { ...(page.body as object), data } };
    },
  },
];
