/** Pipedrive API v1 endpoints the simulator serves: notes, files, call logs. */
import { CALL_LOG_PAGES, PERSON_FILES_PAGES, pipedriveError, v1Ok, v1Page } from "./responses.js";
import { callLogJson, fileJson, isResponse, live, personOr404, type Route, trash } from "./route-kit.js";

export const V1_ROUTES: readonly Route[] = [
  {
    method: "GET",
    pattern: /^\/v1\/notes$/,
    list: true,
    handle: ({ state, env, request }) => {
      const personId = request.query.get("person_id");
      const items = Array.from(state.notes.values())
        .filter((n) => personId === null || String(n.person_id) === personId)
        .map((n) => ({ ...n, active_flag: true, deal_id: null, org_id: null, lead_id: null }));
      return v1Page(items, request.query, env.pageSize);
    },
  },
  {
    method: "DELETE",
    pattern: /^\/v1\/notes\/(\d+)$/,
    handle: ({ state, params }) => {
      const id = Number(params[0]);
      // ASSUMPTION [U]: notes are deleted outright (no trash); a second delete answers 404.
      if (!state.notes.delete(id)) return pipedriveError(404, "Note not found");
      state.destroyed(`note:${id}`);
      return v1Ok(true);
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/persons\/(\d+)\/files$/,
    list: true,
    handle: (ctx) => {
      const person = personOr404(ctx);
      if (isResponse(person)) return person;
      const items = Array.from(ctx.state.files.values())
        .filter((f) => live(f) && f.person_id === person.id)
        .map((f) => fileJson(f, ctx.state));
      return v1Page(items, ctx.request.query, ctx.env.pageSize, PERSON_FILES_PAGES);
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/files\/(\d+)\/download$/,
    handle: ({ state, params }) => {
      const file = state.files.get(Number(params[0]));
      if (!live(file)) return pipedriveError(404, "File not found");
      return { status: 200, headers: { "content-type": file.content_type }, body: file.bytes };
    },
  },
  {
    method: "DELETE",
    pattern: /^\/v1\/files\/(\d+)$/,
    handle: (ctx) => {
      const id = Number(ctx.params[0]);
      return trash(ctx, ctx.state.files.get(id), `file:${id}`, "File") ?? v1Ok({ id });
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/callLogs$/,
    list: true,
    // Only the authorizing user's own call logs [V]; no person filter.
    // ASSUMPTION [U]: an admin's token is no exception — it lists the admin's own call logs only.
    handle: ({ state, env, user, request }) => {
      const items = Array.from(state.callLogs.values())
        .filter((c) => c.user_id === user.id)
        .map(callLogJson);
      return v1Page(items, request.query, env.pageSize, CALL_LOG_PAGES);
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/callLogs\/([A-Za-z0-9]+)$/,
    handle: ({ state, user, params }) => {
      const log = state.callLogs.get(params[0] ?? "");
      if (log === undefined) return pipedriveError(404, "Call log not found");
      // ASSUMPTION [U]: another user's call log (even for an admin) answers 403.
      if (log.user_id !== user.id) return pipedriveError(403);
      return v1Ok(callLogJson(log));
    },
  },
  {
    method: "DELETE",
    pattern: /^\/v1\/callLogs\/([A-Za-z0-9]+)$/,
    handle: ({ state, user, params }) => {
      const id = params[0] ?? "";
      const log = state.callLogs.get(id);
      // Deleted call logs answer 410 Gone [V: the SDK's CallLogGoneResponse]; unknown ids 404.
      if (log === undefined) {
        return state.destructive.has(`call_log:${id}`)
          ? pipedriveError(410, "Call log is already deleted")
          : pipedriveError(404, "Call log not found");
      }
      if (log.user_id !== user.id) return pipedriveError(403);
      // The call log and its recording go; its activity stays [V].
      state.callLogs.delete(id);
      state.destroyed(`call_log:${id}`);
      if (log.recording !== undefined) state.destroyed(`recording:${id}`);
      return v1Ok(null);
    },
  },
];
