/**
 * What the simulator's route handlers share: the route shape, JSON views of records as Pipedrive
 * returns them, and the trash semantics of deletes.
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import type {
  PipedriveState,
  SimActivity,
  SimCallLog,
  SimDeal,
  SimFile,
  SimPerson,
  SimUser,
} from "./model.js";
import { pipedriveError } from "./responses.js";

/** What a handler gets. */
export interface RouteContext {
  readonly state: PipedriveState;
  readonly env: SimEnvironment;
  readonly user: SimUser;
  readonly params: readonly string[];
  readonly request: SimRequest;
}

export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  /** A list endpoint (token cost class). */
  readonly list?: boolean;
  /** Counts against the search limit. */
  readonly search?: boolean;
  readonly handle: (ctx: RouteContext) => SimResponse;
}

export const live = <T extends { deletedAt?: number }>(record: T | undefined): record is T =>
  record !== undefined && record.deletedAt === undefined;

export function intParam(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function personJson(p: SimPerson): Record<string, unknown> {
  const [first, ...rest] = p.name.split(" ");
  return {
    id: p.id,
    name: p.name,
    first_name: first ?? "",
    last_name: rest.join(" "),
    owner_id: p.owner_id,
    org_id: null,
    add_time: p.add_time,
    update_time: p.update_time,
    emails: p.emails,
    phones: p.phones,
    is_deleted: false,
    visible_to: 3,
    label_ids: [],
    custom_fields: {},
  };
}

export function activityJson(a: SimActivity): Record<string, unknown> {
  const { deletedAt: _deleted, ...rest } = a;
  return { ...rest, is_deleted: false, lead_id: null, org_id: null, project_id: null, busy: false };
}

export function dealJson(d: SimDeal): Record<string, unknown> {
  const { deletedAt: _deleted, ...rest } = d;
  return { ...rest, is_deleted: false, org_id: null, pipeline_id: 1, stage_id: 1 };
}

export function fileJson(f: SimFile, state: PipedriveState): Record<string, unknown> {
  return {
    id: f.id,
    user_id: f.user_id,
    person_id: f.person_id,
    name: f.name,
    file_name: f.name,
    file_type: f.file_type,
    file_size: f.bytes.length,
    add_time: f.add_time,
    update_time: f.add_time,
    active_flag: true,
    inline_flag: false,
    remote_location: "s3",
    url: `/v1/files/${f.id}/download`,
    company_id: state.users[0]?.id ?? 0,
  };
}

export function callLogJson(c: SimCallLog): Record<string, unknown> {
  const { recording, ...rest } = c;
  return {
    ...rest,
    org_id: null,
    deal_id: null,
    lead_id: null,
    has_recording: recording !== undefined,
    company_id: 1,
  };
}

export function personOr404(ctx: RouteContext): SimPerson | SimResponse {
  const id = intParam(ctx.params[0]);
  const person = id === undefined ? undefined : ctx.state.persons.get(id);
  // ASSUMPTION [U]: a trashed person reads as 404 through the API (v2 has no `status=deleted` for persons).
  return live(person) ? person : pipedriveError(404, "Person not found");
}

export const isResponse = (value: unknown): value is SimResponse =>
  typeof value === "object" && value !== null && "status" in value && !("id" in value);

/** Deletes a trashable record: 404 when unknown, 410 when already in the trash. */
export function trash<T extends { deletedAt?: number }>(
  ctx: RouteContext,
  record: T | undefined,
  key: string,
  what: string,
): SimResponse | undefined {
  if (record === undefined) return pipedriveError(404, `${what} not found`);
  // ASSUMPTION [U]: deleting a record that is already in the trash answers 410 Gone.
  if (record.deletedAt !== undefined) return pipedriveError(410, `${what} is already deleted`);
  record.deletedAt = ctx.env.now();
  ctx.state.destroyed(key);
  return undefined;
}
