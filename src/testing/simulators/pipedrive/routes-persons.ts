/**
 * `GET /api/v2/persons`: the persons list retention sweeps read. Parameters as the official SDK
 * documents them (`pipedrive` 33.7, `dist/esm/versions/v2/api/persons-api.d.ts`, `getPersons`):
 * `updated_since` ("an `update_time` later than or equal to this time"), `updated_until` ("earlier
 * than this time"), `sort_by` (`id`, `update_time`, `add_time`), `sort_direction`, `include_fields`
 * (extra counts such as `won_deals_count`), `limit` (≤ 500) and `cursor`.
 * Modelled: sorting by `id` ascending (the cursor is a position by id, see responses.ts); the
 * other sorts answer 400 here. `filter_id` (a saved filter) answers 400: the simulator has none.
 */
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
        .sort((a, b) => a.id - b.id)
        .map((p) => {
          const json = personJson(p);
          if (include.length === 0) return json;
          const deals = Array.from(state.deals.values()).filter((d) => live(d) && d.person_id === p.id);
          const counts: Record<string, number> = {
            won_deals_count: deals.filter((d) => d.status === "won").length,
            lost_deals_count: deals.filter((d) => d.status === "lost").length,
            open_deals_count: deals.filter((d) => d.status === "open").length,
            closed_deals_count: deals.filter((d) => d.status !== "open").length,
          };
          for (const field of include) json[field] = counts[field] ?? 0;
          return json;
        });
      return v2Page(persons, q, env.pageSize, (p) => p.id as number);
    },
  },
];
