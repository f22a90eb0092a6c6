/**
 * Pipedrive in integration scope (`ctx.scope === "integration"`, docs/tenants.md): only the call logs
 * a phone integration wrote into a customer's company, their recordings and the activities
 * Pipedrive made for them — never the person the company keeps of the caller, its notes, deals or
 * the activities its users logged by hand.
 *
 * What marks the integration's records: a call log belongs to the user whose token wrote it, and
 * only that user's token lists or reads it (`GET /v1/callLogs`: "Returns all call logs assigned to
 * a particular user"; `GET /v1/callLogs/{id}`, developers.pipedrive.com/docs/api/v1/CallLogs). Call
 * logs are written through the API only, by telephony integrations; the integration's tokens are
 * this adapter's `apiToken`/`oauth` and `userTokens`, so the call logs those tokens reach are the
 * integration's. [U] A call log carries no mark of the app that wrote it: another telephony app on
 * the same user's token would look the same (give the ids the integration stored to be exact).
 *
 * Finding them: the ids it stored (`subject.ids.pipedrive`: `call_log:5ac1…` or the bare id), read
 * with each token until its owner's answers; by number, every call log of every token, matched on
 * `from_phone_number`/`to_phone_number` with `samePhone` (the list has no number filter).
 *
 * Erasing: `DELETE /v1/callLogs/{id}` "deletes a call log. If there is an audio recording attached
 * to it, it will also be deleted. The related activity will not be removed by this request"
 * (pipedrive 33.7 `dist/versions/v1/api/call-logs-api.d.ts`), so the activity (`activity_id`) goes
 * with `DELETE /api/v2/activities/{id}` into the 30-day trash (trash.ts). A call log written with an
 * `activity_id` converts an existing call activity (`add-call-log-request.d.ts`), which may be one a
 * user planned: `integration.deleteCallActivities: false` keeps activities and reports them.
 */
import type {
  ExportRecord,
  IdentifierKind,
  JsonValue,
  OperationContext,
  RecordRef,
  Residual,
} from "../../src/adapter.js";
import type { IntegrationOperations } from "../../src/integration-scope.js";
import { samePhone } from "../../src/phone.js";
import {
  CALL_LOG_LIMIT,
  type PipedriveCredential,
  type PipedriveObject,
  type PipedriveSession,
} from "./api.js";
import { GONE } from "./collect.js";
import { PURGE_MS, residualsAt, TrashCount } from "./trash.js";
import { credentialOf, uncoveredUsersResidual, userCoverage } from "./users.js";

/** What integration scope needs of the adapter. */
export interface PipedriveIntegrationSettings {
  readonly main: PipedriveCredential;
  /** Every token the integration holds (main first). */
  readonly credentials: readonly PipedriveCredential[];
  /** Delete the activity Pipedrive made for each call log. @default true */
  readonly deleteCallActivities: boolean;
}

/** What `delete` keeps for `status`: ids only. */
interface IntegrationState {
  callLogs: [string, number][];
  activities: number[];
}

const CALL_LOG_ID = /^(?:call_?logs?[:/])?([A-Za-z0-9]{1,64})$/;

/** Call log ids in `subject.ids.pipedrive` (`call_log:5ac1…` or bare); other types are not the integration's. */
export function parseCallLogIds(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of raw) {
    const match = CALL_LOG_ID.exec(value.trim());
    if (match?.[1] && !out.includes(match[1])) out.push(match[1]);
  }
  return out;
}

const userOf = (log: PipedriveObject) => (typeof log.user_id === "number" ? log.user_id : undefined);

