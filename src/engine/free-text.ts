/**
 * The caller's free text as the engine keeps it. A `reason`, a hold reason and an idempotency key
 * end up in the store, the append-only audit trail and the signed receipt, which outlive the
 * request: they must not hold personal data (docs/security.md). Whatever identifies someone anyway
 * is removed before anything is recorded, the way logs are scrubbed: the subject's own identifiers
 * wherever they appear, and anything shaped like an email address, a phone number or a credential.
 */
import { createHmac } from "node:crypto";
import { REDACTED, scrubText } from "../redact.js";
import type { RequestRecord } from "../store/types.js";
import { type Subject, subjectIdentifiers } from "../subject.js";
import { unseal } from "./seal.js";

/** Every value of `subject` that identifies the person, provider ids included. */
function identifiersOf(subject: Subject | undefined): string[] {
  if (!subject) return [];
  return [...subjectIdentifiers(subject), ...Object.values(subject.ids).flat()];
}

/** `text` with identifiers replaced by `[redacted]`. */
export function scrubFreeText(text: string, subject?: Subject): string {
  return scrubText(text, identifiersOf(subject));
}

/**
 * The idempotency key as stored: as given when it holds nothing identifying (so an operator can
 * still read it), else its keyed hash `idk_<hex>`. The hash keeps the key's job (the same key finds
 * the same request, different keys stay different) where redacting it would merge distinct keys.
 */
export function storedIdempotencyKey(key: string, secret: string | Uint8Array, subject?: Subject): string {
  if (scrubFreeText(key, subject) === key && !key.includes(REDACTED)) return key;
  const mac = createHmac("sha256", secret).update(`gdpr-fanout/v1/idempotency-key\u0000${key}`).digest("hex");
  return `idk_${mac.slice(0, 40)}`;
}

/**
 * The subject of an open request, to scrub its identifiers from free text given about the request
 * (a hold, lift or extension reason). `undefined` once shredded, and for a seal that does not open
 * (a damaged row, another secret): that must not block a legal step, and the generic scrubbing
 * still applies.
 */
export function sealedSubject(record: RequestRecord, keys: readonly Buffer[]): Subject | undefined {
  if (!record.sealed) return undefined;
  try {
    const subject = (unseal(record.sealed, keys, record.id) as { subject?: unknown } | null)?.subject;
    return subject && typeof subject === "object" ? (subject as Subject) : undefined;
  } catch {
    return undefined;
  }
}
