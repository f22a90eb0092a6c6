/** Pipedrive API v2 endpoints the simulator serves: person search and reads, activities, deals. */
import { pipedriveError, v2Ok, v2Page } from "./responses.js";
import {
  activityJson,
  dealJson,
  isResponse,
  live,
  personJson,
  personOr404,
  type Route,
  trash,
} from "./route-kit.js";

export const V2_ROUTES: readonly Route[] = [
  {
    method: "GET",
    pattern: /^\/api\/v2\/persons\/search$/,
    list: true,
    search: true,
    handle: ({ state, env, request }) => {
      const term = request.query.get("term") ?? "";
      const exact = request.query.get("exact_match") === "true";
      const fields = (request.query.get("fields") ?? "email,phone,name,notes,custom_fields").split(",");
      if (term.length < (exact ? 1 : 2))
        return pipedriveError(400, "Search term must be at least 2 characters long");
      const needle = term.toLowerCase();
      // `exact_match`: "only full exact matches against the given term", "not case sensitive"
      // [V: SDK persons-api.d.ts]. ASSUMPTION [U]: phones are compared as stored text like any
      // field (no digit normalisation), the strictest reading; without `exact_match`, a substring.
      const matches = (value: string): boolean =>
        exact ? value.toLowerCase() === needle : value.toLowerCase().includes(needle);
      // ASSUMPTION [U]: the search index has no lag here; a newly created person is found at once.
      const items = Array.from(state.persons.values())
        .filter(live)
        .sort((a, b) => a.id - b.id)
        .filter(
          (p) =>
            (fields.includes("email") && p.emails.some((e) => matches(e.value))) ||
            (fields.includes("phone") && p.phones.some((e) => matches(e.value))) ||
            (fields.includes("name") && matches(p.name)),
        )
        .map((p) => ({
          result_score: 1,
          item: {
            id: p.id,
            type: "person",
            name: p.name,
            phones: p.phones.map((x) => x.value),
            emails: p.emails.map((x) => x.value),
            visible_to: 3,
            owner: { id: p.owner_id },
            organization: null,
            custom_fields: [],
            notes: [],
            update_time: p.update_time,
          },
        }));
      const page = v2Page(items, request.query, env.pageSize, (hit) => hit.item.id);
      if (page.status !== 200) return page;
      const body = page.body as { data: unknown[]; additional_data: unknown };
      return {
        status: 200,
        body: { success: true, data: { items: body.data }, additional_data: body.additional_data },
      };
    },
  },
  {
    method: "GET",
    pattern: /^\/api\/v2\/persons\/(\d+)$/,
    handle: (ctx) => {
      const person = personOr404(ctx);
      return isResponse(person) ? person : v2Ok(personJson(person));
    },
  },
  {
    method: "DELETE",
    pattern: /^\/api\/v2\/persons\/(\d+)$/,
    handle: (ctx) => {
      const id = Number(ctx.params[0]);
      // Deleting persons needs admin rights ("account settings") [S].
      if (!ctx.user.admin) return pipedriveError(403);
      const person = ctx.state.persons.get(id);
      if (person === undefined) return pipedriveError(404, "Person not found");
      if (person.deletedAt !== undefined) return pipedriveError(410, "Person is already deleted");
      ctx.state.trashPerson(person);
      return v2Ok({ id });
    },
  },
  {
    method: "GET",
    pattern: /^\/api\/v2\/activities$/,
    list: true,
    handle: ({ state, env, request }) => {
      const personId = request.query.get("person_id");
      const idsParam = request.query.get("ids");
      const ids = idsParam === null ? undefined : new Set(idsParam.split(",").map((x) => x.trim()));
      if (ids !== undefined && ids.size > 100) return pipedriveError(400, "Up to 100 ids are allowed");
      const items = Array.from(state.activities.values())
        .filter(live)
        // `person_id` matches the primary participant only [V].
        .filter((a) => personId === null || String(a.person_id) === personId)
        .filter((a) => ids === undefined || ids.has(String(a.id)))
        .sort((a, b) => a.id - b.id)
        .map(activityJson);
      return v2Page(items, request.query, env.pageSize);
    },
  },
  {
    method: "GET",
    pattern: /^\/api\/v2\/activities\/(\d+)$/,
    handle: ({ state, params }) => {
      const activity = state.activities.get(Number(params[0]));
      return live(activity) ? v2Ok(activityJson(activity)) : pipedriveError(404, "Activity not found");
    },
  },
  {
    method: "PATCH",
    pattern: /^\/api\/v2\/activities\/(\d+)$/,
    handle: ({ state, params, request }) => {
      const activity = state.activities.get(Number(params[0]));
      if (!live(activity)) return pipedriveError(404, "Activity not found");
      const body = request.body as { participants?: unknown } | undefined;
      if (body?.participants !== undefined) {
        if (!Array.isArray(body.participants)) return pipedriveError(400, "participants must be an array");
        const next: { person_id: number; primary: boolean }[] = [];
        for (const p of body.participants as { person_id?: unknown; primary?: unknown }[]) {
          if (typeof p?.person_id !== "number")
            return pipedriveError(400, "participants[].person_id is required");
          next.push({ person_id: p.person_id, primary: p.primary === true });
        }
        for (const before of activity.participants) {
          if (!next.some((p) => p.person_id === before.person_id)) {
            state.destroyed(`activity_participant:${activity.id}:${before.person_id}`);
          }
        }
        activity.participants = next;
        activity.person_id = next.find((p) => p.primary)?.person_id ?? null;
        activity.update_time = state.iso();
      }
      return v2Ok(activityJson(activity));
    },
  },
  {
    method: "DELETE",
    pattern: /^\/api\/v2\/activities\/(\d+)$/,
    handle: (ctx) => {
      const id = Number(ctx.params[0]);
      return trash(ctx, ctx.state.activities.get(id), `activity:${id}`, "Activity") ?? v2Ok({ id });
    },
  },
  {
    method: "GET",
    pattern: /^\/api\/v2\/deals$/,
    list: true,
    handle: ({ state, env, request }) => {
      const personId = request.query.get("person_id");
      const items = Array.from(state.deals.values())
        .filter(live)
        .filter((d) => personId === null || String(d.person_id) === personId)
        .sort((a, b) => a.id - b.id)
        .map(dealJson);
      return v2Page(items, request.query, env.pageSize);
    },
  },
  {
    method: "DELETE",
    pattern: /^\/api\/v2\/deals\/(\d+)$/,
    handle: (ctx) => {
      const id = Number(ctx.params[0]);
      return trash(ctx, ctx.state.deals.get(id), `deal:${id}`, "Deal") ?? v2Ok({ id });
    },
  },
];
