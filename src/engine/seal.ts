/**
 * Sealing of what must stay private in the store while a request is open (the subject, an export's
 * destination): AES-256-GCM with a key derived from the fanout `secret`. Once a request completes
 * the sealed value is deleted ("shredded"); until then a copy of the database file alone reveals
 * nothing about whom a request concerns.
 *
 * A sealed value names its key by a short, non-secret id (`v2:<key id>:<data>`), so a fanout
 * started with another secret can say exactly that — and open it with the right one of its
 * previous secrets after a rotation — instead of calling the row damaged. Values sealed before key
 * ids existed (`v1:`) are tried with every key.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { ConfigurationError, FanoutError } from "../errors.js";

const V1 = "v1";
const V2 = "v2";

/** Derives the sealing key from the fanout secret. */
export function sealingKey(secret: string | Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "gdpr-fanout", "gdpr-fanout/seal/v1", 32));
}

/** A short public id of a sealing key (a hash of the key: reveals nothing about it). */
export function sealKeyId(key: Buffer): string {
  return createHash("sha256").update("gdpr-fanout/seal-key-id\u0000").update(key).digest("hex").slice(0, 12);
}

/** The key id a sealed value names (`null` for values sealed before key ids, or not sealed by us). */
export function sealedKeyId(sealed: string): string | null {
  const match = /^v2:([0-9a-f]{12}):/.exec(sealed);
  return match?.[1] ?? null;
}

/** Encrypts a JSON value with `key`. */
export function seal(value: unknown, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return `${V2}:${sealKeyId(key)}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

function open(data: string, key: Buffer): unknown {
  const raw = Buffer.from(data, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  return JSON.parse(text);
}

function damaged(requestId: string, cause?: unknown): FanoutError {
  return new FanoutError(
    "STORE_CORRUPT",
    `The sealed subject of request ${requestId} is damaged: it names this fanout's key but does not open`,
    { retryable: false, cause },
  );
}

/** The error for a value sealed with a secret this fanout does not have. */
export function otherSecret(requestId: string, sealedWith: string | null): ConfigurationError {
  const which = sealedWith ? ` (key ${sealedWith})` : "";
  return new ConfigurationError(
    `Request ${requestId} was sealed with a different secret${which} than this fanout's: start the fanout ` +
      "with the secret the request was created with (after a rotation, list the old one in previousSecrets " +
      `or GDPR_FANOUT_PREVIOUS_SECRETS), then retry(${requestId}). Nothing was sent to any provider.`,
    { option: "secret", details: { requestId, ...(sealedWith ? { sealedWith } : {}) } },
  );
}

/**
 * Decrypts a sealed value with whichever of `keys` sealed it (the current key first, then previous
 * ones). A value sealed with none of them is a `CONFIGURATION` error that says so; a value that
 * names one of the keys but does not open is `STORE_CORRUPT`.
 */
export function unseal(sealed: string, keys: Buffer | readonly Buffer[], requestId: string): unknown {
  const all = Buffer.isBuffer(keys) ? [keys] : [...keys];
  if (sealed.startsWith(`${V2}:`)) {
    const id = sealedKeyId(sealed);
    const key = all.find((k) => sealKeyId(k) === id);
    if (!id) throw damaged(requestId);
    if (!key) throw otherSecret(requestId, id);
    try {
      return open(sealed.slice(V2.length + 14), key);
    } catch (error) {
      throw damaged(requestId, error);
    }
  }
  if (sealed.startsWith(`${V1}:`)) {
    for (const key of all) {
      try {
        return open(sealed.slice(V1.length + 1), key);
      } catch {
        // not this key; try the next
      }
    }
    // Without a key id a wrong secret and a damaged row look the same; a wrong secret is far likelier.
    throw otherSecret(requestId, null);
  }
  throw damaged(requestId);
}
