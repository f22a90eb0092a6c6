/**
 * Erasure in Capsule. Per party: first the entries the integration wrote (call notes by default,
 * with their attachments — the recordings), because they are what the phone integration pushed and
 * their removal must not depend on the party delete's cascade, which Capsule does not document;
 * optionally the party's opportunities and projects; then the party itself, which answers 204, or
 * 202 with a job to poll. `status` polls the jobs, then verifies with the party lookup and the
 * deleted-parties log.
 */
import type {
  DeleteResult,
  JsonValue,
  OperationContext,
  ProviderJob,
  RecordRef,
  StatusResult,
} from "../../src/adapter.js";
import type { CapsuleApi, CapsuleEntry, DeleteAnswer } from "./api.js";

/** Which entries count as the integration's (see `CapsuleAdapterOptions.entryActivityTypes`). */
export interface EntryScope {
  /** Lower-cased activity-type names; `"*"` means every entry. */
  readonly activityTypes: readonly string[];
  /** Lower-cased username of the creator, when the integration writes as a dedicated user. */
  readonly creator?: string;
}

/** What `delete` keeps for `status` (ids only). */
interface EraseState {
  since: string;
  parties: string[];
  opportunities: string[];
  projects: string[];
}

const FINISHED = new Set(["completed", "complete", "finished", "done", "succeeded"]);
const FAILED = new Set(["failed", "error", "cancelled", "canceled"]);

export function inScope(entry: CapsuleEntry, scope: EntryScope): boolean {
  if (scope.creator !== undefined && entry.creator?.username?.toLowerCase() !== scope.creator) return false;
  if (scope.activityTypes.includes("*")) return true;
  const name = entry.activityType?.name?.toLowerCase();
  return name !== undefined && scope.activityTypes.includes(name);
}

export async function deleteParties(
  api: CapsuleApi,
  options: { scope: EntryScope; deleteOpportunities: boolean },
  refs: readonly RecordRef[],
  ctx: OperationContext,
): Promise<DeleteResult> {
  const parties = refs.filter((r) => r.type === "party");
  if (parties.length === 0) return { outcome: "not_found", deleted: 0 };
  // A margin for clock skew between us and Capsule when reading the deleted-parties log later.
  const since = new Date(ctx.now().getTime() - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const state: EraseState = { since, parties: [], opportunities: [], projects: [] };
  const jobs: ProviderJob[] = [];
  let deleted = 0;
  let alreadyGone = 0;
  const tally = (answer: DeleteAnswer, kind: string) => {
    if (answer.kind === "deleted") deleted++;
    if (answer.kind === "job") jobs.push({ id: answer.jobId, kind, status: "pending" });
  };
  for (const ref of parties) {
    state.parties.push(ref.id);
    if (!(await api.exists(ctx, "parties", ref.id))) {
      alreadyGone++;
      continue;
    }
    for (const entry of await api.entries(ctx, ref.id)) {
      if (inScope(entry, options.scope)) tally(await api.deleteEntry(ctx, entry.id), "entry_delete");
    }
    const opportunities = await api.opportunities(ctx, ref.id);
    const projects = await api.kases(ctx, ref.id);
    if (options.deleteOpportunities) {
      for (const o of opportunities) tally(await api.deleteOpportunity(ctx, o.id), "opportunity_delete");
      for (const k of projects) tally(await api.deleteKase(ctx, k.id), "project_delete");
    } else {
      // Left to the party delete's cascade, which is unverified: status checks they are gone.
      state.opportunities.push(...opportunities.map((o) => String(o.id)));
      state.projects.push(...projects.map((k) => String(k.id)));
    }
    tally(await api.deleteParty(ctx, ref.id), "party_delete");
  }
  const result: { -readonly [K in keyof DeleteResult]: DeleteResult[K] } = {
    outcome: "erased",
    deleted,
    state: state as unknown as JsonValue,
  };
  if (jobs.length > 0) result.jobs = jobs;
  if (alreadyGone === parties.length) result.detail = "already deleted";
  return result;
}

function readState(deletion: DeleteResult, refs: readonly RecordRef[]): EraseState {
  const s = deletion.state as Partial<EraseState> | undefined;
  const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    since: typeof s?.since === "string" ? s.since : new Date(0).toISOString(),
    parties: s?.parties ? ids(s.parties) : refs.filter((r) => r.type === "party").map((r) => r.id),
    opportunities: ids(s?.opportunities),
    projects: ids(s?.projects),
  };
}

export async function erasureStatus(
  api: CapsuleApi,
  refs: readonly RecordRef[],
  deletion: DeleteResult,
  ctx: OperationContext,
): Promise<StatusResult> {
  if (deletion.outcome === "not_found") return { state: "done", remaining: 0 };
  const state = readState(deletion, refs);
  const jobs: ProviderJob[] = [];
  let pending = false;
  let failed = 0;
  for (const job of deletion.jobs ?? []) {
    const current = await api.job(ctx, job.id);
    // A job Capsule no longer knows has finished one way or the other: the lookups below decide.
    const status = current?.status?.toLowerCase() ?? "unknown";
    if (FAILED.has(status)) failed++;
    else if (!FINISHED.has(status) && current !== undefined) pending = true;
    jobs.push({ id: job.id, kind: job.kind, status });
  }
  let remaining = 0;
  for (const id of state.parties) if (await api.exists(ctx, "parties", id)) remaining++;
  if (pending) return { state: "pending", remaining, jobs };
  for (const id of state.opportunities) if (await api.exists(ctx, "opportunities", id)) remaining++;
  for (const id of state.projects) if (await api.exists(ctx, "kases", id)) remaining++;
  const result: { -readonly [K in keyof StatusResult]: StatusResult[K] } = {
    state: remaining === 0 ? "done" : "remaining",
    remaining,
  };
  if (jobs.length > 0) result.jobs = jobs;
  if (remaining > 0) {
    result.detail =
      failed > 0
        ? `${failed} delete job(s) failed; ${remaining} record(s) still live`
        : `${remaining} record(s) still live after the party delete`;
    return result;
  }
  const logged = await api.deletedPartyIds(ctx, state.since);
  const unlisted = state.parties.filter((id) => !logged.has(id)).length;
  if (unlisted > 0) {
    result.detail = `${unlisted} party id(s) not found and not in the deleted-parties log since the delete (gone earlier)`;
  }
  return result;
}
