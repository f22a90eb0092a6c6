/**
 * Pipedrive API v1 endpoints the simulator serves for leads (open and archived lists, delete) and
 * the company's users (all of them, and the token's own).
 *
 * @see https://developers.pipedrive.com/docs/api/v1/Leads
 * @see https://developers.pipedrive.com/docs/api/v1/Users
 */
import type { SimLead, SimUser } from "./records.js";
import { LEAD_PAGES, v1Ok, v1Page } from "./responses.js";
import { live, type Route, type RouteContext, trash } from "./route-kit.js";

function leadJson(l: SimLead): Record<string, unknown> {
  const { deletedAt: _deleted, ...rest } = l;
  return {
    ...rest,
    label_ids: [],
    organization_id: null,
    source_name: "Manually created",
    origin: "ManuallyCreated",
    origin_id: null,
    channel: null,
    channel_id: null,
    source_deal_id: null,
    was_seen: true,
    value: null,
    expected_close_date: null,
    next_activity_id: null,
    visible_to: "3",
    cc_email: `company+${l.id}@pipedrivemail.com`,
  };
}

function userJson(u: SimUser, caller: SimUser): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    email: u.email,
    active_flag: true,
    is_admin: u.admin ? 1 : 0,
    is_you: u.id === caller.id,
    is_deleted: false,
    role_id: u.admin ? 1 : 2,
    lang: 1,
    locale: "en_GB",
    timezone_name: "Europe/London",
  };
}

/** `GET /v1/leads` (open) or `/v1/leads/archived`, filtered like Pipedrive's. */
function listLeads(ctx: RouteContext, archived: boolean) {
  const query = ctx.request.query;
  const person = query.get("person_id");
  const owner = query.get("owner_id");
  // Leads are sorted by the time they were created, oldest first [V: leads-api.d.ts].
  const items = Array.from(ctx.state.leads.values())
    .filter(live)
    .filter((l) => l.is_archived === archived)
    .filter((l) => person === null || String(l.person_id) === person)
    .filter((l) => owner === null || String(l.owner_id) === owner)
    .map(leadJson);
  return v1Page(items, query, ctx.env.pageSize, LEAD_PAGES);
}

export const LEAD_ROUTES: readonly Route[] = [
  { method: "GET", pattern: /^\/v1\/leads$/, list: true, handle: (ctx) => listLeads(ctx, false) },
  { method: "GET", pattern: /^\/v1\/leads\/archived$/, list: true, handle: (ctx) => listLeads(ctx, true) },
  {
    method: "DELETE",
    pattern: /^\/v1\/leads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
    handle: (ctx) => {
      const id = ctx.params[0] ?? "";
      // Deleted leads can be restored from "Restore data" for 30 days, like persons and deals
      // [V: support.pipedrive.com/en/article/restore-data]: they go to the trash.
      return trash(ctx, ctx.state.leads.get(id), `lead:${id}`, "Lead") ?? v1Ok({ id });
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/users$/,
    list: true,
    // Every user of the company, whoever asks [V: users-api.d.ts "Returns data about all users
    // within the company"]. ASSUMPTION [U]: not paginated (the SDK method takes no parameters).
    handle: ({ state, user }) => v1Ok(state.users.map((u) => userJson(u, user))),
  },
  {
    method: "GET",
    pattern: /^\/v1\/users\/me$/,
    handle: ({ state, user }) => v1Ok({ ...userJson(user, user), company_id: state.users[0]?.id ?? 0 }),
  },
];
