/**
 * The reversible first phase: a manual suppression of the subject on every outbound/broadcast
 * stream of every server, and its exact undo.
 *
 * Postmark suppressions carry no tag we could mark ours with, so "ours" is decided like this:
 * - a stream with no suppression for the subject gets one, and is recorded in `undo`;
 * - a suppression that existed before (HardBounce, SpamComplaint, an older manual one) is never
 *   recorded and never removed;
 * - when restrict runs again for the same request (crash, retry), a `ManualSuppression` with origin
 *   `Customer` created within `recoveryWindowMs` is taken as this request's own from the earlier
 *   run: in-process through a memo, across processes when `ctx.attempt > 1`;
 * - `unrestrict` without an `undo` (restrict's result was never recorded) removes only such recent
 *   `ManualSuppression`/`Customer` entries.
 */
import type { JsonValue, OperationContext, RestrictResult } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { arrayOf, type PostmarkApi, type ServerHandle } from "./api.js";
import { suppressionStreams, suppressionsOn } from "./mapping.js";

/** One suppression this adapter added: server id and stream id, no address. */
export interface AddedSuppression {
  readonly server: number;
  readonly stream: string;
}

type Entry = { SuppressionReason: string; Origin: string; CreatedAt: string };

/** What restrict remembers per request id within this process. */
export type RestrictMemo = Map<string, Set<string>>;

const key = (s: AddedSuppression) => `${s.server}/${s.stream}`;

function recentManual(entry: Entry, now: number, windowMs: number): boolean {
  const created = Date.parse(entry.CreatedAt);
  return (
    entry.SuppressionReason === "ManualSuppression" &&
    entry.Origin === "Customer" &&
    Number.isFinite(created) &&
    now - created <= windowMs
  );
}

/** Adds the manual suppressions; returns what unrestrict must undo. */
export async function restrictSubject(
  api: PostmarkApi,
  email: string,
  ctx: OperationContext,
  memo: RestrictMemo,
  recoveryWindowMs: number,
): Promise<RestrictResult> {
  const mine = memo.get(ctx.requestId) ?? new Set<string>();
  memo.set(ctx.requestId, mine);
  const now = ctx.now().getTime();
  const restrictOn = async (server: ServerHandle, stream: string): Promise<AddedSuppression | null> => {
    const target = { server: server.id, stream };
    const existing = (await suppressionsOn(api, server, stream, email))[0];
    if (existing) {
      const earlierRun = mine.has(key(target)) || ctx.attempt > 1;
      return earlierRun && recentManual(existing, now, recoveryWindowMs) ? target : null;
    }
    // Recorded before the call: a crash after it still leaves the memo right in this process.
    mine.add(key(target));
    const result = await api.call("suppressions.create", () =>
      server.client.createSuppressions(stream, { Suppressions: [{ EmailAddress: email }] }),
    );
    if (!arrayOf(result.Suppressions, "suppressions.create").every((s) => s.Status === "Suppressed")) {
      throw new FanoutError(
        "PROVIDER_RESPONSE",
        "postmark suppressions.create did not suppress the address",
        {
          provider: "postmark",
          operation: "suppressions.create",
          retryable: true,
        },
      );
    }
    return target;
  };
  // Every stream of every server at once (each is independent); the result keeps their order.
  const perServer = await api.together(
    (await api.servers()).map((server) => async () => {
      // Archived streams send nothing: there is no processing to stop there.
      const streams = await suppressionStreams(api, server, { includeArchived: false });
      return api.together(streams.map((stream) => () => restrictOn(server, stream)));
    }),
  );
  const added = perServer.flat().filter((t): t is AddedSuppression => t !== null);
  const undo = { version: 1, suppressions: added.map((a) => ({ server: a.server, stream: a.stream })) };
  return { undo: undo as unknown as JsonValue, restricted: added.length };
}

function parseUndo(undo: JsonValue | undefined): AddedSuppression[] | undefined {
  if (undo === undefined || undo === null || typeof undo !== "object" || Array.isArray(undo))
    return undefined;
  const list = (undo as { suppressions?: unknown }).suppressions;
  if (!Array.isArray(list)) return undefined;
  return list.flatMap((item) => {
    const s = item as { server?: unknown; stream?: unknown };
    return typeof s.server === "number" && typeof s.stream === "string"
      ? [{ server: s.server, stream: s.stream }]
      : [];
  });
}

/** Removes exactly the suppressions restrict added (see the module comment when `undo` is missing). */
export async function unrestrictSubject(
  api: PostmarkApi,
  email: string,
  undo: JsonValue | undefined,
  ctx: OperationContext,
  memo: RestrictMemo,
  recoveryWindowMs: number,
): Promise<void> {
  const recorded = parseUndo(undo);
  const mine = memo.get(ctx.requestId);
  const now = ctx.now().getTime();
  const servers = await api.servers();
  const byId = new Map(servers.map((s) => [s.id, s] as const));
  const targets: { server: ServerHandle; stream: string; recorded: boolean }[] = [];
  if (recorded) {
    for (const r of recorded) {
      const server = byId.get(r.server);
      if (server) targets.push({ server, stream: r.stream, recorded: true });
    }
  } else {
    for (const server of servers) {
      for (const stream of await suppressionStreams(api, server, { includeArchived: true })) {
        targets.push({ server, stream, recorded: mine?.has(key({ server: server.id, stream })) ?? false });
      }
    }
  }
  for (const target of targets) {
    const existing = (await suppressionsOn(api, target.server, target.stream, email))[0];
    if (existing?.SuppressionReason !== "ManualSuppression") continue;
    if (!target.recorded && !recentManual(existing, now, recoveryWindowMs)) continue;
    const result = await api.call("suppressions.delete", () =>
      target.server.client.deleteSuppressions(target.stream, { Suppressions: [{ EmailAddress: email }] }),
    );
    if (!arrayOf(result.Suppressions, "suppressions.delete").every((s) => s.Status === "Deleted")) {
      throw new FanoutError(
        "PROVIDER_RESPONSE",
        "postmark suppressions.delete did not remove the suppression",
        {
          provider: "postmark",
          operation: "suppressions.delete",
          retryable: true,
        },
      );
    }
  }
  memo.delete(ctx.requestId);
}
