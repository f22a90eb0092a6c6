/**
 * The two-phase erase: restrict = delete to the recycle bin (reversible for 60 days), unrestrict =
 * restore from it, delete = purge from it (moving to the bin first when restrict was skipped),
 * status = nothing live and nothing left in the bin.
 *
 * Calls are deleted explicitly: whether they cascade with their contact is not documented
 * (PROVIDERS.md §8), so each call the integration logged is moved and purged as a record of its
 * own. Notes, attachments and e-mails are child records: Zoho moves, restores and purges them with
 * their parent (restore-recycle-bin-records, del-recycle-bin-records). A call's attachments
 * (recordings) go with the call.
 */
import type {
  DeleteResult,
  JsonValue,
  OperationContext,
  RecordRef,
  RestrictResult,
  StatusResult,
} from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { type ItemStatus, itemFailure, type ZohoApi } from "./api.js";
import { FIELDS, idOf, moduleOf, type ZohoModule } from "./mapping.js";

/** A record the erase acts on. */
interface Target {
  readonly module: ZohoModule;
  readonly id: string;
}

/** Calls first on the way into the bin (they hang off the person), persons first on the way out. */
const INTO_BIN: readonly ZohoModule[] = ["Calls", "Contacts", "Leads"];
const OUT_OF_BIN: readonly ZohoModule[] = ["Contacts", "Leads", "Calls"];

const RETENTION_MS = 60 * 86_400_000;

function targetsOf(refs: readonly RecordRef[]): Target[] {
  const out = new Map<string, Target>();
  for (const r of refs) {
    const module = moduleOf(r);
    if (module) out.set(r.id, { module, id: r.id });
  }
  return [...out.values()];
}

/** The refs plus calls linked to live persons since locate ran. */
async function collect(api: ZohoApi, refs: readonly RecordRef[], ctx: OperationContext): Promise<Target[]> {
  const targets = new Map(targetsOf(refs).map((t) => [t.id, t]));
  for (const t of [...targets.values()]) {
    if (t.module === "Calls" || !(await api.getRecord(ctx, t.module, t.id))) continue;
    for (const call of await api.related(ctx, t.module, t.id, "Calls", FIELDS.Calls)) {
      const id = idOf(call);
      if (id && !targets.has(id)) targets.set(id, { module: "Calls", id });
    }
  }
  return [...targets.values()];
}

const ok = (item: ItemStatus) => item.status === "success";
const notLive = (item: ItemStatus) => item.code === "INVALID_DATA";

/**
 * Moves the live targets to the recycle bin. Returns every target now in the bin: those moved now
 * and those already there (moved by an earlier run of the same step).
 */
async function moveToBin(api: ZohoApi, targets: readonly Target[], ctx: OperationContext): Promise<Target[]> {
  const already = await api.inRecycleBin(
    ctx,
    targets.map((t) => t.id),
  );
  const binned = targets.filter((t) => already.has(t.id));
  const unclear: Target[] = [];
  for (const module of INTO_BIN) {
    const batch = targets.filter((t) => t.module === module && !already.has(t.id));
    if (batch.length === 0) continue;
    const items = await api.deleteRecords(
      ctx,
      module,
      batch.map((t) => t.id),
    );
    const failures: ItemStatus[] = [];
    batch.forEach((t, i) => {
      const item = items.find((x) => x.details?.id === t.id) ?? items[i];
      if (item && ok(item)) binned.push(t);
      else if (item && notLive(item)) unclear.push(t);
      else failures.push(item ?? { status: "error", code: "MISSING_STATUS" });
    });
    if (failures[0]) throw itemFailure(failures[0], `${module.toLowerCase()}.delete`, failures.length);
  }
  if (unclear.length > 0) {
    // Not live: either already in the bin (a race) or gone for good.
    const inBin = await api.inRecycleBin(
      ctx,
      unclear.map((t) => t.id),
    );
    binned.push(...unclear.filter((t) => inBin.has(t.id)));
  }
  return binned;
}

/** The undo record: `[module, id]` pairs, nothing else. */
function encodeUndo(targets: readonly Target[]): JsonValue {
  return { v: 1, binned: targets.map((t) => [t.module, t.id]) };
}

function decodeUndo(undo: JsonValue | undefined): Target[] | undefined {
  if (!undo || typeof undo !== "object" || Array.isArray(undo)) return undefined;
  const binned = (undo as { binned?: unknown }).binned;
  if (!Array.isArray(binned)) return undefined;
  const out: Target[] = [];
  for (const pair of binned) {
    if (!Array.isArray(pair)) continue;
    const [module, id] = pair;
    if ((module === "Contacts" || module === "Leads" || module === "Calls") && typeof id === "string") {
      out.push({ module, id });
    }
  }
  return out;
}

export async function restrict(
  api: ZohoApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
): Promise<RestrictResult> {
  const binned = await moveToBin(api, await collect(api, refs, ctx), ctx);
  return { undo: encodeUndo(binned), restricted: binned.length };
}

/**
 * Restores what restrict moved. Without `undo` (restrict's result was never recorded) every ref
 * found in the recycle bin is restored: refs come from locate, when those records were live.
 */
export async function unrestrict(
  api: ZohoApi,
  refs: readonly RecordRef[],
  undo: JsonValue | undefined,
  ctx: OperationContext,
): Promise<void> {
  const recorded = decodeUndo(undo);
  const targets = recorded ?? targetsOf(refs);
  for (const module of OUT_OF_BIN) {
    for (const t of targets.filter((x) => x.module === module)) {
      const item = await api.restore(ctx, t.id);
      if (ok(item)) continue;
      if (!notLive(item)) throw itemFailure(item, "recycle_bin.restore", 1);
      // Not in the bin: restored already (a re-run), or never moved / purged meanwhile.
      if (await api.getRecord(ctx, t.module, t.id)) continue;
      if (recorded) {
        throw new FanoutError(
          "CONFLICT",
          "zoho recycle_bin.restore failed: record no longer in the recycle bin",
          {
            provider: "zoho",
            operation: "recycle_bin.restore",
            retryable: false,
            details: { recordId: t.id, module: t.module },
          },
        );
      }
    }
  }
}

export async function erase(
  api: ZohoApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
): Promise<DeleteResult> {
  const targets = await collect(api, refs, ctx);
  const binned = await moveToBin(api, targets, ctx);
  let deleted = 0;
  const items = await api.purge(
    ctx,
    binned.map((t) => t.id),
  );
  const failures = items.filter((i) => !ok(i) && !notLive(i));
  if (failures[0]) throw itemFailure(failures[0], "recycle_bin.delete", failures.length);
  deleted = items.filter(ok).length;
  return {
    outcome: "erased",
    deleted,
    detail:
      "Deleted to the recycle bin and purged from it (notes, attachments and e-mails with their parents).",
    state: { targets: targets.map((t) => [t.module, t.id]) },
  };
}

export async function status(
  api: ZohoApi,
  refs: readonly RecordRef[],
  deletion: DeleteResult,
  ctx: OperationContext,
): Promise<StatusResult> {
  const stored = (deletion.state as { targets?: unknown } | undefined)?.targets;
  const targets = decodeUndo({ binned: Array.isArray(stored) ? (stored as JsonValue[]) : [] }) ?? [];
  const all = targets.length > 0 ? targets : targetsOf(refs);
  let live = 0;
  for (const t of all) if (await api.getRecord(ctx, t.module, t.id)) live++;
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
  return { state: "done", remaining: 0 };
}
