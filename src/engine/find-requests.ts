/**
 * Finding a person's requests: `list({ subject })`. The store keeps no identifier, only the keyed
 * fingerprint, so the subject is fingerprinted (with the current secret and every previous one)
 * and each fingerprint is read from the store's index on it (`list({ fingerprint })`, newest
 * first). Several fingerprints (after a secret rotation) are merged in the store's own order, so a
 * cursor from one page continues every one of them.
 */
import { encodeCursor } from "../store/cursor.js";
import type { ListPage, ListQuery, SagaStore } from "../store/types.js";

type Listed = ListPage["items"][number];

/** The store's order: newest first, then id descending (see the stores' `list`). */
const newestFirst = (a: Listed, b: Listed) =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Up to `limit` requests whose fingerprint is one of `fingerprints`, after `cursor`. */
export async function listBySubject(
  store: SagaStore,
  fingerprints: readonly string[],
  query: Omit<ListQuery, "limit" | "cursor" | "fingerprint">,
  limit: number,
  cursor: string | undefined,
): Promise<ListPage> {
  const pages = await Promise.all(
    [...new Set(fingerprints)].map((fingerprint) =>
      store.list({ ...query, fingerprint, limit, ...(cursor !== undefined ? { cursor } : {}) }),
    ),
  );
  if (pages.length === 1) return pages[0]!;
  const merged = pages.flatMap((p) => p.items).sort(newestFirst);
  const items = merged.slice(0, limit);
  const more = merged.length > limit || pages.some((p) => p.nextCursor !== null);
  const last = items.at(-1);
  return { items, nextCursor: more && last ? encodeCursor(last) : null };
}
