/**
 * Erasure in Capsule. Per party: first the entries the integration wrote (call notes by default,
 * with their attachments — the recordings), because they are what the phone integration pushed and
 * their removal must not depend on the party delete's cascade, which Capsule does not document;
 * then the party's open and pending tasks, which live in the account's task list rather than the
 * party's history; optionally the party's opportunities and projects; then the party itself, which
 * answers 204, or 202 with a job to poll. Everything left to the party delete is recorded (ids
 * only) so that `status` can check it went with the party (see `verify.ts`).
 */
import type { DeleteResult, JsonValue, OperationContext, ProviderJob, RecordRef } from "../../src/adapter.js";
import type { CapsuleApi, CapsuleEntry, CapsuleTask, DeleteAnswer } from "./api.js";
import { partyTasks } from "./mapping.js";

/** Which entries count as the integration's (see `CapsuleAdapterOptions.entryActivityTypes`). */
export interface EntryScope {
  /** Lower-cased activity-type names; `"*"` means every entry. */
  readonly activityTypes: readonly string[];
  /** Lower-cased username of the creator, when the integration writes as a dedicated user. */
  readonly creator?: string;
}

/** What `delete` keeps for `status` (ids only). */
export interface EraseState {
  since: string;
  parties: string[];
  /** Opportunities, projects and entries left to the party delete's cascade. */
  opportunities: string[];
  projects: string[];
  entries: string[];
  /** Tasks deleted explicitly (checked again, since a 404 counts as already gone). */
  tasks: string[];
}

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
  const state: EraseState = { since, parties: [], opportunities: [], projects: [], entries: [], tasks: [] };
  const jobs: ProviderJob[] = [];
  let deleted = 0;
  let alreadyGone = 0;
  let tasks: CapsuleTask[] | undefined;
  const tally = (answer: DeleteAnswer, kind: string) => {
    if (answer.kind === "deleted") deleted++;
    if (answer.kind === "job") jobs.push({ id: answer.jobId, kind, status: "pending" });
  };
  // A repeated round: what the party delete's cascade was trusted with last time and left behind
  // cannot be found through the (deleted) party any more; delete it by the ids recorded then.
  const leftBefore = ctx.previousDeletion?.state as Partial<EraseState> | undefined;
  for (const [key, path, remove] of [
    ["entries", "entries", api.deleteEntry],
    ["opportunities", "opportunities", api.deleteOpportunity],
    ["projects", "kases", api.deleteKase],
  ] as const) {
    for (const id of Array.isArray(leftBefore?.[key]) ? (leftBefore[key] as unknown[]) : []) {
      if (typeof id !== "string" || !(await api.exists(ctx, path, id))) continue;
      tally(await remove(ctx, Number(id)), `${path}_delete`);
      state[key].push(id);
    }
  }
  for (const ref of parties) {
    state.parties.push(ref.id);
    if (!(await api.exists(ctx, "parties", ref.id))) {
      alreadyGone++;
      continue;
    }
    for (const entry of await api.entries(ctx, ref.id)) {
      if (inScope(entry, options.scope)) tally(await api.deleteEntry(ctx, entry.id), "entry_delete");
      else state.entries.push(String(entry.id));
    }
    const opportunities = await api.opportunities(ctx, ref.id);
    const projects = await api.kases(ctx, ref.id);
    tasks ??= await api.openTasks(ctx);
    for (const task of partyTasks(tasks, ref.id, opportunities, projects)) {
      tally(await api.deleteTask(ctx, task.id), "task_delete");
      state.tasks.push(String(task.id));
    }
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
