/**
 * The Capsule simulator's routes for what hangs off a party: entries (notes, emails, call notes),
 * attachments, opportunities and projects (`kases`).
 */
import { contentDisposition } from "../../content-disposition.js";
import type { SimRequest, SimResponse } from "../../simulator.js";
import { capsuleError, pageParams, paginate } from "./http.js";
import type { RouteContext } from "./routes.js";
import { ACTIVITY_TYPES, type SimEntry } from "./state.js";

function embedOf(req: SimRequest): Set<string> {
  return new Set((req.query.get("embed") ?? "").split(",").map((s) => s.trim()));
}

function entryJson(ctx: RouteContext, entry: SimEntry, embed: Set<string>): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: entry.id,
    type: entry.type,
    createdAt: entry.createdAt,
    updatedAt: entry.createdAt,
    entryAt: entry.createdAt,
    content: entry.content,
    party: { id: entry.partyId, type: "person" },
    kase: null,
    opportunity: null,
    attachments: entry.attachmentIds.flatMap((aid) => {
      const a = ctx.state.attachments.get(aid);
      return a ? [{ id: a.id, filename: a.filename, contentType: a.contentType, size: a.bytes.length }] : [];
    }),
  };
  if (entry.type === "email") json.subject = entry.emailSubject;
  if (embed.has("creator")) json.creator = entry.creator;
  // ASSUMPTION [U]: call notes are `note` entries whose activity type is the built-in "Call" (-3);
  // emails carry no activity type.
  if (embed.has("activityType")) {
    json.activityType = entry.activityTypeId === null ? null : (ACTIVITY_TYPES[entry.activityTypeId] ?? null);
  }
  return json;
}

export function partyEntries(req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const party = ctx.state.parties.get(Number(id));
  if (!party) return capsuleError(404);
  const paging = pageParams(req, 50, ctx.env);
  if (!paging) return capsuleError(400, "perPage must be between 1 and 50");
  const page = paginate(req, ctx.state.entriesOf(party.id), paging);
  const embed = embedOf(req);
  return {
    status: 200,
    headers: page.headers,
    body: { entries: page.items.map((e) => entryJson(ctx, e, embed)) },
  };
}

export function partyOpportunities(req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const party = ctx.state.parties.get(Number(id));
  if (!party) return capsuleError(404);
  const paging = pageParams(req, 100, ctx.env);
  if (!paging) return capsuleError(400, "perPage must be between 1 and 100");
  const rows = [...ctx.state.opportunities.values()].filter((o) => o.partyId === party.id);
  const page = paginate(req, rows, paging);
  return {
    status: 200,
    headers: page.headers,
    body: {
      opportunities: page.items.map(({ subject: _s, partyId, ...o }) => ({ ...o, party: { id: partyId } })),
    },
  };
}

export function partyKases(req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const party = ctx.state.parties.get(Number(id));
  if (!party) return capsuleError(404);
  const paging = pageParams(req, 100, ctx.env);
  if (!paging) return capsuleError(400, "perPage must be between 1 and 100");
  const rows = [...ctx.state.kases.values()].filter((k) => k.partyId === party.id);
  const page = paginate(req, rows, paging);
  return {
    status: 200,
    headers: page.headers,
    body: { kases: page.items.map(({ subject: _s, partyId, ...k }) => ({ ...k, party: { id: partyId } })) },
  };
}

export function showEntry(req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const entry = ctx.state.entries.get(Number(id));
  if (!entry) return capsuleError(404);
  return { status: 200, body: { entry: entryJson(ctx, entry, embedOf(req)) } };
}

// ASSUMPTION [U]: `DELETE /api/v2/entries/{id}` answers 204 and removes the entry's attachments
// with it (PROVIDERS.md marks the endpoint [U]; a secondary source [S] describes exactly this).
export function deleteEntry(_req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const entry = ctx.state.entries.get(Number(id));
  if (!entry) return capsuleError(404);
  ctx.state.countDestructive(`entry:${entry.id}`);
  ctx.state.removeEntry(entry.id);
  return { status: 204 };
}

export function showAttachment(_req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const a = ctx.state.attachments.get(Number(id));
  if (!a) return capsuleError(404);
  return {
    status: 200,
    headers: {
      "content-type": a.contentType,
      // RFC 6266/8187 encoding: a raw non-Latin-1 name is not a valid header (ERR_INVALID_CHAR).
      "content-disposition": contentDisposition("inline", a.filename),
    },
    body: a.bytes,
  };
}

export function showChild(ctx: RouteContext, kind: "opportunity" | "kase", [id]: string[]): SimResponse {
  const map = kind === "opportunity" ? ctx.state.opportunities : ctx.state.kases;
  const row = map.get(Number(id));
  if (!row) return capsuleError(404);
  const { subject: _s, partyId, ...rest } = row;
  return { status: 200, body: { [kind]: { ...rest, party: { id: partyId } } } };
}

// ASSUMPTION [U]: opportunities and projects are deleted with `DELETE /opportunities/{id}` and
// `DELETE /kases/{id}` answering 204 (404 once gone).
export function deleteChild(ctx: RouteContext, kind: "opportunity" | "kase", [id]: string[]): SimResponse {
  const map = kind === "opportunity" ? ctx.state.opportunities : ctx.state.kases;
  if (!map.has(Number(id))) return capsuleError(404);
  ctx.state.countDestructive(`${kind}:${id}`);
  map.delete(Number(id));
  return { status: 204 };
}
