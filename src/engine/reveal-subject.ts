/**
 * `revealSubject`: the raw identifiers of an **open** request, for an operator who must see whom a
 * request concerns (the CLI's `report --show-subjects`). The engine keeps the subject sealed
 * (AES-256-GCM, key derived from the fanout secret) and shreds it when the request completes or is
 * withdrawn; after that nothing can be revealed and this returns `null`. Nothing is logged.
 */

import { silentLogger } from "../logger.js";
import type { Subject } from "../subject.js";
import type { Fanout } from "./create-fanout.js";
import { sealingKey, unseal } from "./seal.js";
import { resolveSecrets, type SecretValue } from "./secrets.js";

/**
 * The subject of request `id` while it is still sealed in the store, or `null` once shredded.
 * `secret` must be the fanout's, or a list of it and its previous secrets (`undefined`: resolved as
 * `createFanout` does, from `GDPR_FANOUT_SECRET`). Throws `UNKNOWN_REQUEST` for an unknown id and
 * `CONFIGURATION` for a request sealed with another secret.
 */
export async function revealSubject(
  fanout: Fanout,
  id: string,
  secret: SecretValue | readonly SecretValue[] | undefined,
): Promise<Subject | null> {
  const status = await fanout.status(id); // validates the id, throws UNKNOWN_REQUEST
  const record = await fanout.store.getRequest(status.id);
  if (!record?.sealed) return null;
  const secrets =
    secret === undefined
      ? (({ current, previous }) => [current, ...previous])(resolveSecrets({}, silentLogger))
      : Array.isArray(secret)
        ? secret
        : [secret as SecretValue];
  const payload = unseal(record.sealed, secrets.map(sealingKey), record.id) as {
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
