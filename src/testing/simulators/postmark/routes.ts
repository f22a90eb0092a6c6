/**
 * The Postmark simulator's routes: server-token endpoints (messages, bounces, streams,
 * suppressions) and account-token endpoints (servers, data removals).
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import {
  renderBounce,
  renderInbound,
  renderOutbound,
  renderServer,
  renderStream,
  renderSuppression,
} from "./render.js";
import { type PostmarkAccount, recipientsOf, type SimServer } from "./state.js";

/** Postmark's error body. */
export function postmarkError(status: number, errorCode: number, message: string): SimResponse {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: { ErrorCode: errorCode, Message: message },
  };
}

// ASSUMPTION [U]: ErrorCodes other than 10 (bad token) and 429 are not documented per endpoint;
// validation failures below use plausible codes. The adapter classifies by HTTP status only.
const invalid = (message: string) => postmarkError(422, 1000, message);

/** Query parameters, case-insensitive by name. */
// ASSUMPTION [U]: query parameter names are case-insensitive (the docs write `fromemail`,
// `emailFilter`, `EmailAddress`; the official SDK sends `fromEmail`, `emailFilter`, `emailAddress`).
function param(request: SimRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of request.query) if (key.toLowerCase() === lower) return value;
  return undefined;
}

type Page = { items: unknown[]; total: number } | SimResponse;

function paginate<T>(
  request: SimRequest,
  env: SimEnvironment,
  all: readonly T[],
  render: (t: T) => unknown,
): Page {
  const count = Number(param(request, "count"));
  const offset = Number(param(request, "offset"));
  if (!Number.isInteger(count) || count < 1 || count > 500) {
    return invalid("The 'count' parameter is required and must be between 1 and 500.");
  }
  if (!Number.isInteger(offset) || offset < 0) return invalid("The 'offset' parameter is required.");
  // ASSUMPTION [U] (PROVIDERS.md: [S]): offset + count may not exceed 10,000.
  if (offset + count > 10_000) return invalid("The sum of 'offset' and 'count' may not exceed 10000.");
  const size = Math.min(count, env.pageSize ?? count);
  return { items: all.slice(offset, offset + size).map(render), total: all.length };
}

const isPage = (p: Page): p is { items: unknown[]; total: number } => "items" in p;
const ok = (body: unknown): SimResponse => ({ status: 200, body });

// ASSUMPTION [U]: `recipient`, `fromemail` and `emailFilter` match substrings, case-insensitively
// (the docs only say "filter by"); adapters must match exactly on their side.
const matches = (value: string, filter: string | undefined) =>
  filter === undefined || value.toLowerCase().includes(filter.trim().toLowerCase());

