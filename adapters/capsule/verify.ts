/**
 * Verification of a Capsule erasure (`status`): polls the party delete jobs, then checks that the
 * parties are gone and that what was left to the party delete's cascade (entries, opportunities,
 * projects) went with them. Anything still there
 * is live data (`remaining`) and is also reported as a `not_covered` residual: once its party is
 * gone no lookup leads back to it; the engine's next delete round gets this round's result
 * (`ctx.previousDeletion`) and deletes the survivors by the ids recorded here.
 */
import type {
  DeleteResult,
  OperationContext,
  ProviderJob,
  RecordRef,
  Residual,
  StatusResult,
} from "../../src/adapter.js";
import type { CapsuleApi } from "./api.js";
import type { EraseState } from "./erase.js";

const FINISHED = new Set(["completed", "complete", "finished", "done", "succeeded"]);
const FAILED = new Set(["failed", "error", "cancelled", "canceled"]);

/** What the cascade should have removed: the API path, the residual's type and its plural. */
const LEFT_TO_CASCADE = [
  ["entries", "entries", "entry", "entries"],
  ["opportunities", "opportunities", "opportunity", "opportunities"],
  ["projects", "kases", "project", "projects"],
] as const;

function readState(deletion: DeleteResult, refs: readonly RecordRef[]): EraseState {
  const s = deletion.state as Partial<EraseState> | undefined;
  const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    since: typeof s?.since === "string" ? s.since : new Date(0).toISOString(),
    parties: s?.parties ? ids(s.parties) : refs.filter((r) => r.type === "party").map((r) => r.id),
    opportunities: ids(s?.opportunities),
    projects: ids(s?.projects),
    entries: ids(s?.entries),
    tasks: ids(s?.tasks),
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
  let parties = 0;
  for (const id of state.parties) if (await api.exists(ctx, "parties", id)) parties++;
  if (pending) return { state: "pending", remaining: parties, jobs };
  const residual: Residual[] = [];
  let survivors = 0;
  for (const [key, path, type, plural] of LEFT_TO_CASCADE) {
    let count = 0;
    for (const id of state[key]) if (await api.exists(ctx, path, id)) count++;
    if (count === 0) continue;
    survivors += count;
    residual.push({
      type,
      count,
      reason: "not_covered",
      detail:
        `${count} ${count === 1 ? type : plural} of a deleted Capsule party still exist: the party ` +
        "delete did not remove them and they can no longer be found through the party; delete them in Capsule",
    });
  }
  const remaining = parties + survivors;
  const result: { -readonly [K in keyof StatusResult]: StatusResult[K] } = {
    state: remaining === 0 ? "done" : "remaining",
    remaining,
    residual,
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
