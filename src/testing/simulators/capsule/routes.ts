/**
 * The `/api/v2` routes the Capsule simulator serves, over a {@link CapsuleState}.
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { orderParties, partyCondition } from "./filter-conditions.js";
import { capsuleError, pageParams, paginate } from "./http.js";
import { currentUser } from "./integration.js";
import {
  deleteChild,
  deleteEntry,
  partyEntries,
  partyKases,
  partyOpportunities,
  showAttachment,
  showChild,
  showEntry,
} from "./records.js";
import type { CapsuleState, SimParty } from "./state.js";
import { deleteTask, listTasks, showTask } from "./task-routes.js";

/** What the routes need beyond the state. */
export interface RouteContext {
  readonly state: CapsuleState;
  readonly env: SimEnvironment;
  /** A party with more entries than this is deleted by a 202 job. */
  readonly asyncDeleteThreshold: number;
  readonly jobDelayMs: number;
}

type Handler = (req: SimRequest, ctx: RouteContext, params: string[]) => SimResponse;

const ROUTES: readonly [string, RegExp, Handler][] = [
  ["POST", /^\/api\/v2\/parties\/filters\/results$/, filterParties],
  ["GET", /^\/api\/v2\/parties\/deleted$/, deletedParties],
  ["GET", /^\/api\/v2\/parties\/(\d+)$/, showParty],
  ["PUT", /^\/api\/v2\/parties\/(\d+)$/, updateParty],
  ["DELETE", /^\/api\/v2\/parties\/(\d+)$/, deleteParty],
  ["GET", /^\/api\/v2\/parties\/(\d+)\/entries$/, partyEntries],
  ["GET", /^\/api\/v2\/parties\/(\d+)\/opportunities$/, partyOpportunities],
  ["GET", /^\/api\/v2\/parties\/(\d+)\/kases$/, partyKases],
  ["GET", /^\/api\/v2\/entries\/(\d+)$/, showEntry],
  ["DELETE", /^\/api\/v2\/entries\/(\d+)$/, deleteEntry],
  ["GET", /^\/api\/v2\/attachments\/(\d+)$/, showAttachment],
  ["GET", /^\/api\/v2\/opportunities\/(\d+)$/, (_r, c, p) => showChild(c, "opportunity", p)],
  ["DELETE", /^\/api\/v2\/opportunities\/(\d+)$/, (_r, c, p) => deleteChild(c, "opportunity", p)],
  ["GET", /^\/api\/v2\/kases\/(\d+)$/, (_r, c, p) => showChild(c, "kase", p)],
  ["DELETE", /^\/api\/v2\/kases\/(\d+)$/, (_r, c, p) => deleteChild(c, "kase", p)],
  ["GET", /^\/api\/v2\/tasks$/, listTasks],
  ["GET", /^\/api\/v2\/tasks\/(\d+)$/, showTask],
  ["DELETE", /^\/api\/v2\/tasks\/(\d+)$/, deleteTask],
  ["GET", /^\/api\/v2\/jobs\/([\w-]+)$/, showJob],
  ["GET", /^\/api\/v2\/users\/current$/, currentUser],
];

/** Routes one authenticated, rate-counted request. */
export function route(req: SimRequest, ctx: RouteContext): SimResponse {
  ctx.state.settleJobs();
  let pathMatched = false;
  for (const [method, pattern, handler] of ROUTES) {
    const match = pattern.exec(req.path);
    if (!match) continue;
    pathMatched = true;
    if (method === req.method) return handler(req, ctx, match.slice(1));
  }
  return capsuleError(pathMatched ? 405 : 404, pathMatched ? "method not allowed" : undefined);
}

function partyJson(state: CapsuleState, party: SimParty, embed: Set<string>): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: party.id,
    type: "person",
    about: party.about,
    title: null,
    firstName: party.firstName,
    lastName: party.lastName,
    jobTitle: party.jobTitle,
    createdAt: party.createdAt,
    updatedAt: party.updatedAt,
    organisation: null,
    lastContactedAt: party.lastContactedAt ?? null,
    addresses: [],
    phoneNumbers: party.phoneNumbers,
    websites: [],
    emailAddresses: party.emailAddresses,
    pictureURL: "https://facehub.capsule.run/default/person?text=P&size=100",
  };
  if (embed.has("tags")) {
    json.tags = party.tagIds.flatMap((id) => {
      const tag = state.tags.get(id);
      return tag ? [{ ...tag }] : [];
    });
  }
  if (embed.has("fields")) json.fields = [];
  return json;
}

function embedOf(req: SimRequest): Set<string> {
  return new Set((req.query.get("embed") ?? "").split(",").map((s) => s.trim()));
}

