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
 * Only requests filed for the export's own tenant and in its scope count: another tenant's refs
 * name records in another account (its adapters, its credentials), and a subject-scope restriction
 * holds the account owner's records, which an integration-scope export does not cover.
 */
import type { RecordRef, RequestScope } from "../adapter.js";
import type { RequestRecord, SagaStore } from "../store/types.js";
import { openBranch } from "./branch-sealing.js";
import { requestScope } from "./integration-request.js";
import { mergeRefs } from "./validate-output.js";

/** Open requests of one person looked at per kind, at most (the newest). */
const MAX_REQUESTS = 50;

/**
 * The refs that the open erasures (before their pivot) and open restriction requests of the
 * export's person, filed for its tenant and in its scope, restricted at `adapterId`.
 */
export async function restrictedElsewhere(
  store: SagaStore,
  keys: readonly Buffer[],
  exportRequest: Pick<RequestRecord, "id" | "fingerprint" | "tenant" | "doc">,
  adapterId: string,
): Promise<RecordRef[]> {
  const { fingerprint, tenant } = exportRequest;
  const scope: RequestScope = requestScope(exportRequest.doc);
  const pages = await Promise.all(
    (["erase", "restrict"] as const).map((kind) =>
      store.list({ fingerprint, kind, ...(tenant !== null ? { tenant } : {}), limit: MAX_REQUESTS }),
    ),
  );
  let refs: RecordRef[] = [];
  for (const record of pages.flatMap((p) => p.items)) {
    if (record.id === exportRequest.id || record.pivotAt !== null || record.completedAt !== null) continue;
    if (record.tenant !== tenant || requestScope(record.doc) !== scope) continue;
    const branch = (await store.getBranches(record.id)).find((b) => b.adapterId === adapterId);
    if (branch?.data.restriction !== "done" || branch.data.compensation) continue;
    const open = openBranch(branch, keys);
    if (Array.isArray(open.data.refs)) refs = mergeRefs(refs, open.data.refs as unknown as RecordRef[]);
  }
  return refs;
}
