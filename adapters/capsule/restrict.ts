/**
 * Restriction in Capsule: a tag on the party (Capsule has no "stop processing" switch). Capsule's
 * party tags carry no author, so the adapter adds a second, constant marker tag next to the
 * restriction tag. The marker tells a re-run of `restrict` (after a crash, before its result was
 * recorded) and an `unrestrict` without `undo` that the restriction tag was ours; a restriction tag
 * without the marker was there before and is never removed.
 */
import type { JsonValue, OperationContext, RecordRef, RestrictResult } from "../../src/adapter.js";
import type { CapsuleApi, CapsuleParty } from "./api.js";

/** One party in `RestrictResult.undo`: its id and whether this integration added the tag. */
interface UndoEntry {
  id: string;
  added: boolean;
}

/** The marker tag that says "the restriction tag was added by gdpr-fanout". */
export function markerTag(restrictTag: string): string {
  return `${restrictTag} (gdpr-fanout)`;
}

function tagOf(party: CapsuleParty, name: string): { id: number; name: string } | undefined {
  const wanted = name.toLowerCase();
  return party.tags?.find((t) => typeof t.name === "string" && t.name.toLowerCase() === wanted);
}

export async function restrictParties(
  api: CapsuleApi,
  restrictTag: string,
  refs: readonly RecordRef[],
  ctx: OperationContext,
): Promise<RestrictResult> {
  const marker = markerTag(restrictTag);
  const undo: UndoEntry[] = [];
  for (const ref of refs) {
    if (ref.type !== "party") continue;
    const party = await api.getParty(ctx, ref.id);
    if (!party) continue;
    const hasTag = tagOf(party, restrictTag) !== undefined;
    const hasMarker = tagOf(party, marker) !== undefined;
    if (hasTag && !hasMarker) {
      undo.push({ id: ref.id, added: false });
      continue;
    }
    if (!hasTag) await api.updatePartyTags(ctx, ref.id, [{ name: restrictTag }, { name: marker }]);
    // Tag and marker together: ours, whether added just now or by an earlier run for this request.
    undo.push({ id: ref.id, added: true });
  }
  return { undo: { parties: undo as unknown as JsonValue[] }, restricted: undo.length };
}

function parseUndo(undo: JsonValue | undefined): UndoEntry[] | undefined {
  if (typeof undo !== "object" || undo === null || Array.isArray(undo)) return undefined;
  const parties = (undo as { parties?: unknown }).parties;
  if (!Array.isArray(parties)) return undefined;
  return parties.flatMap((p) => {
    const e = p as { id?: unknown; added?: unknown };
    return typeof e.id === "string" && typeof e.added === "boolean" ? [{ id: e.id, added: e.added }] : [];
  });
}

export async function unrestrictParties(
  api: CapsuleApi,
  restrictTag: string,
  refs: readonly RecordRef[],
  undo: JsonValue | undefined,
  ctx: OperationContext,
): Promise<void> {
  const marker = markerTag(restrictTag);
  // Without a recorded undo, the marker tag on the party is the record of what restrict did.
  const plan: { id: string; added: boolean | undefined }[] =
    parseUndo(undo) ?? refs.filter((r) => r.type === "party").map((r) => ({ id: r.id, added: undefined }));
  for (const entry of plan) {
    if (entry.added === false) continue;
    const party = await api.getParty(ctx, entry.id);
    if (!party) continue;
    const tag = tagOf(party, restrictTag);
    const mark = tagOf(party, marker);
    if (entry.added === undefined && !mark) continue;
    const removals = [tag, mark].flatMap((t) => (t ? [{ id: t.id, _delete: true as const }] : []));
    if (removals.length > 0) await api.updatePartyTags(ctx, entry.id, removals);
  }
}
