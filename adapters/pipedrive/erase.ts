/**
 * Erasure in Pipedrive: call logs first (deleting one deletes its recording, not its activity),
 * then the activities, notes, files, leads (and deals when asked), the mail threads, the person
 * last. Persons, activities, deals, files and leads go to Pipedrive's trash and are purged 30 days
 * later (see trash.ts); nothing can speed that up through the API, so the outcome is `scheduled`
 * with that ETA, and the trashed records are reported as residuals until then. What no configured
 * token can reach (other users' call logs and mail) is reported as `not_covered`.
 */
import type { DeleteResult, JsonValue, OperationContext, Residual, StatusResult } from "../../src/adapter.js";
import { type PipedriveCredential, type PipedriveSession, V2_LIMIT } from "./api.js";
import { activitiesOf, callLogsOf, dealsOf, filesOf, GONE, leadsOf, mailOf, notesOf } from "./collect.js";
import { eraseMailThreads, liveMailThreads, mailResiduals, threadsOf } from "./mail.js";
import { activityPersonIds, isPrimary } from "./mapping.js";
import { PURGE_MS, residualsAt, TrashCount, type TrashedType } from "./trash.js";
import { uncoveredUsersResidual, userCoverage } from "./users.js";

export { PURGE_MS } from "./trash.js";

/** What `erase` needs besides the session. */
export interface EraseSettings {
  readonly main: PipedriveCredential;
  readonly credentials: readonly PipedriveCredential[];
  readonly scanActivities: boolean;
  readonly deleteDeals: boolean;
}

/** Deletes everything linked to `persons`, then the persons. Idempotent: gone counts as done. */
export async function erase(
  session: PipedriveSession,
  settings: EraseSettings,
  persons: readonly number[],
  ctx: OperationContext,
): Promise<DeleteResult> {
  const { main } = settings;
  let removed = 0;
  let unlinked = 0;
  const trash = new TrashCount();
  /** Counts one delete: `type` for records that go to the trash (also when already there: 410). */
  const count = (status: "done" | 404 | 410, type?: TrashedType): void => {
    if (status === "done") removed += 1;
    if (type !== undefined && status !== 404) trash.add(type);
  };
  const del = async (operation: string, run: () => Promise<unknown>): Promise<"done" | 404 | 410> => {
    try {
      await session.call(operation, run);
      return "done";
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 404 || status === 410) return status;
      throw error;
    }
  };
  // Who the tokens act as, and which users none of them covers (their call logs and mail stay).
  const coverage = persons.length > 0 ? await userCoverage(session, settings.credentials) : undefined;

  // 1. Call logs, with the token of the user who owns each (their recordings go with them).
  const logs = await callLogsOf(session, settings.credentials, persons);
  const callActivities = new Set<number>();
  /** Activities deleted or unlinked: what `status` re-reads instead of scanning the company again. */
  const touched = new Set<number>();
  for (const { credential, log } of logs) {
    const id = String(log.id);
    count(await del("callLogs.delete", () => session.as(credential).callLogs.deleteCallLog({ id })));
    if (typeof log.activity_id === "number") {
      callActivities.add(log.activity_id);
      touched.add(log.activity_id);
    }
  }
  // 2. The call logs' activities (deleting a call log leaves its activity behind).
  for (const id of callActivities) {
    count(
      await del("activities.delete", () => session.as(main).activities.deleteActivity({ id })),
      "activity",
    );
  }
  // 3. The persons' other activities: deleted where a person is the primary participant; shared
  //    activities where they only take part keep going for the others, without the person.
  const activities = await activitiesOf(session, main, persons, settings.scanActivities);
  const wanted = new Set(persons);
  for (const [id, activity] of activities) {
    if (callActivities.has(id)) continue;
    touched.add(id);
    if (persons.some((p) => isPrimary(activity, p))) {
      count(
        await del("activities.delete", () => session.as(main).activities.deleteActivity({ id })),
        "activity",
      );
      continue;
    }
    const participants = (Array.isArray(activity.participants) ? activity.participants : []) as {
      person_id?: unknown;
      primary?: unknown;
    }[];
    const rest = participants
      .filter((p) => typeof p.person_id === "number" && !wanted.has(p.person_id))
      .map((p) => ({ person_id: p.person_id as number, primary: p.primary === true }));
    const result = await session.call(
      "activities.update",
      () => session.as(main).activities.updateActivity({ id, AddActivityRequest: { participants: rest } }),
      GONE,
    );
    if (result !== undefined) unlinked += 1;
  }
  // 4. Notes, files and leads of the persons (and deals when asked).
  for (const note of await notesOf(session, main, persons)) {
    const id = note.id as number;
    count(await del("notes.delete", () => session.as(main).notes.deleteNote({ id })));
  }
  for (const file of await filesOf(session, main, persons)) {
    const id = file.id as number;
    count(await del("files.delete", () => session.as(main).files.deleteFile({ id })), "file");
  }
  for (const lead of await leadsOf(session, main, persons)) {
    const id = lead.id as string;
    count(await del("leads.delete", () => session.as(main).leads.deleteLead({ id })), "lead");
  }
  if (settings.deleteDeals) {
    for (const deal of await dealsOf(session, main, persons)) {
      const id = deal.id as number;
      count(await del("deals.delete", () => session.as(main).deals.deleteDeal({ id })), "deal");
    }
  }
  // 5. Mail threads, each with its user's token, while the person still lists its mail.
  const mail =
    coverage === undefined
      ? { deleted: [], uncovered: 0 }
      : await eraseMailThreads(
          session,
          settings.credentials,
          coverage,
          threadsOf(await mailOf(session, main, persons)),
        );
  removed += mail.deleted.length;
  // 6. The persons, last: once a person is gone its files and mail can no longer be listed.
  for (const id of persons) {
    count(await del("persons.delete", () => session.as(main).persons.deletePerson({ id })), "person");
  }

  const notCovered = coverage === undefined ? undefined : uncoveredUsersResidual(coverage);
  const details = [
    `${logs.length} call logs deleted with their recordings`,
    mail.deleted.length > 0 ? `${mail.deleted.length} mail threads deleted` : undefined,
    unlinked > 0 ? `subject removed from ${unlinked} shared activities` : undefined,
    settings.deleteDeals ? undefined : "deals kept (unlinked from the person by Pipedrive)",
  ].filter((d): d is string => d !== undefined);
  if (trash.total === 0 && removed === 0 && unlinked === 0) {
    const residual = [...mailResiduals(mail), ...(notCovered ? [notCovered] : [])];
    return {
      outcome: "not_found",
      deleted: 0,
      detail: "nothing of the subject was found",
      ...(residual.length > 0 ? { residual } : {}),
    };
  }
  // An upper bound: records trashed by an earlier attempt are purged sooner.
  const eta = new Date(ctx.now().getTime() + PURGE_MS).toISOString();
  const residual: Residual[] = [
    ...trash.residuals(eta),
    ...mailResiduals(mail),
    ...(notCovered ? [notCovered] : []),
  ];
  const state = stateOf(persons, touched, mail.deleted);
  if (trash.total === 0) {
    return {
      outcome: "erased",
      deleted: removed,
      detail: details.join("; "),
      state,
      ...(residual.length > 0 ? { residual } : {}),
    };
  }
  return {
    outcome: "scheduled",
    deleted: removed,
    eta,
    detail: `${details.join("; ")}; Pipedrive purges trashed records 30 days after deletion`,
    state,
    residual,
  };
}