function filterParties(req: SimRequest, ctx: RouteContext): SimResponse {
  const paging = pageParams(req, 100, ctx.env);
  if (!paging) return capsuleError(400, "perPage must be between 1 and 100");
  const conditions = (req.body as { filter?: { conditions?: unknown } } | undefined)?.filter?.conditions;
  if (!Array.isArray(conditions) || conditions.length === 0) {
    return capsuleError(422, "filter.conditions is required");
  }
  let parties = [...ctx.state.parties.values()];
  for (const raw of conditions) {
    const c = raw as { field?: unknown; operator?: unknown; value?: unknown };
    // Only what the adapter needs is modelled; other fields and operators are refused loudly.
    // `email` and `phone` are String fields of party filters, `is` a String operator
    // (developer.capsulecrm.com/v2/reference/filters). Sweep conditions: filter-conditions.ts.
    if ((c.field !== "email" && c.field !== "phone") || c.operator !== "is" || typeof c.value !== "string") {
      const matches = partyCondition(ctx.state, c);
      if (!matches) return capsuleError(422, "unsupported filter condition");
      parties = parties.filter(matches);
      continue;
    }
    if (c.field === "email") {
      // ASSUMPTION [U]: the `email is` condition matches case-insensitively.
      const value = c.value.toLowerCase();
      parties = parties.filter((p) => p.emailAddresses.some((e) => e.address.toLowerCase() === value));
    } else {
      // Capsule keeps a number as it was typed (its docs' Party example has "773-338-7786").
      // ASSUMPTION [U]: `phone is` compares that text exactly (trimmed), without normalising
      // spaces, dashes or prefixes; no source says either way.
      const value = c.value.trim();
      parties = parties.filter((p) => p.phoneNumbers.some((n) => n.number.trim() === value));
    }
  }
  orderParties(parties, (req.body as { filter?: { orderBy?: unknown } }).filter?.orderBy);
  // ASSUMPTION [U]: filter results paginate with `page`/`perPage` query parameters and `Link`.
  const page = paginate(req, parties, paging);
  const embed = embedOf(req);
  return {
    status: 200,
    headers: page.headers,
    body: { parties: page.items.map((p) => partyJson(ctx.state, p, embed)) },
  };
}

function deletedParties(req: SimRequest, ctx: RouteContext): SimResponse {
  const since = Date.parse(req.query.get("since") ?? "");
  if (Number.isNaN(since)) return capsuleError(400, "since must be an ISO 8601 date");
  const paging = pageParams(req, 100, ctx.env);
  if (!paging) return capsuleError(400, "perPage must be between 1 and 100");
  // Shape from a secondary source [S]: `{ parties: [{ id, deletedAt }], restrictedParties }`.
  const rows = ctx.state.deleted
    .filter((d) => d.deletedAt >= since)
    .map((d) => ({ id: d.id, deletedAt: ctx.state.iso(d.deletedAt) }));
  // ASSUMPTION [U]: the deleted-parties listing paginates like every other listing.
  const page = paginate(req, rows, paging);
  return { status: 200, headers: page.headers, body: { parties: page.items, restrictedParties: [] } };
}

function findParty(ctx: RouteContext, id: string | undefined): SimParty | undefined {
  return ctx.state.parties.get(Number(id));
}

function showParty(req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const party = findParty(ctx, id);
  if (!party) return capsuleError(404);
  return { status: 200, body: { party: partyJson(ctx.state, party, embedOf(req)) } };
}

function updateParty(req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const party = findParty(ctx, id);
  if (!party) return capsuleError(404);
  const update = (req.body as { party?: { tags?: unknown } } | undefined)?.party;
  if (!update || typeof update !== "object") return capsuleError(422, "body must contain a party");
  if (update.tags !== undefined) {
    if (!Array.isArray(update.tags)) return capsuleError(422, "party.tags must be an array");
    // ASSUMPTION [U]: tags are added with `{ name }` (or `{ id }`) and removed with
    // `{ id, _delete: true }` in `party.tags` of an update, like Capsule's other nested lists.
    for (const raw of update.tags) {
      const t = raw as { id?: unknown; name?: unknown; _delete?: unknown };
      if (t._delete === true) {
        if (typeof t.id !== "number") return capsuleError(422, "a tag to delete needs its id");
        party.tagIds = party.tagIds.filter((x) => x !== t.id);
        continue;
      }
      let tagId: number;
      if (typeof t.id === "number" && ctx.state.tags.has(t.id)) tagId = t.id;
      else if (typeof t.name === "string" && t.name.trim()) tagId = ctx.state.tagId(t.name.trim());
      else return capsuleError(422, "a tag needs a name or an existing id");
      if (!party.tagIds.includes(tagId)) party.tagIds.push(tagId);
    }
  }
  party.updatedAt = ctx.state.iso();
  return { status: 200, body: { party: partyJson(ctx.state, party, new Set(["tags"])) } };
}

function deleteParty(_req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const party = findParty(ctx, id);
  if (!party) return capsuleError(404);
  const pending = ctx.state.pendingJobFor(party.id);
  // ASSUMPTION [U]: deleting a party whose delete job is still running answers 202 with the same job.
  if (pending) return { status: 202, headers: { location: jobUrl(pending.id) } };
  ctx.state.countDestructive(`party:${party.id}`);
  // ASSUMPTION [U]: a party delete answers 202 + `Location: /api/v2/jobs/{id}` when the party has
  // many entries (the 202 pattern is documented, its trigger is not; the threshold is ours).
  if (ctx.state.entriesOf(party.id).length > ctx.asyncDeleteThreshold) {
    const job = ctx.state.createJob("Deleting Party", party.id, ctx.env.scale(ctx.jobDelayMs));
    return { status: 202, headers: { location: jobUrl(job.id) } };
  }
  ctx.state.removeParty(party.id);
  return { status: 204 };
}

function jobUrl(id: string): string {
  return `https://api.capsulecrm.com/api/v2/jobs/${id}`;
}

function showJob(_req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const job = ctx.state.jobs.get(id ?? "");
  if (!job) return capsuleError(404);
  const span = Math.max(1, job.completesAt - job.createdAt);
  const progress = job.done ? 100 : Math.min(99, Math.floor(((ctx.env.now() - job.createdAt) / span) * 100));
  // Documented: `completed` when finished. ASSUMPTION [U]: `pending` before it starts, `running` after.
  const status = job.done ? "completed" : progress > 0 ? "running" : "pending";
  return { status: 200, body: { job: { status, progress, action: job.action, id: job.id } } };
}