export function pipedriveIntegration(
  session: (ctx: OperationContext) => Promise<PipedriveSession>,
  settings: PipedriveIntegrationSettings,
): IntegrationOperations {
  const { main, credentials } = settings;

  /** A call log read with whichever token owns it (another user's answers 403). */
  async function readLog(s: PipedriveSession, id: string, first?: PipedriveCredential) {
    const order = first ? [first, ...credentials.filter((c) => c !== first)] : credentials;
    for (const credential of order) {
      const body = await s.envelope("callLogs.get", () => s.as(credential).callLogs.getCallLog({ id }), [
        ...GONE,
        403,
      ]);
      const data = body?.data;
      if (data && typeof data === "object") return { credential, log: data as PipedriveObject };
    }
    return undefined;
  }

  const ref = (id: string, log: PipedriveObject): RecordRef => ({
    type: "call_log",
    id,
    ...(userOf(log) !== undefined ? { scope: String(userOf(log)) } : {}),
  });

  return {
    lookup: ["phone", "id"],

    async locate(subject, ctx) {
      const s = await session(ctx);
      const searchedBy: IdentifierKind[] = [];
      const found = new Map<string, RecordRef>();
      const given = parseCallLogIds(subject.ids.pipedrive ?? []);
      if (given.length > 0) searchedBy.push("id");
      for (const id of given) {
        const read = await readLog(s, id);
        if (read) found.set(id, ref(id, read.log));
      }
      if (subject.phone !== undefined) {
        searchedBy.push("phone");
        const phone = subject.phone;
        for (const credential of credentials) {
          const logs = await s.v1All("callLogs.list", (start) =>
            s.as(credential).callLogs.getUserCallLogs({ start, limit: CALL_LOG_LIMIT }),
          );
          for (const log of logs) {
            const id = typeof log.id === "string" || typeof log.id === "number" ? String(log.id) : undefined;
            const numbers = [log.from_phone_number, log.to_phone_number];
            if (id && numbers.some((n) => typeof n === "string" && samePhone(n, phone)))
              found.set(id, ref(id, log));
          }
        }
      }
      return {
        refs: [...found.values()],
        coverage: { searchedBy, types: ["call_log", "call_recording", "activity"] },
      };
    },

    async export(refs, ctx) {
      const s = await session(ctx);
      const records: ExportRecord[] = [];
      for (const r of refs) {
        const read = await readLog(s, r.id);
        if (read) records.push({ type: "call_log", id: r.id, data: read.log as JsonValue });
      }
      return { records };
    },

    async delete(refs, ctx) {
      const s = await session(ctx);
      const coverage = await userCoverage(s, credentials);
      const trash = new TrashCount();
      const state: IntegrationState = { callLogs: [], activities: [] };
      let deleted = 0;
      let keptActivities = 0;
      const del = async (operation: string, run: () => Promise<unknown>) => {
        try {
          await s.call(operation, run);
          return "done" as const;
        } catch (error) {
          const status = (error as { status?: unknown }).status;
          if (status === 404 || status === 410) return status;
          throw error;
        }
      };
      for (const r of refs.filter((x) => x.type === "call_log")) {
        const owner = r.scope === undefined ? undefined : credentialOf(coverage, Number(r.scope));
        const read = await readLog(s, r.id, owner === undefined ? undefined : credentials[owner]);
        if (!read) continue; // gone already (a re-run): its activity was handled then.
        const user = userOf(read.log) ?? -1;
        if (
          (await del("callLogs.delete", () => s.as(read.credential).callLogs.deleteCallLog({ id: r.id }))) ===
          "done"
        )
          deleted += 1;
        state.callLogs.push([r.id, user]);
        const activityId = read.log.activity_id;
        if (typeof activityId !== "number") continue;
        if (!settings.deleteCallActivities) {
          keptActivities += 1;
          continue;
        }
        const done = await del("activities.delete", () =>
          s.as(main).activities.deleteActivity({ id: activityId }),
        );
        if (done === "done") deleted += 1;
        if (done !== 404) trash.add("activity");
        state.activities.push(activityId);
      }
      const eta = new Date(ctx.now().getTime() + PURGE_MS).toISOString();
      const uncovered = ctx.subject.phone !== undefined ? uncoveredUsersResidual(coverage) : undefined;
      const residual: Residual[] = [
        ...trash.residuals(eta),
        ...(uncovered ? [uncovered] : []),
        ...(keptActivities > 0
          ? [
              {
                type: "activity",
                count: keptActivities,
                reason: "not_covered" as const,
                detail: `${keptActivities} call activities linked to the deleted call logs were kept (deleteCallActivities is off): they may be activities the company's users planned`,
              },
            ]
          : []),
      ];
      const detail =
        `${state.callLogs.length} call log(s) the integration wrote deleted with their recordings` +
        (state.activities.length > 0
          ? `; ${state.activities.length} of their activities moved to Pipedrive's trash, purged 30 days after deletion`
          : "") +
        "; the company's persons, notes and hand-logged activities were left in place";
      return {
        outcome: trash.total > 0 ? "scheduled" : "erased",
        deleted,
        ...(trash.total > 0 ? { eta } : {}),
        detail,
        state: state as unknown as JsonValue,
        ...(residual.length > 0 ? { residual } : {}),
      };
    },

    async status(refs, deletion, ctx) {
      const s = await session(ctx);
      const state = (deletion.state ?? {}) as Partial<IntegrationState>;
      const residual = residualsAt(deletion.residual ?? [], ctx.now());
      let remaining = 0;
      const logIds = new Set([...refs.map((r) => r.id), ...(state.callLogs ?? []).map(([id]) => id)]);
      for (const id of logIds) if (await readLog(s, id)) remaining += 1;
      for (const id of state.activities ?? []) {
        const body = await s.envelope("activities.get", () => s.as(main).activities.getActivity({ id }), [
          ...GONE,
        ]);
        if (body !== undefined) remaining += 1;
      }
      if (remaining > 0) return { state: "remaining", remaining, residual };
      // The trash cannot be read through the API: until the documented purge date the activities
      // are `scheduled`; after it Pipedrive has purged them ("After 30 days, … permanently deleted").
      const purged = deletion.eta !== undefined && Date.parse(deletion.eta) <= ctx.now().getTime();
      if (deletion.outcome === "scheduled" && !purged) {
        return {
          state: "scheduled",
          remaining: 0,
          ...(deletion.eta === undefined ? {} : { eta: deletion.eta }),
          detail:
            "the call logs are gone; their activities are purged from Pipedrive's trash 30 days after deletion",
          residual,
        };
      }
      return { state: "done", remaining: 0, residual };
    },
  };
}
