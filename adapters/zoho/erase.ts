/**
 * The two-phase erase: restrict = delete to the recycle bin (reversible for 60 days), unrestrict =
 * restore from it, delete = purge from it (moving to the bin first when restrict was skipped),
 * status = nothing live and nothing left in the bin.
 *
 * What is erased: the subject's contacts and leads, the calls logged against them, and the tasks,
 * meetings and cases that are theirs alone (see linked.ts). Deals, and linked records that also
 * belong to an account or another person, are kept and reported as `not_covered` residuals. Calls
 * and the other linked records are deleted explicitly: whether they cascade with their contact is
 * not documented (PROVIDERS.md §8). Notes, attachments and e-mails are child records: Zoho moves,
 * restores and purges them with their parent (restore-recycle-bin-records, del-recycle-bin-records).
 *
 * The recycle bin purges itself 60 days after a record entered it (zoho.com help "Recycle Bin"):
 * the adapter declares `restrictionExpiresAfter: "60d"` and the engine renews a restriction before
 * then with unrestrict + restrict, which puts the records back in the bin with a fresh 60 days.
 */
import type {
  DeleteResult,
  JsonValue,
  OperationContext,
  RecordRef,
  Residual,
  RestrictResult,
  StatusResult,
  UnrestrictResult,
} from "../../src/adapter.js";
import { itemFailure, type ZohoApi, type ZohoRecordJson } from "./api.js";
import { decodeTargets, encodeTargets, moveToBin, notLive, OUT_OF_BIN, ok, type Target } from "./bin.js";
import { isSubjectsAlone, keptResiduals } from "./linked.js";
import {
  FIELDS,
  idOf,
  isPerson,
  LINKED_LISTS,
  type LinkedModule,
  moduleOf,
  TYPE_OF_MODULE,
  type ZohoModule,
} from "./mapping.js";

const RETENTION_MS = 60 * 86_400_000;

function targetsOf(refs: readonly RecordRef[]): Target[] {
  const out = new Map<string, Target>();
  for (const r of refs) {
    const module = moduleOf(r);
    if (module) out.set(r.id, { module, id: r.id });
  }
  return [...out.values()];
}

/** What to erase and what to keep, from the refs plus what is linked to the live persons now. */
interface Collected {
  readonly own: Target[];
  readonly kept: Map<LinkedModule, number>;
}

/**
 * The refs plus the records linked to live persons since locate ran, split into the subject's own
 * (erased) and the kept ones (deals; records shared with an account or another person). A linked
 * record no longer live was moved to the bin by an earlier restrict of ours: it is the subject's.
 */
async function collect(api: ZohoApi, refs: readonly RecordRef[], ctx: OperationContext): Promise<Collected> {
  const targets = new Map(targetsOf(refs).map((t) => [t.id, t]));
  const persons = new Set([...targets.values()].filter((t) => isPerson(t.module)).map((t) => t.id));
  const seen = new Map<string, ZohoRecordJson>();
  for (const t of [...targets.values()]) {
    if (!isPerson(t.module) || !(await api.getRecord(ctx, t.module, t.id))) continue;
    for (const list of LINKED_LISTS[t.module]) {
      for (const item of await api.related(ctx, t.module, t.id, list, FIELDS[list])) {
        const id = idOf(item);
        if (!id) continue;
        seen.set(id, item);
        if (!targets.has(id)) targets.set(id, { module: list, id });
      }
    }
  }
  const own: Target[] = [];
  const kept = new Map<LinkedModule, number>();
  const email = ctx.subject.email?.toLowerCase();
  for (const t of targets.values()) {
    if (isPerson(t.module) || t.module === "Calls") {
      own.push(t);
      continue;
    }
    const module = t.module as LinkedModule;
    const record = seen.get(t.id) ?? (await api.getRecord(ctx, module, t.id));
    if (!record) {
      // Not live: in the bin (ours) or gone; moveToBin and the purge sort that out. Deals never go there.
      if (module !== "Deals") own.push(t);
      continue;
    }
    if (isSubjectsAlone(module, record, persons, email)) own.push(t);
    else kept.set(module, (kept.get(module) ?? 0) + 1);
  }
  return { own, kept };
}

export async function restrict(
  api: ZohoApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
): Promise<RestrictResult> {
  const { own } = await collect(api, refs, ctx);
  const binned = await moveToBin(api, own, ctx);
  return { undo: encodeTargets(binned), restricted: binned.length };
}

