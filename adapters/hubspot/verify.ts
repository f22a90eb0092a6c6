/**
 * Verification of a HubSpot erasure (`status`): nothing erased is still readable, and what sits in
 * the recycle bin is counted again, since someone may have restored it or HubSpot purged it.
 */
import type { DeleteResult, OperationContext, RecordRef, StatusResult } from "../../src/adapter.js";
import { subjectIdentifiers } from "../../src/subject.js";
import type { EngagementType, HubspotApi } from "./api.js";
import type { DeletionState } from "./erase.js";
import { restorableResiduals } from "./residuals.js";

function readState(deletion: DeleteResult): Partial<DeletionState> {
  const state = deletion.state;
  return state && typeof state === "object" && !Array.isArray(state) ? (state as Partial<DeletionState>) : {};
}

function entries(ids: Partial<Record<EngagementType, string[]>> | undefined): [EngagementType, string[]][] {
  return Object.entries(ids ?? {}) as [EngagementType, string[]][];
}

/**
 * Re-checks that nothing erased is readable: contacts by id and email, archived engagements, the
 * engagements left to the GDPR delete, files. Then counts the archived engagements still in the
 * recycle bin (`archived=true`), which become the residuals.
 */
export async function verifyDeletion(
  api: HubspotApi,
  refs: readonly RecordRef[],
  deletion: DeleteResult,
  ctx: OperationContext,
): Promise<StatusResult> {
  if (deletion.outcome === "not_found") return { state: "done", remaining: 0 };
  const redact = subjectIdentifiers(ctx.subject);
  const state = readState(deletion);
  let remaining = 0;
  const contactIds = new Set([...refs.map((r) => r.id), ...(state.contacts ?? [])]);
  for (const id of contactIds) {
    if (await api.contact(ctx, { id }, ["hs_object_id"], [], redact)) remaining += 1;
  }
  if (ctx.subject.email) {
    // The consistent lookup: a GDPR-deleted contact no longer answers to its email.
    if (await api.contact(ctx, { email: ctx.subject.email }, ["hs_object_id"], [], redact)) remaining += 1;
  }
  for (const [type, ids] of [...entries(state.archived), ...entries(state.cascaded)]) {
    remaining += (await api.batchRead(ctx, type, ids, ["hs_object_id"], redact)).length;
  }
  for (const fileId of state.files ?? []) {
    if (await api.file(ctx, fileId)) remaining += 1;
  }
  if (remaining > 0) {
    return { state: "remaining", remaining, detail: `${remaining} HubSpot record(s) still readable` };
  }
  const restorable: [EngagementType, number][] = [];
  for (const [type, ids] of entries(state.archived)) {
    const inBin = await api.batchRead(ctx, type, ids, ["hs_object_id"], redact, true);
    restorable.push([type, inBin.length]);
  }
  const residual = restorableResiduals(restorable, state.recycleBinPurgeBy);
  const eta = deletion.eta;
  if (residual.length === 0 && eta !== undefined && Date.parse(eta) <= ctx.now().getTime()) {
    return { state: "done", remaining: 0, residual };
  }
  return {
    state: "scheduled",
    remaining: 0,
    ...(eta !== undefined ? { eta } : {}),
    detail:
      residual.length > 0
        ? "nothing is readable; archived engagements stay restorable from the recycle bin until purged"
        : "nothing readable remains; HubSpot purges by the ETA",
    residual,
  };
}
