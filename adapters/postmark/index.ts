/**
 * Postmark adapter: notification email sent to (and received from) the subject.
 *
 * - locate/export: across every server the tokens reach (discovered with the account token, or
 *   the `serverTokens` given), outbound messages by recipient (details with bodies and event
 *   timeline), inbound messages by sender, bounces, and suppressions on every message stream.
 * - restrict/unrestrict: a manual suppression on each outbound/broadcast stream, undone exactly.
 * - delete: a Data Removal request (account token), verified by polling it until `Done` and
 *   re-checking that nothing is left. Accounts without Data Removals enabled get
 *   `manual_required` with instructions.
 *
 * @see https://postmarkapp.com/developer/api/overview
 * @see https://postmarkapp.com/developer/api/messages-api
 * @see https://postmarkapp.com/developer/api/suppressions-api
 * @see https://postmarkapp.com/developer/api/data-removals-api
 * @see docs/adapters/postmark.md
 */
import { createHash } from "node:crypto";
import type { OperationContext, RecordRef, SubprocessorAdapter } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { type ApiSettings, createApi, isGone, type PostmarkApi, type PostmarkSdk } from "./api.js";
import { presentation } from "./labels.js";
import {
  findMessagesById,
  findOnServer,
  inspectServer,
  suppressionsOn,
  TYPES,
  toExportRecord,
} from "./mapping.js";
import { type PostmarkAdapterOptions, parseOptions } from "./options.js";
import { type RestrictMemo, restrictSubject, unrestrictSubject } from "./restrict.js";
import { afterRemoval, bouncesAfterDelete } from "./retained.js";

export type { PostmarkSdk } from "./api.js";
export type { PostmarkAdapterOptions } from "./options.js";

const MANUAL_INSTRUCTIONS =
  "Postmark Data Removals are not enabled for this account (the API is available by request only). " +
  "Ask Postmark support to enable Data Removals and retry, or remove the recipient's data in the Postmark " +
  "UI; messages also expire after the account's retention period (45 days by default).";

const NO_EMAIL_INSTRUCTIONS =
  "Postmark erases by recipient address (Data Removal API) and the subject has no email address here: " +
  "add the subject's email address to the request, or remove the located messages in the Postmark UI.";

