/**
 * Finding a subject's Postmark records on one server and turning them into refs and export
 * records. Postmark's search filters are "filter by" (they match more than the exact address), so
 * every result is matched exactly here before it counts.
 */
import type { ExportRecord, JsonValue, RecordRef } from "../../src/adapter.js";
import { arrayOf, isGone, type PostmarkApi, type ServerHandle } from "./api.js";

/** Record types in refs and export records. */
export const TYPES = {
  outbound: "outbound_message",
  inbound: "inbound_message",
  bounce: "bounce",
  suppression: "suppression",
} as const;

const same = (a: unknown, email: string) => typeof a === "string" && a.trim().toLowerCase() === email;

/** The bare address of `"Name" <addr>` or `addr`. */
function address(value: unknown): string {
  if (typeof value !== "string") return "";
  const angle = /<([^>]+)>/.exec(value);
  return (angle ? (angle[1] ?? "") : value).trim().toLowerCase();
}

/** True when an outbound message was sent to `email` (To, Cc, Bcc or Recipients). */
export function sentTo(message: Record<string, unknown>, email: string): boolean {
  const lists = [message.To, message.Cc, message.Bcc];
  for (const list of lists) {
    if (Array.isArray(list) && list.some((r) => same((r as { Email?: unknown })?.Email, email))) return true;
  }
  return Array.isArray(message.Recipients) && message.Recipients.some((r) => address(r) === email);
}

/** True when an inbound message came from `email`. */
export function sentBy(message: Record<string, unknown>, email: string): boolean {
  return (
    same((message.FromFull as { Email?: unknown } | undefined)?.Email, email) ||
    address(message.From) === email
  );
}

/** The non-inbound message streams of a server (inbound streams have no suppression list). */
export async function suppressionStreams(
  api: PostmarkApi,
  server: ServerHandle,
  options: { includeArchived: boolean },
): Promise<string[]> {
  return api.remember(`streams:${server.id}:${options.includeArchived}`, async () => {
    const result = await api.call("message-streams.list", () =>
      server.client.getMessageStreams({ includeArchivedStreams: options.includeArchived }),
    );
    return arrayOf(result.MessageStreams, "message-streams.list")
      .filter((s) => s.MessageStreamType !== "Inbound")
      .map((s) => s.ID);
  });
}

/** The subject's suppression entries on one stream (exact address). */
export async function suppressionsOn(
  api: PostmarkApi,
  server: ServerHandle,
  stream: string,
  email: string,
): Promise<{ EmailAddress: string; SuppressionReason: string; Origin: string; CreatedAt: string }[]> {
  const dump = await api.call("suppressions.dump", () =>
    server.client.getSuppressions(stream, { emailAddress: email }),
  );
  return arrayOf(dump.Suppressions, "suppressions.dump").filter((s) => same(s.EmailAddress, email));
}

/**
 * What one server holds about the subject: the refs (ids only) and, for verification, when each
 * bounce happened and why the address is suppressed on each stream (what Postmark keeps by design).
 */
export interface ServerFindings {
  readonly refs: RecordRef[];
  /** `BouncedAt` of each bounce ref, epoch ms (NaN when Postmark sent none). */
  readonly bouncedAt: number[];
  /** Suppression reason per stream ref (`HardBounce`, `SpamComplaint`, `ManualSuppression`). */
  readonly suppressionReasons: Map<string, string>;
}

/** Every record of the subject on one server, as refs (ids only). */
export async function findOnServer(
  api: PostmarkApi,
  server: ServerHandle,
  email: string,
): Promise<RecordRef[]> {
  return (await inspectServer(api, server, email)).refs;
}

/** {@link findOnServer} with the bounce dates and suppression reasons. */
export async function inspectServer(
  api: PostmarkApi,
  server: ServerHandle,
  email: string,
): Promise<ServerFindings> {
  const scope = String(server.id);
  // The four lookups are independent: run together, the locate costs one round trip per page, not
  // four (Postmark's locate is the slowest step before the pivot of an erasure across providers).
  const [outbound, inbound, bounces, suppressed] = await api.together([
    () =>
      api.paginate("messages.outbound.list", async (count, offset) => {
        const page = await server.client.getOutboundMessages({ recipient: email, count, offset });
        return { TotalCount: Number(page.TotalCount), items: page.Messages };
      }),
    () =>
      api.paginate("messages.inbound.list", async (count, offset) => {
        const page = await server.client.getInboundMessages({ fromEmail: email, count, offset });
        return { TotalCount: Number(page.TotalCount), items: page.InboundMessages };
      }),
    () =>
      api.paginate("bounces.list", async (count, offset) => {
        const page = await server.client.getBounces({ emailFilter: email, count, offset });
        return { TotalCount: page.TotalCount, items: page.Bounces };
      }),
    () =>
      suppressionStreams(api, server, { includeArchived: true }).then((streams) =>
        api.together(
          streams.map((stream) => async () => {
            const entry = (await suppressionsOn(api, server, stream, email))[0];
            return entry ? { stream, reason: entry.SuppressionReason } : null;
          }),
        ),
      ),
  ]);
  const refs: RecordRef[] = [];
  for (const m of outbound) {
    if (sentTo(m as unknown as Record<string, unknown>, email))
      refs.push({ type: TYPES.outbound, id: m.MessageID, scope });
  }
  for (const m of inbound) {
    if (sentBy(m as unknown as Record<string, unknown>, email))
      refs.push({ type: TYPES.inbound, id: m.MessageID, scope });
  }
  const bouncedAt: number[] = [];
  for (const b of bounces) {
    if (!same(b.Email, email)) continue;
    refs.push({ type: TYPES.bounce, id: String(b.ID), scope });
    bouncedAt.push(Date.parse(b.BouncedAt));
  }
  const suppressionReasons = new Map<string, string>();
  for (const found of suppressed) {
    if (found === null) continue;
    refs.push({ type: TYPES.suppression, id: found.stream, scope });
    suppressionReasons.set(found.stream, found.reason);
  }
  return { refs, bouncedAt, suppressionReasons };
}

/**
 * Outbound messages given by id (the `MessageID`s an application kept from its sends), found on
 * whichever server holds them. Unknown or expired ids are skipped.
 */
export async function findMessagesById(api: PostmarkApi, ids: readonly string[]): Promise<RecordRef[]> {
  const servers = await api.servers();
  const refs: RecordRef[] = [];
  for (const id of ids) {
    for (const server of servers) {
      try {
        await api.call("messages.outbound.details", () => server.client.getOutboundMessageDetails(id));
        refs.push({ type: TYPES.outbound, id, scope: String(server.id) });
        break;
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    }
  }
  return refs;
}

/** An export record for one ref's data, with the server (and stream) it came from. */
export function toExportRecord(ref: RecordRef, data: unknown): ExportRecord {
  const json = JSON.parse(JSON.stringify(data ?? null)) as JsonValue;
  const withServer =
    json !== null && typeof json === "object" && !Array.isArray(json)
      ? { ...json, ServerID: Number(ref.scope) }
      : { value: json, ServerID: Number(ref.scope) };
  return { type: ref.type, id: ref.scope ? `${ref.scope}/${ref.id}` : ref.id, data: withServer };
}
