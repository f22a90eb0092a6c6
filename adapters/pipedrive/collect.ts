/**
 * Gathering everything linked to a subject's persons — shared by export, delete and status.
 */
import {
  CALL_LOG_LIMIT,
  FILES_LIMIT,
  LEADS_LIMIT,
  type PipedriveCredential,
  type PipedriveObject,
  type PipedriveSession,
  V1_LIMIT,
  V2_LIMIT,
} from "./api.js";
import { activityPersonIds } from "./mapping.js";

/** Answers that mean "this record is not there (any more)". */
export const GONE = [404, 410] as const;

/** The person object (v2), or `undefined` when it is gone. */
export async function getPerson(
  session: PipedriveSession,
  main: PipedriveCredential,
  id: number,
): Promise<PipedriveObject | undefined> {
  const body = await session.envelope("persons.get", () => session.as(main).persons.getPerson({ id }), GONE);
  const data = body?.data;
  return typeof data === "object" && data !== null ? (data as PipedriveObject) : undefined;
}

/**
 * Every activity involving one of `persons`. `GET /api/v2/activities?person_id=` returns only
 * activities whose *primary* participant is the person, so with `scan` all activities of the
 * company are read as well and filtered on `participants` here.
 */
export async function activitiesOf(
  session: PipedriveSession,
  main: PipedriveCredential,
  persons: readonly number[],
  scan: boolean,
): Promise<Map<number, PipedriveObject>> {
  const out = new Map<number, PipedriveObject>();
  const wanted = new Set(persons);
  const keep = (activity: PipedriveObject): void => {
    if (typeof activity.id === "number" && activityPersonIds(activity).some((p) => wanted.has(p))) {
      out.set(activity.id, activity);
    }
  };
  for (const person of persons) {
    const list = await session.v2All("activities.list", (cursor) =>
      session.as(main).activities.getActivities({
        person_id: person,
        limit: V2_LIMIT,
        ...(cursor === undefined ? {} : { cursor }),
      }),
    );
    list.forEach(keep);
  }
  if (scan && persons.length > 0) {
    const all = await session.v2All("activities.scan", (cursor) =>
      session.as(main).activities.getActivities({
        limit: V2_LIMIT,
        sort_by: "id",
        ...(cursor === undefined ? {} : { cursor }),
      }),
    );
    all.forEach(keep);
  }
  return out;
}

/** Deals linked to the persons. */
export async function dealsOf(
  session: PipedriveSession,
  main: PipedriveCredential,
  persons: readonly number[],
): Promise<PipedriveObject[]> {
  const out: PipedriveObject[] = [];
  for (const person of persons) {
    out.push(
      ...(await session.v2All("deals.list", (cursor) =>
        session.as(main).deals.getDeals({
          person_id: person,
          limit: V2_LIMIT,
          ...(cursor === undefined ? {} : { cursor }),
        }),
      )),
    );
  }
  return out;
}

/** Notes attached to the persons. */
export async function notesOf(
  session: PipedriveSession,
  main: PipedriveCredential,
  persons: readonly number[],
): Promise<PipedriveObject[]> {
  const out: PipedriveObject[] = [];
  for (const person of persons) {
    out.push(
      ...(await session.v1All("notes.list", (start) =>
        session.as(main).notes.getNotes({ person_id: person, start, limit: V1_LIMIT }),
      )),
    );
  }
  return out.filter((n) => persons.includes(n.person_id as number));
}

/** Files attached to the persons (a person gone meanwhile has none). */
export async function filesOf(
  session: PipedriveSession,
  main: PipedriveCredential,
  persons: readonly number[],
): Promise<PipedriveObject[]> {
  const out: PipedriveObject[] = [];
  for (const id of persons) {
    out.push(
      ...(await session.v1All(
        "persons.files",
        (start) => session.as(main).personsV1.getPersonFiles({ id, start, limit: FILES_LIMIT }),
        GONE,
      )),
    );
  }
  return out;
}

/** Mail messages linked to the persons. */
export async function mailOf(
  session: PipedriveSession,
  main: PipedriveCredential,
  persons: readonly number[],
): Promise<PipedriveObject[]> {
  const out: PipedriveObject[] = [];
  for (const id of persons) {
    out.push(
      ...(await session.v1All(
        "persons.mailMessages",
        (start) => session.as(main).personsV1.getPersonMailMessages({ id, start, limit: V1_LIMIT }),
        GONE,
      )),
    );
  }
  return out;
}

/** A call log and the credential of the user it belongs to. */
export interface OwnedCallLog {
  readonly credential: PipedriveCredential;
  /** Index of the credential in the adapter's list (0 = main), used as the record scope. */
  readonly scope: number;
  readonly log: PipedriveObject;
}

/**
 * Call logs linked to the persons. `GET /v1/callLogs` lists only the authorizing user's call logs
 * and has no person filter, so every credential's list is read and filtered here.
 */
export async function callLogsOf(
  session: PipedriveSession,
  credentials: readonly PipedriveCredential[],
  persons: readonly number[],
): Promise<OwnedCallLog[]> {
  const wanted = new Set(persons);
  const out: OwnedCallLog[] = [];
  const seen = new Set<string>();
  for (const [scope, credential] of credentials.entries()) {
    const logs = await session.v1All("callLogs.list", (start) =>
      session.as(credential).callLogs.getUserCallLogs({ start, limit: CALL_LOG_LIMIT }),
    );
    for (const log of logs) {
      const id = typeof log.id === "string" || typeof log.id === "number" ? String(log.id) : undefined;
      if (id === undefined || seen.has(id) || typeof log.person_id !== "number" || !wanted.has(log.person_id))
        continue;
      seen.add(id);
      out.push({ credential, scope, log });
    }
  }
  return out;
}

/**
 * Leads linked to the persons, open and archived: `GET /v1/leads` lists only leads that are not
 * archived and `GET /v1/leads/archived` the others (both filtered by `person_id`; `pipedrive` 33.7
 * `dist/versions/v1/api/leads-api.d.ts`). Lead ids are UUIDs.
 */
export async function leadsOf(
  session: PipedriveSession,
  main: PipedriveCredential,
  persons: readonly number[],
): Promise<PipedriveObject[]> {
  const out = new Map<string, PipedriveObject>();
  for (const person of persons) {
    const open = await session.v1All("leads.list", (start) =>
      session.as(main).leads.getLeads({ person_id: person, start, limit: LEADS_LIMIT }),
    );
    const archived = await session.v1All("leads.archived", (start) =>
      session.as(main).leads.getArchivedLeads({ person_id: person, start, limit: LEADS_LIMIT }),
    );
    for (const lead of [...open, ...archived]) {
      if (typeof lead.id === "string" && persons.includes(lead.person_id as number)) out.set(lead.id, lead);
    }
  }
  return [...out.values()];
}
