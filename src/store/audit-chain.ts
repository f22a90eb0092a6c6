/**
 * The audit trail is append-only and chained twice over:
 *
 * - **per request**: each entry's hash covers the previous entry of the same request, so removing,
 *   reordering or editing an entry breaks that request's chain;
 * - **per store**: each entry carries `storeSeq`, a gapless counter over the whole store, and the
 *   store keeps a head (`storeSeq` and hash of the last entry) with a MAC of its own, so deleting a
 *   request's whole chain (or the newest entries of the store) leaves a hole that is found.
 *
 * Every hash is an HMAC-SHA256 keyed with a key derived from the fanout `secret`
 * ({@link auditKey}): without the secret nobody can recompute a hash after an edit. The engine hands
 * the key to the store at `migrate({ auditKey })`; stores are created without the secret, and keep
 * the key only in memory. See docs/security.md for what this proves and what it cannot.
 *
 * Entries written before the chain was keyed (`storeSeq` null) still verify with the unkeyed
 * SHA-256 they were written with, and are reported as such (`keyed: false`).
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { FanoutError } from "../errors.js";
import type { AuditEntry, AuditHead, AuditInput } from "./types.js";

/** The `prevHash` of a request's first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** The audit key derived from the fanout secret (never stored). */
export function auditKey(secret: string | Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "gdpr-fanout", "gdpr-fanout/audit/v1", 32));
}

/** JSON with object keys sorted, so equal values always serialise (and hash) the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** The error for an append without a key: a chain nobody could verify is not written. */
export function missingAuditKey(): FanoutError {
  return new FanoutError(
    "CONFIGURATION",
    "The store has no audit key: createFanout passes it with migrate({ auditKey }) (a store used on its own must do the same)",
    { retryable: false, details: { option: "auditKey" } },
  );
}

/** Checks an `auditKey` given to `migrate`. */
export function checkAuditKey(key: unknown): Buffer | undefined {
  if (key === undefined) return undefined;
  if (!(key instanceof Uint8Array) || key.byteLength < 16) {
    throw new FanoutError("CONFIGURATION", "migrate: auditKey must be at least 16 bytes", {
      retryable: false,
      details: { option: "auditKey" },
    });
  }
  return Buffer.from(key);
}

/** The hash of one entry after `prevHash`: keyed, or plain SHA-256 for an entry without `storeSeq`. */
export function auditEntryHash(
  key: Uint8Array | null,
  prevHash: string,
  fields: {
    requestId: string;
    seq: number;
    storeSeq: number | null;
    at: number;
    type: string;
    data: unknown;
  },
): string {
  const { storeSeq, ...legacy } = fields;
  if (key === null || storeSeq === null) {
    return createHash("sha256").update(prevHash).update(canonicalJson(legacy)).digest("hex");
  }
  return createHmac("sha256", key)
    .update("gdpr-fanout/audit-entry/v2\u0000")
    .update(prevHash)
    .update(canonicalJson(fields))
    .digest("hex");
}

/** Builds the stored entry that follows `previous` (the request's last entry, or none). */
export function chainEntry(
  key: Uint8Array,
  requestId: string,
  previous: Pick<AuditEntry, "seq" | "hash"> | undefined,
  storeSeq: number,
  input: AuditInput,
): AuditEntry {
  const seq = previous ? previous.seq + 1 : 1;
  const prevHash = previous ? previous.hash : GENESIS_HASH;
  const hash = auditEntryHash(key, prevHash, {
    requestId,
    seq,
    storeSeq,
    at: input.at,
    type: input.type,
    data: input.data,
  });
  return { requestId, seq, storeSeq, at: input.at, type: input.type, data: input.data, prevHash, hash };
}

function headMac(key: Uint8Array, storeSeq: number, hash: string): string {
  return createHmac("sha256", key)
    .update(`gdpr-fanout/audit-head/v2\u0000${storeSeq}\u0000${hash}`)
    .digest("hex");
}

/** The store's head after `last` (the newest entry of the whole store). */
export function headAfter(key: Uint8Array, last: Pick<AuditEntry, "storeSeq" | "hash">): AuditHead {
  const storeSeq = last.storeSeq ?? 0;
  return { storeSeq, hash: last.hash, mac: headMac(key, storeSeq, last.hash) };
}

/** True when `head` was written by someone holding the key. */
export function headIsAuthentic(key: Uint8Array, head: AuditHead): boolean {
  const expected = Buffer.from(headMac(key, head.storeSeq, head.hash), "hex");
  const given = Buffer.from(head.mac, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Result of checking one request's chain. */
export interface AuditChainCheck {
  readonly valid: boolean;
  /** Index of the first bad entry, or -1 when intact. */
  readonly brokenAt: number;
  /** False when some entry predates the keyed chain (its hash is plain SHA-256). */
  readonly keyed: boolean;
}

/** Checks a request's whole chain (entries in `seq` order) with the audit key. */
export function verifyAuditChainWithKey(entries: readonly AuditEntry[], key: Uint8Array): AuditChainCheck {
  let previous: AuditEntry | undefined;
  let keyed = true;
  for (const [index, entry] of entries.entries()) {
    const storeSeq = entry.storeSeq ?? null;
    // Unkeyed entries can only come first: a keyed chain never continues into an unkeyed one.
    if (storeSeq === null && previous && (previous.storeSeq ?? null) !== null) {
      return { valid: false, brokenAt: index, keyed: false };
    }
    if (storeSeq === null) keyed = false;
    const seq = previous ? previous.seq + 1 : 1;
    const prevHash = previous ? previous.hash : GENESIS_HASH;
    const hash = auditEntryHash(key, prevHash, {
      requestId: entry.requestId,
      seq,
      storeSeq,
      at: entry.at,
      type: entry.type,
      data: entry.data,
    });
    if (hash !== entry.hash || prevHash !== entry.prevHash || seq !== entry.seq) {
      return { valid: false, brokenAt: index, keyed };
    }
    previous = entry;
  }
  return { valid: true, brokenAt: -1, keyed };
}

/**
 * Checks a request's chain with the fanout `secret` (what a verifier holding the secret can do
 * with rows read from the store). `valid` is false for a broken chain; an empty list is "nothing
 * to check", see `fanout.audit()` for the request-level rules.
 */
export function verifyAuditChain(
  entries: readonly AuditEntry[],
  secret: string | Uint8Array,
): AuditChainCheck {
  return verifyAuditChainWithKey(entries, auditKey(secret));
}
