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

/**
 * Up to `limit` requests whose idempotency key starts with one of `prefixes` (see tenants.ts
 * `storedKeyPrefixes`), newest first after `cursor`. One store page per prefix, merged: a cursor is
 * a position in the store's common order (createdAt, id), so the same one serves every prefix.
 */
export async function listByKeyPrefixes(
  store: SagaStore,
  prefixes: readonly string[],
  query: Omit<ListQuery, "limit" | "cursor" | "idempotencyKeyPrefix">,
  limit: number,
  cursor: string | undefined,
): Promise<ListPage> {
  const pages = await Promise.all(
    prefixes.map((idempotencyKeyPrefix) =>
      store.list({ ...query, idempotencyKeyPrefix, limit, ...(cursor !== undefined ? { cursor } : {}) }),
    ),
  );
  const byId = new Map(pages.flatMap((p) => p.items).map((r) => [r.id, r]));
  const merged = [...byId.values()].sort((a, b) =>
    a.createdAt !== b.createdAt ? b.createdAt - a.createdAt : a.id < b.id ? 1 : a.id > b.id ? -1 : 0,
  );
  const items = merged.slice(0, limit);
  const more = merged.length > limit || pages.some((p) => p.nextCursor !== null);
  const last = items.at(-1);
  return { items, nextCursor: more && last ? encodeCursor(last) : null };
}
