/**
 * Keyed subject fingerprints (HMAC-SHA256). A fingerprint lets logs, events, receipts and the store
 * refer to a person without containing anything that identifies them to someone without the key.
 * The fingerprint of a subject is stable per person: it is taken from the email when there is one,
 * else the phone, else the sorted provider ids.
 */
import { createHmac } from "node:crypto";
import type { Subject } from "./subject.js";

/** Length in hex characters of the fingerprint body (128 bits). */
const BODY_HEX = 32;

/** HMAC-SHA256 of one labelled value, as `sub_<32 hex>`. */
export function fingerprintValue(kind: string, value: string, secret: string | Uint8Array): string {
  const mac = createHmac("sha256", secret).update(`gdpr-fanout/v1/${kind}\u0000${value}`).digest("hex");
  return `sub_${mac.slice(0, BODY_HEX)}`;
}

/** The fingerprint of a normalised subject (see the module comment for which identifier is used). */
export function fingerprintSubject(subject: Subject, secret: string | Uint8Array): string {
  if (subject.email) return fingerprintValue("email", subject.email, secret);
  if (subject.phone) return fingerprintValue("phone", subject.phone, secret);
  const canonical = Object.keys(subject.ids)
    .sort()
    .map((adapter) => `${adapter}=${[...(subject.ids[adapter] ?? [])].sort().join(",")}`)
    .join(";");
  return fingerprintValue("ids", canonical, secret);
}