/** Routes needing `X-Postmark-Server-Token`. */
export function serverRoute(
  account: PostmarkAccount,
  env: SimEnvironment,
  server: SimServer,
  request: SimRequest,
): SimResponse {
  const { method, path } = request;
  const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
  const byNewest = <T extends { receivedAt: number }>(a: T, b: T) => b.receivedAt - a.receivedAt;

  if (method === "GET" && path === "/server") return ok(renderServer(server));
  if (method === "GET" && path === "/message-streams") {
    const archived = (param(request, "includeArchivedStreams") ?? "").toLowerCase() === "true";
    const type = param(request, "messageStreamType");
    const streams = server.streams
      .filter((s) => archived || !s.archived)
      .filter((s) => !type || type.toLowerCase() === "all" || s.type.toLowerCase() === type.toLowerCase());
    return ok({ MessageStreams: streams.map((s) => renderStream(server, s)), TotalCount: streams.length });
  }
  // ASSUMPTION [U]: without `messagestream`, searches cover every stream of the server.
  if (method === "GET" && path === "/messages/outbound") {
    const recipient = param(request, "recipient");
    const stream = param(request, "messagestream");
    const all = account.outbound
      .filter((m) => m.serverId === server.id && account.retained(m.receivedAt))
      .filter((m) => !stream || m.stream === stream)
      .filter((m) => recipient === undefined || recipientsOf(m).some((r) => matches(r, recipient)))
      .sort(byNewest);
    const page = paginate(request, env, all, (m) => renderOutbound(m, false));
    return isPage(page) ? ok({ TotalCount: page.total, Messages: page.items }) : page;
  }
  if (method === "GET" && segments[0] === "messages" && segments.length === 4 && segments[3] === "details") {
    const id = segments[2];
    if (segments[1] === "outbound") {
      const m = account.outbound.find(
        (x) => x.id === id && x.serverId === server.id && account.retained(x.receivedAt),
      );
      // ASSUMPTION [U]: an unknown or expired message id answers 422 ErrorCode 701.
      return m ? ok(renderOutbound(m, true)) : postmarkError(422, 701, "This message was not found.");
    }
    if (segments[1] === "inbound") {
      const m = account.inbound.find(
        (x) => x.id === id && x.serverId === server.id && account.retained(x.receivedAt),
      );
      return m ? ok(renderInbound(m, true)) : postmarkError(422, 701, "This message was not found.");
    }
  }
  if (method === "GET" && path === "/messages/inbound") {
    const from = param(request, "fromemail");
    const all = account.inbound
      .filter((m) => m.serverId === server.id && account.retained(m.receivedAt))
      .filter((m) => matches(m.from, from))
      .sort(byNewest);
    const page = paginate(request, env, all, (m) => renderInbound(m, false));
    return isPage(page) ? ok({ TotalCount: page.total, InboundMessages: page.items }) : page;
  }
  if (method === "GET" && path === "/bounces") {
    const filter = param(request, "emailFilter");
    const all = account.bounces
      .filter((b) => b.serverId === server.id && account.retained(b.bouncedAt) && matches(b.email, filter))
      .sort((a, b) => b.bouncedAt - a.bouncedAt);
    const page = paginate(request, env, all, (b) => renderBounce(b, false));
    return isPage(page) ? ok({ TotalCount: page.total, Bounces: page.items }) : page;
  }
  if (method === "GET" && segments[0] === "bounces" && segments.length === 2) {
    const b = account.bounces.find(
      (x) => String(x.id) === segments[1] && x.serverId === server.id && account.retained(x.bouncedAt),
    );
    // ASSUMPTION [U]: an unknown bounce id answers 404 (the documented "entity doesn't exist").
    return b ? ok(renderBounce(b, true)) : postmarkError(404, 0, "Bounce not found.");
  }
  if (segments[0] === "message-streams" && segments[2] === "suppressions") {
    const stream = server.streams.find((s) => s.id === segments[1]);
    // ASSUMPTION [U]: an unknown stream answers 422 ErrorCode 1226; inbound streams have no
    // suppression list and answer the same way.
    if (!stream || stream.type === "Inbound") {
      return postmarkError(422, 1226, "The message stream for the provided 'ID' was not found.");
    }
    if (method === "GET" && segments[3] === "dump" && segments.length === 4) {
      const address = param(request, "EmailAddress");
      const list = account.suppressions
        .filter((s) => s.serverId === server.id && s.stream === stream.id)
        .filter((s) => address === undefined || s.email === address.trim().toLowerCase());
      return ok({ Suppressions: list.map(renderSuppression) });
    }
    if (method === "POST" && (segments.length === 3 || (segments.length === 4 && segments[3] === "delete"))) {
      const entries = (request.body as { Suppressions?: unknown } | undefined)?.Suppressions;
      if (!Array.isArray(entries) || entries.length === 0 || entries.length > 50) {
        return invalid("Suppressions must list between 1 and 50 addresses.");
      }
      const removing = segments.length === 4;
      const results = entries.map((entry) => {
        const raw = (entry as { EmailAddress?: unknown }).EmailAddress;
        const email = typeof raw === "string" ? raw.trim().toLowerCase() : "";
        if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
          return { EmailAddress: String(raw), Status: "Failed", Message: "Invalid email address." };
        }
        const existing = account.suppressions.find(
          (s) => s.serverId === server.id && s.stream === stream.id && s.email === email,
        );
        if (removing) {
          // ASSUMPTION [U]: SpamComplaint suppressions cannot be deleted through the API (the docs
          // only say that deleting a HardBounce suppression reactivates its bounce).
          if (existing?.reason === "SpamComplaint") {
            return {
              EmailAddress: email,
              Status: "Failed",
              Message: "You do not have the required authority to change this suppression.",
            };
          }
          if (existing) account.suppressions = account.suppressions.filter((s) => s !== existing);
          return { EmailAddress: email, Status: "Deleted", Message: null };
        }
        // ASSUMPTION [U]: adding an address that is already suppressed keeps the existing entry
        // (its reason and origin) and reports it as suppressed.
        if (!existing) {
          account.suppressions.push({
            id: account.id(),
            serverId: server.id,
            stream: stream.id,
            email,
            reason: "ManualSuppression",
            origin: "Customer",
            createdAt: env.now(),
            viaApi: true,
          });
        }
        return { EmailAddress: email, Status: "Suppressed", Message: null };
      });
      return ok({ Suppressions: results });
    }
  }
  return postmarkError(404, 0, "The requested resource was not found.");
}

/** Routes needing `X-Postmark-Account-Token`. */
export function accountRoute(
  account: PostmarkAccount,
  env: SimEnvironment,
  request: SimRequest,
  dataRemovalEnabled: boolean,
): SimResponse {
  const { method, path } = request;
  const segments = path.split("/").filter(Boolean);
  if (method === "GET" && path === "/servers") {
    const name = param(request, "name");
    const all = account.servers.filter((s) => !name || s.name.toLowerCase().includes(name.toLowerCase()));
    const page = paginate(request, env, all, renderServer);
    return isPage(page) ? ok({ TotalCount: page.total, Servers: page.items }) : page;
  }
  if (method === "GET" && segments[0] === "servers" && segments.length === 2) {
    const server = account.servers.find((s) => String(s.id) === segments[1]);
    return server ? ok(renderServer(server)) : postmarkError(404, 0, "Server not found.");
  }
  if (segments[0] === "data-removals") {
    // ASSUMPTION [U]: an account without Data Removals enabled ("available by request only")
    // answers 422 with ErrorCode 605 and a message pointing at support; not documented.
    if (!dataRemovalEnabled) {
      return postmarkError(
        422,
        605,
        "Data removal requests are not enabled for this account. Please contact support to enable this feature.",
      );
    }
    if (method === "POST" && segments.length === 1) {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const email = (v: unknown) => typeof v === "string" && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v.trim());
      if (!email(body.RequestedFor))
        return postmarkError(422, 300, "RequestedFor must be a valid email address.");
      if (!email(body.RequestedBy))
        return postmarkError(422, 300, "RequestedBy must be a valid email address.");
      const removal = {
        id: account.id(),
        requestedFor: String(body.RequestedFor).trim().toLowerCase(),
        requestedBy: String(body.RequestedBy).trim().toLowerCase(),
        createdAt: env.now(),
        done: false,
      };
      account.removals.push(removal);
      return ok({ ID: removal.id, Status: "Pending" });
    }
    if (method === "GET" && segments.length === 2) {
      const removal = account.removals.find((r) => String(r.id) === segments[1]);
      if (!removal) return postmarkError(404, 0, "Data removal request not found.");
      return ok({ ID: removal.id, Status: removal.done ? "Done" : "Pending" });
    }
  }
  return postmarkError(404, 0, "The requested resource was not found.");
}