/** Creates the Postmark adapter. Throws `ConfigurationError` naming a missing or invalid option. */
export function postmarkAdapter(options: PostmarkAdapterOptions): SubprocessorAdapter {
  const o = parseOptions(options);
  let sdkPromise: Promise<PostmarkSdk> | undefined;
  const settings: ApiSettings = {
    cache: new Map(),
    accountToken: o.accountToken,
    serverTokens: o.serverTokens,
    baseUrl: o.baseUrl ?? "https://api.postmarkapp.com",
    timeoutMs: o.timeoutMs ?? 30_000,
    sdk: () => {
      sdkPromise ??= o.client ? Promise.resolve(o.client) : import("postmark");
      return sdkPromise;
    },
  };
  const recoveryWindowMs = o.restrictRecoveryWindowMs ?? 86_400_000;
  const retentionDays = o.retentionDays ?? 45;
  const memo: RestrictMemo = new Map();
  // Data removals requested per request id in this process: a repeated delete reuses a pending job.
  // Postmark has no idempotency keys; after a crash a second request is harmless (same subject).
  const removals = new Map<string, { id: string; kind: string; status: string }>();
  const api = (ctx: OperationContext) => createApi(settings, ctx);

  const locateAll = async (a: PostmarkApi, email: string): Promise<RecordRef[]> => {
    // Servers are searched together; the refs keep the servers' order.
    const perServer = await a.together(
      (await a.servers()).map((server) => () => findOnServer(a, server, email)),
    );
    return perServer.flat();
  };
  const inspectAll = async (a: PostmarkApi, email: string) =>
    a.together((await a.servers()).map((server) => () => inspectServer(a, server, email)));

  return {
    id: "postmark",
    presentation,
    capabilities: {
      export: true,
      restrict: true,
      unrestrict: true,
      asyncDelete: true,
      softDelete: false,
      lookup: ["email"],
    },
    // Postmark publishes no numeric limit; see docs/adapters/postmark.md.
    rateLimit: { requests: 50, intervalMs: 1000 },
    rateLimitKey: `postmark:${createHash("sha256").update(o.accountToken).digest("hex").slice(0, 16)}`,

    async locate(subject, ctx) {
      const ids = subject.ids.postmark ?? [];
      // Postmark has no phone look-up: a phone number is never searched here.
      const coverage = {
        searchedBy: [
          ...(subject.email ? (["email"] as const) : []),
          ...(ids.length > 0 ? (["id"] as const) : []),
        ],
        types: Object.values(TYPES),
      };
      if (!subject.email && ids.length === 0) return { refs: [], coverage };
      const a = await api(ctx);
      const refs = ids.length > 0 ? await findMessagesById(a, ids) : [];
      if (subject.email) refs.push(...(await locateAll(a, subject.email)));
      const seen = new Set<string>();
      return {
        coverage,
        refs: refs.filter((r) => {
          const key = `${r.type}\u0000${r.scope}\u0000${r.id}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        }),
      };
    },

    async export(refs, ctx) {
      const email = ctx.subject.email;
      if (refs.length === 0) return { records: [] };
      const a = await api(ctx);
      const servers = new Map((await a.servers()).map((s) => [String(s.id), s] as const));
      const records = [];
      for (const ref of refs) {
        const server = servers.get(ref.scope ?? "");
        if (!server) continue;
        try {
          if (ref.type === TYPES.outbound) {
            const details = await a.call("messages.outbound.details", () =>
              server.client.getOutboundMessageDetails(ref.id),
            );
            records.push(toExportRecord(ref, details));
          } else if (ref.type === TYPES.inbound) {
            const details = await a.call("messages.inbound.details", () =>
              server.client.getInboundMessageDetails(ref.id),
            );
            records.push(toExportRecord(ref, details));
          } else if (ref.type === TYPES.bounce) {
            const bounce = await a.call("bounces.get", () => server.client.getBounce(Number(ref.id)));
            records.push(toExportRecord(ref, bounce));
          } else if (ref.type === TYPES.suppression && email) {
            for (const entry of await suppressionsOn(a, server, ref.id, email)) {
              records.push(toExportRecord(ref, { ...entry, MessageStream: ref.id }));
            }
          }
        } catch (error) {
          // Expired (retention) or already removed since locate: nothing left to export.
          if (!isGone(error)) throw error;
        }
      }
      return { records };
    },

    async restrict(_refs, ctx) {
      const email = ctx.subject.email;
      if (!email) return { undo: { version: 1, suppressions: [] }, restricted: 0 };
      return restrictSubject(await api(ctx), email, ctx, memo, recoveryWindowMs);
    },

    async unrestrict(_refs, undo, ctx) {
      const email = ctx.subject.email;
      if (!email) return;
      await unrestrictSubject(await api(ctx), email, undo, ctx, memo, recoveryWindowMs);
    },

    async delete(refs, ctx) {
      const email = ctx.subject.email;
      if (!email) {
        // Data removals work by address; message ids alone cannot be erased through the API.
        return refs.length === 0
          ? { outcome: "not_found", deleted: 0 }
          : { outcome: "manual_required", deleted: 0, detail: NO_EMAIL_INSTRUCTIONS };
      }
      const a = await api(ctx);
      const live = refs.length > 0 ? refs.length : (await locateAll(a, email)).length;
      if (live === 0) return { outcome: "not_found", deleted: 0 };
      const known = removals.get(ctx.requestId);
      if (known) {
        // Still running, or done with nothing left: reuse it. Done with data found again (mail sent
        // since): a new removal is needed.
        const current = await a.call("data-removals.get", () =>
          a.account.getDataRemovalStatus(Number(known.id)),
        );
        const job = { ...known, status: current.Status };
        if (current.Status !== "Done" || (await locateAll(a, email)).length === 0) {
          return {
            outcome: "erased",
            deleted: live,
            jobs: [job],
            state: { dataRemovals: [job.id] },
            residual: bouncesAfterDelete(refs, ctx.now().getTime(), retentionDays),
          };
        }
      }
      let removal: { ID: number; Status: string };
      try {
        removal = await a.call("data-removals.create", () =>
          a.account.requestDataRemoval({
            RequestedBy: o.requestedBy,
            RequestedFor: email,
            NotifyWhenCompleted: o.notifyWhenCompleted ?? false,
          }),
        );
      } catch (error) {
        if (error instanceof FanoutError && (error.status === 403 || error.status === 422)) {
          ctx.logger.warn(
            { status: error.status, providerCode: error.providerCode },
            "postmark data removal refused: feature not enabled for the account",
          );
          return {
            outcome: "manual_required",
            deleted: 0,
            detail: `${MANUAL_INSTRUCTIONS} (Postmark answered HTTP ${error.status}${error.providerCode ? `, ErrorCode ${error.providerCode}` : ""}.)`,
          };
        }
        throw error;
      }
      const job = { id: String(removal.ID), kind: "data_removal", status: removal.Status };
      removals.set(ctx.requestId, job);
      return {
        outcome: "erased",
        deleted: live,
        jobs: [job],
        detail: "Postmark data removal requested; status polls it until Done",
        state: { dataRemovals: [job.id] },
        residual: bouncesAfterDelete(refs, ctx.now().getTime(), retentionDays),
      };
    },

    async status(refs, deletion, ctx) {
      const email = ctx.subject.email;
      const a = await api(ctx);
      // Without an address only the refs themselves are known; they cannot be re-searched.
      const remainingNow = async () => (email ? (await locateAll(a, email)).length : refs.length);
      if (deletion.outcome === "manual_required") {
        const remaining = await remainingNow();
        return {
          state: remaining === 0 ? "done" : "remaining",
          remaining,
          detail: deletion.detail ?? MANUAL_INSTRUCTIONS,
        };
      }
      const jobs = [];
      for (const job of deletion.jobs ?? []) {
        if (job.kind !== "data_removal") continue;
        const status = await a.call("data-removals.get", () =>
          a.account.getDataRemovalStatus(Number(job.id)),
        );
        jobs.push({ id: job.id, kind: job.kind, status: status.Status });
      }
      if (jobs.some((j) => j.status !== "Done")) {
        return { state: "pending", remaining: refs.length, jobs, detail: "Postmark data removal is pending" };
      }
      if (!email) {
        const remaining = refs.length;
        return remaining === 0
          ? { state: "done", remaining: 0, jobs }
          : {
              state: "remaining",
              remaining,
              jobs,
              detail: "records still found after the data removal completed",
            };
      }
      // Bounces and compliance suppressions still shown are what Postmark keeps by design
      // (residuals); messages and manual suppressions still shown are a removal that fell short.
      const { remaining, residual } = afterRemoval(
        await inspectAll(a, email),
        retentionDays,
        ctx.now().getTime(),
      );
      return remaining === 0
        ? { state: "done", remaining: 0, jobs, residual }
        : {
            state: "remaining",
            remaining,
            jobs,
            residual,
            detail: "records still found after the data removal completed",
          };
    },
    check: (ctx) => import("./check.js").then((m) => m.check(settings, o, ctx)),
  };
}
