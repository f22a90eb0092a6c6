/**
 * Moving records into Zoho's recycle bin and recording which: the common step of restrict and
 * delete, and the `undo` that unrestrict reads.
 */
import type { JsonValue, OperationContext } from "../../src/adapter.js";
import { type ItemStatus, itemFailure, type ZohoApi } from "./api.js";
import { asModule, type ZohoModule } from "./mapping.js";

/** A record the erase acts on. */
export interface Target {
  readonly module: ZohoModule;
  readonly id: string;
}

/** Linked records first on the way into the bin (they hang off the person), persons last. */
const INTO_BIN: readonly ZohoModule[] = ["Calls", "Tasks", "Events", "Cases", "Contacts", "Leads"];
/** Persons first on the way out, so that what hangs off them has its parent back. */
export const OUT_OF_BIN: readonly ZohoModule[] = ["Contacts", "Leads", "Calls", "Tasks", "Events", "Cases"];

export const ok = (item: ItemStatus) => item.status === "success";
/** Zoho's per-item answer for an id that is not live (in the bin already, purged, unknown). */
export const notLive = (item: ItemStatus) => item.code === "INVALID_DATA";

/**
 * Moves the live targets to the recycle bin. Returns every target now in the bin: those moved now
 * and those already there (moved by an earlier run of the same step). A target in neither place is
 * gone (purged by Zoho, or deleted by someone else) and is left out.
 */
export async function moveToBin(
  api: ZohoApi,
  targets: readonly Target[],
  ctx: OperationContext,
): Promise<Target[]> {
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
export function encodeTargets(targets: readonly Target[]): JsonValue {
  return { v: 1, binned: targets.map((t) => [t.module, t.id]) };
}

export function decodeTargets(undo: JsonValue | undefined): Target[] | undefined {
  if (!undo || typeof undo !== "object" || Array.isArray(undo)) return undefined;
  const binned = (undo as { binned?: unknown }).binned;
  if (!Array.isArray(binned)) return undefined;
  const out: Target[] = [];
  for (const pair of binned) {
    if (!Array.isArray(pair)) continue;
    const module = asModule(pair[0]);
    const id = pair[1];
    if (module && module !== "Deals" && typeof id === "string") out.push({ module, id });
  }
  return out;
}
