/**
 * The Pipedrive endpoints the simulator serves, as a route table. Paths are matched after `/api/v1`
 * has been folded into `/v1` (Pipedrive answers both; OAuth apps call `{api_domain}/api/v1`).
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import type {
  PipedriveState,
  SimActivity,
  SimCallLog,
  SimDeal,
  SimFile,
  SimPerson,
  SimUser,
} from "./model.js";
import { CALL_LOG_PAGES, pipedriveError, v1Ok, v1Page, v2Ok, v2Page } from "./responses.js";

/** What a handler gets. */
export interface RouteContext {
  readonly state: PipedriveState;
  readonly env: SimEnvironment;
  readonly user: SimUser;
  readonly params: readonly string[];
  readonly request: SimRequest;
}

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** A list endpoint (token cost class). */
  readonly list?: boolean;
  /** Counts against the search limit. */
  readonly search?: boolean;
  readonly handle: (ctx: RouteContext) => SimResponse;
}

const live = <T extends { deletedAt?: number }>(record: T | undefined): record is T =>
  record !== undefined && record.deletedAt === undefined;

function intParam(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

function personJson(p: SimPerson): Record<string, unknown> {
  const [first, ...rest] = p.name.split(" ");
  return {
    id: p.id,
    name: p.name,
    first_name: first ?? "",
    last_name: rest.join(" "),
    owner_id: p.owner_id,
    org_id: null,
    add_time: p.add_time,
    update_time: p.update_time,
    emails: p.emails,
    phones: p.phones,
    is_deleted: false,
    visible_to: 3,
    label_ids: [],
    custom_fields: {},
  };
}

function activityJson(a: SimActivity): Record<string, unknown> {
  const { deletedAt: _deleted, ...rest } = a;
  return { ...rest, is_deleted: false, lead_id: null, org_id: null, project_id: null, busy: false };
}

function dealJson(d: SimDeal): Record<string, unknown> {
  const { deletedAt: _deleted, ...rest } = d;
  return { ...rest, is_deleted: false, org_id: null, pipeline_id: 1, stage_id: 1 };
}

function fileJson(f: SimFile, state: PipedriveState): Record<string, unknown> {
  return {
    id: f.id,
    user_id: f.user_id,
    person_id: f.person_id,
    name: f.name,
    file_name: f.name,
    file_type: f.file_type,
    file_size: f.bytes.length,
    add_time: f.add_time,
    update_time: f.add_time,
    active_flag: true,
    inline_flag: false,
    remote_location: "s3",
    url: `/v1/files/${f.id}/download`,
    company_id: state.users[0]?.id ?? 0,
  };
}

function callLogJson(c: SimCallLog): Record<string, unknown> {
  const { recording, ...rest } = c;
  return {
    ...rest,
    org_id: null,
    deal_id: null,
    lead_id: null,
    has_recording: recording !== undefined,
    company_id: 1,
  };
}

function personOr404(ctx: RouteContext): SimPerson | SimResponse {
  const id = intParam(ctx.params[0]);
  const person = id === undefined ? undefined : ctx.state.persons.get(id);
  // ASSUMPTION [U]: a trashed person reads as 404 through the API (v2 has no `status=deleted` for persons).
  return live(person) ? person : pipedriveError(404, "Person not found");
}

const isResponse = (value: unknown): value is SimResponse =>
  typeof value === "object" && value !== null && "status" in value && !("id" in value);

/** Deletes a trashable record: 404 when unknown, 410 when already in the trash. */
function trash<T extends { deletedAt?: number }>(
  ctx: RouteContext,
  record: T | undefined,
  key: string,
  what: string,
): SimResponse | undefined {
  if (record === undefined) return pipedriveError(404, `${what} not found`);
  // ASSUMPTION [U]: deleting a record that is already in the trash answers 410 Gone.
  if (record.deletedAt !== undefined) return pipedriveError(410, `${what} is already deleted`);
  record.deletedAt = ctx.env.now();
  ctx.state.destroyed(key);
  return undefined;
}

// Not served, on purpose:
// ASSUMPTION [U]: there is no endpoint to download a call recording (only to upload one), so
// recordings cannot be exported; they are visible only as `has_recording`.
// ASSUMPTION [U]: there is no API to restore a trashed record or to purge the trash early, and no
// GDPR/permanent-delete endpoint: the only way out of the trash is the 30-day purge.
export const ROUTES: readonly Route[] = [
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
      const matches = (value: string): boolean =>
        exact ? value.toLowerCase() === needle : value.toLowerCase().includes(needle);
      // ASSUMPTION [U]: the search index has no lag here; a newly created person is found at once.
      const items = Array.from(state.persons.values())
        .filter(live)
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
      const page = v2Page(items, request.query, env.pageSize);
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
      const items = Array.from(state.activities.values())
        .filter(live)
        // `person_id` matches the primary participant only [V].
        .filter((a) => personId === null || String(a.person_id) === personId)
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
      return v1Page(items, ctx.request.query, ctx.env.pageSize);
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
    pattern: /^\/v1\/persons\/(\d+)\/mailMessages$/,
    list: true,
    handle: (ctx) => {
      const person = personOr404(ctx);
      if (isResponse(person)) return person;
      const items = Array.from(ctx.state.mail.values())
        .filter((m) => m.person_id === person.id)
        .map((m) => ({
          object: "mailMessage",
          timestamp: m.message_time,
          data: {
            id: m.id,
            subject: m.subject,
            snippet: m.snippet,
            from: [{ email_address: m.from_email, linked_person_id: null }],
            to: [{ email_address: m.to_email, linked_person_id: person.id }],
            user_id: m.user_id,
            message_time: m.message_time,
          },
        }));
      return v1Page(items, ctx.request.query, ctx.env.pageSize);
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