function stateOf(
  persons: readonly number[],
  activities: ReadonlySet<number>,
  mailThreads: readonly [number, number][],
): JsonValue {
  return {
    persons: [...persons],
    activities: [...activities].sort((a, b) => a - b),
    mailThreads: mailThreads.map(([id, scope]) => [id, scope]),
  };
}

function touchedActivities(deletion: DeleteResult): number[] | undefined {
  const state = deletion.state as { activities?: unknown } | null | undefined;
  if (!Array.isArray(state?.activities)) return undefined;
  return state.activities.filter((id): id is number => typeof id === "number");
}

function deletedThreads(deletion: DeleteResult): [number, number][] {
  const state = deletion.state as { mailThreads?: unknown } | null | undefined;
  if (!Array.isArray(state?.mailThreads)) return [];
  return state.mailThreads.filter(
    (t): t is [number, number] =>
      Array.isArray(t) && t.length === 2 && typeof t[0] === "number" && typeof t[1] === "number",
  );
}

/**
 * Re-reads what is still live for the persons (person, activities, notes, files, leads, call logs,
 * the mail threads the delete marked deleted). The delete's residuals stay, but those of the trash
 * end with its purge.
 */
export async function verify(
  session: PipedriveSession,
  settings: EraseSettings,
  persons: readonly number[],
  deletion: DeleteResult,
  now: Date,
): Promise<StatusResult> {
  const residual = residualsAt(deletion.residual ?? [], now);
  const withResidual = <T extends StatusResult>(status: T): T =>
    deletion.residual === undefined ? status : { ...status, residual };
  if (deletion.outcome === "not_found" || persons.length === 0) {
    return withResidual({ state: "done", remaining: 0 });
  }
  const { main } = settings;
  let remaining = 0;
  for (const id of persons) {
    const body = await session.envelope(
      "persons.get",
      () => session.as(main).persons.getPerson({ id }),
      GONE,
    );
    if (body !== undefined) remaining += 1;
  }
  // The activities the delete touched are re-read by id (100 per request); the company is scanned
  // again only when the deletion did not record them.
  const touched = touchedActivities(deletion);
  remaining += (await activitiesOf(session, main, persons, touched === undefined && settings.scanActivities))
    .size;
  if (touched !== undefined) remaining += await stillInvolved(session, main, persons, touched);
  remaining += (await notesOf(session, main, persons)).length;
  remaining += (await filesOf(session, main, persons)).length;
  remaining += (await leadsOf(session, main, persons)).length;
  remaining += (await callLogsOf(session, settings.credentials, persons)).length;
  remaining += await liveMailThreads(session, settings.credentials, deletedThreads(deletion));
  if (remaining > 0) return withResidual({ state: "remaining", remaining });
  if (deletion.outcome === "scheduled") {
    return withResidual({
      state: "scheduled",
      remaining: 0,
      ...(deletion.eta === undefined ? {} : { eta: deletion.eta }),
      detail: "trashed records are purged by Pipedrive 30 days after deletion",
    });
  }
  return withResidual({ state: "done", remaining: 0 });
}

/** How many of the given activities still involve one of the persons. */
async function stillInvolved(
  session: PipedriveSession,
  main: PipedriveCredential,
  persons: readonly number[],
  activityIds: readonly number[],
): Promise<number> {
  const wanted = new Set(persons);
  let count = 0;
  for (let i = 0; i < activityIds.length; i += 100) {
    const ids = activityIds.slice(i, i + 100).join(",");
    const live = await session.v2All("activities.list", (cursor) =>
      session.as(main).activities.getActivities({
        ids,
        limit: V2_LIMIT,
        ...(cursor === undefined ? {} : { cursor }),
      }),
    );
    count += live.filter((a) => activityPersonIds(a).some((p) => wanted.has(p))).length;
  }
  return count;
}
