/**
 * `revealSubject`: the raw identifiers of an **open** request, for an operator who must see whom a
 * request concerns (the CLI's `report --show-subjects`). The engine keeps the subject sealed
 * (AES-256-GCM, key derived from the fanout secret) and shreds it when the request completes or is
 * withdrawn; after that nothing can be revealed and this returns `null`. Nothing is logged.
 */
import type { Subject } from "../subject.js";
import type { Fanout } from "./create-fanout.js";
import { DEVELOPMENT_SECRET } from "./options.js";
import { sealingKey, unseal } from "./seal.js";

/**
 * The subject of request `id` while it is still sealed in the store, or `null` once shredded.
 * `secret` must be the fanout's (`undefined`: the development secret, as `createFanout` uses).
 * Throws `UNKNOWN_REQUEST` for an unknown id and `STORE_CORRUPT` for a wrong secret.
 */
export async function revealSubject(
  fanout: Fanout,
  id: string,
  secret: string | Uint8Array | undefined,
): Promise<Subject | null> {
  const status = await fanout.status(id); // validates the id, throws UNKNOWN_REQUEST
  const record = await fanout.store.getRequest(status.id);
  if (!record?.sealed) return null;
  const payload = unseal(record.sealed, sealingKey(secret ?? DEVELOPMENT_SECRET), record.id) as {
    subject?: Subject;
  };
  return payload.subject ?? null;
}

/** A one-line rendering of a revealed subject (`email, phone, name, stripe=cus_1`). */
export function describeSubject(subject: Subject): string {
  const parts = [subject.email, subject.phone, subject.name].filter((p): p is string => Boolean(p));
  for (const [adapter, ids] of Object.entries(subject.ids))
    for (const id of ids) parts.push(`${adapter}=${id}`);
  return parts.join(", ");
}
