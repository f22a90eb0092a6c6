/**
 * The audit trail is append-only and hash-chained per request: each entry's hash covers the previous
 * entry's hash and the entry itself, so removing, reordering or editing an entry breaks the chain.
 * The receipt signs the chain's head.
 */
import { createHash } from "node:crypto";
import type { AuditEntry, AuditInput } from "./types.js";

/** The `prevHash` of a request's first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted, so equal values always serialise (and hash) the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** Builds the stored entry that follows `previous` (or starts the chain). */
export function chainEntry(
  requestId: string,
  previous: AuditEntry | undefined,
  input: AuditInput,
): AuditEntry {
  const seq = previous ? previous.seq + 1 : 1;
  const prevHash = previous ? previous.hash : GENESIS_HASH;
  const hash = createHash("sha256")
    .update(prevHash)
    .update(canonicalJson({ requestId, seq, at: input.at, type: input.type, data: input.data }))
    .digest("hex");
  return { requestId, seq, at: input.at, type: input.type, data: input.data, prevHash, hash };
}

/** Checks a request's whole chain. Returns the index of the first bad entry, or -1 when intact. */
export function verifyAuditChain(entries: readonly AuditEntry[]): { valid: boolean; brokenAt: number } {
  let previous: AuditEntry | undefined;
  for (const [index, entry] of entries.entries()) {
    const expected = chainEntry(entry.requestId, previous, entry);
    if (expected.hash !== entry.hash || expected.prevHash !== entry.prevHash || expected.seq !== entry.seq) {
      return { valid: false, brokenAt: index };
    }
    previous = entry;
  }
  return { valid: true, brokenAt: -1 };
}