/** Records that could not be restored, as residuals per type (counts only). */
function notRestored(lost: readonly Target[]): Residual[] {
  const byType = new Map<string, number>();
  for (const t of lost) byType.set(TYPE_OF_MODULE[t.module], (byType.get(TYPE_OF_MODULE[t.module]) ?? 0) + 1);
  return [...byType].map(([type, count]) => ({
    type,
    count,
    reason: "not_covered",
    detail:
      `${count} ${type}(s) could not be restored: no longer live nor in the Zoho recycle bin ` +
      "(Zoho purges the bin 60 days after a record entered it, or someone deleted it for good)",
  }));
}

/**
 * Restores what restrict moved, whatever the restriction's age. Without `undo` (restrict's result
 * was never recorded) every ref found in the recycle bin is restored: refs come from locate, when
 * those records were live. A record neither live nor in the bin cannot come back: it is reported
 * in `notUndone`, never passed over.
 */
export async function unrestrict(
  api: ZohoApi,
  refs: readonly RecordRef[],
  undo: JsonValue | undefined,
  ctx: OperationContext,
): Promise<UnrestrictResult> {
  const targets = (decodeTargets(undo) ?? targetsOf(refs)).filter((t) => t.module !== "Deals");
  const lost: Target[] = [];
  for (const module of OUT_OF_BIN) {
    for (const t of targets.filter((x) => x.module === module)) {
      const item = await api.restore(ctx, t.id);
      if (ok(item)) continue;
      if (!notLive(item)) throw itemFailure(item, "recycle_bin.restore", 1);
      // Not in the bin: restored already (a re-run), or purged / deleted for good meanwhile.
      if (await api.getRecord(ctx, t.module, t.id)) continue;
      lost.push(t);
    }
  }
  return lost.length > 0 ? { notUndone: notRestored(lost) } : {};
}

const ERASED_DETAIL =
  "Deleted to the recycle bin and purged from it (notes, attachments and e-mails with their parents).";

export async function erase(
  api: ZohoApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
): Promise<DeleteResult> {
  const { own, kept } = await collect(api, refs, ctx);
  const binned = await moveToBin(api, own, ctx);
  const items = await api.purge(
    ctx,
    binned.map((t) => t.id),
  );
  const failures = items.filter((i) => !ok(i) && !notLive(i));
  if (failures[0]) throw itemFailure(failures[0], "recycle_bin.delete", failures.length);
  const deleted = items.filter(ok).length;
  // Neither live nor in the bin when the delete ran: erased, but not by this delete. Said plainly,
  // so that `deleted: 0` is never read as "nothing was there".
  const gone = own.length - binned.length;
  const detail =
    gone === 0
      ? ERASED_DETAIL
      : `${ERASED_DETAIL} ${gone} located record(s) were already gone when the delete ran (purged by Zoho ` +
        "from the recycle bin 60 days after they entered it, or deleted by someone else): no copy is left, " +
        "but this delete did not erase them.";
  const residual = keptResiduals(kept);
  return {
    outcome: "erased",
    deleted,
    detail,
    state: { targets: own.map((t) => [t.module, t.id]), alreadyGone: gone },
    ...(residual.length > 0 ? { residual } : {}),
  };
}

export async function status(
  api: ZohoApi,
  refs: readonly RecordRef[],
  deletion: DeleteResult,
  ctx: OperationContext,
): Promise<StatusResult> {
  const state = deletion.state as { targets?: unknown; alreadyGone?: unknown } | undefined;
  const stored = decodeTargets({
    binned: Array.isArray(state?.targets) ? (state.targets as JsonValue[]) : [],
  });
  const all: Target[] = stored && stored.length > 0 ? stored : targetsOf(refs);
  let live = 0;
  for (const t of all) if (await api.getRecord(ctx, t.module as ZohoModule, t.id)) live++;
  if (live > 0) return { state: "remaining", remaining: live };
  const inBin = await api.inRecycleBin(
    ctx,
    all.map((t) => t.id),
  );
  if (inBin.size > 0) {
    return {
      state: "scheduled",
      remaining: 0,
      eta: new Date(ctx.now().getTime() + RETENTION_MS).toISOString(),
      detail: `${inBin.size} record(s) still in the Zoho recycle bin; Zoho purges them within 60 days`,
    };
  }
  const gone = typeof state?.alreadyGone === "number" ? state.alreadyGone : 0;
  return gone > 0
    ? {
        state: "done",
        remaining: 0,
        detail: `${gone} record(s) had already been purged before the delete ran (not by this delete)`,
      }
    : { state: "done", remaining: 0 };
}
