/**
 * Records another request has restricted, for an access request. A restriction can hide records
 * from a provider's search (Zoho's restriction moves them to the recycle bin, where searches do
 * not look), so an export made while an erasure of the same person waits — or while a restriction
 * request (Art. 18) of theirs is in place — would miss them and say "exported" for less than
 * exists. The export's locate therefore adds the records that the person's open erasures (before
 * their pivot) and open restriction requests restricted at the same adapter (refs only, read from
 * those requests' sealed branch rows, each record once).
 *
 * Found by the subject's fingerprint, through the store's index on it (`list({ fingerprint })`).
 */
import type { RecordRef } from "../adapter.js";
import type { SagaStore } from "../store/types.js";
import { openBranch } from "./branch-sealing.js";
import { mergeRefs } from "./validate-output.js";

/** Open requests of one person looked at per kind, at most (the newest). */
const MAX_REQUESTS = 50;

/**
 * The refs that this fingerprint's open erasures (before their pivot) and open restriction
 * requests restricted at `adapterId`.
 */
export async function restrictedElsewhere(
  store: SagaStore,
  keys: readonly Buffer[],
  fingerprint: string,
  adapterId: string,
  exceptRequest: string,
): Promise<RecordRef[]> {
  const pages = await Promise.all(
    (["erase", "restrict"] as const).map((kind) => store.list({ fingerprint, kind, limit: MAX_REQUESTS })),
  );
  let refs: RecordRef[] = [];
  for (const record of pages.flatMap((p) => p.items)) {
    if (record.id === exceptRequest || record.pivotAt !== null || record.completedAt !== null) continue;
    const branch = (await store.getBranches(record.id)).find((b) => b.adapterId === adapterId);
    if (branch?.data.restriction !== "done" || branch.data.compensation) continue;
    const open = openBranch(branch, keys);
    if (Array.isArray(open.data.refs)) refs = mergeRefs(refs, open.data.refs as unknown as RecordRef[]);
  }
  return refs;
}
