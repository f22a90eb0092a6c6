/**
 * Sealing of what must stay private in the store while a request is open (the subject, an export's
 * destination): AES-256-GCM with a key derived from the fanout `secret`. Once a request completes
 * the sealed value is deleted ("shredded"); until then a copy of the database file alone reveals
 * nothing about whom a request concerns.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { FanoutError } from "../errors.js";

const VERSION = "v1";

/** Derives the sealing key from the fanout secret. */
export function sealingKey(secret: string | Uint8Array): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "gdpr-fanout", "gdpr-fanout/seal/v1", 32));
}

/** Encrypts a JSON value. */
export function seal(value: unknown, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

/** Decrypts a sealed value; a wrong key or a damaged value is `STORE_CORRUPT`. */
export function unseal(sealed: string, key: Buffer, requestId: string): unknown {
  try {
    if (!sealed.startsWith(`${VERSION}:`)) throw new Error("unknown sealing version");
    const raw = Buffer.from(sealed.slice(VERSION.length + 1), "base64");
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    return JSON.parse(text);
  } catch (error) {
    throw new FanoutError(
      "STORE_CORRUPT",
      `The sealed subject of request ${requestId} cannot be opened (wrong secret, or a damaged row)`,
      { retryable: false, cause: error },
    );
  }
}
