/**
 * Finding a person's requests: `list({ subject })`. The store keeps no identifier, only the keyed
 * fingerprint, so the subject is fingerprinted (with the current secret and every previous one)
 * and the requests are read newest first, keeping those whose fingerprint matches. That reads the
 * whole store in the worst case: quick for thousands of requests, slow for millions.
 */
import { encodeCursor } from "../store/cursor.js";
import type { ListPage, ListQuery, SagaStore } from "../store/types.js";

/** Rows read per store page while scanning. */
const SCAN_PAGE = 500;

/** Up to `limit` requests whose fingerprint is one of `fingerprints`, after `cursor`. */
export async function listBySubject(
  store: SagaStore,
  fingerprints: readonly string[],
  query: Omit<ListQuery, "limit" | "cursor">,
  limit: number,
  cursor: string | undefined,
): Promise<ListPage> {
  const wanted = new Set(fingerprints);
  const items: ListPage["items"][number][] = [];
  let next = cursor;
  for (;;) {
    const page = await store.list({
      ...query,
      limit: SCAN_PAGE,
      ...(next !== undefined ? { cursor: next } : {}),
    });
    for (const record of page.items) {
      if (!wanted.has(record.fingerprint)) continue;
      items.push(record);
      if (items.length === limit) return { items, nextCursor: encodeCursor(record) };
    }
    if (page.nextCursor === null) return { items, nextCursor: null };
    next = page.nextCursor;
  }
}
