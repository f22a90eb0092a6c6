/**
 * Scrubbing of free text (error messages, provider error bodies) before it can reach a log line, an
 * event, an error message or the store. Known secrets and identifiers are removed wherever they
 * appear; anything shaped like an email address, an international phone number or a bearer-style
 * credential is removed too, so a provider message that echoes an identifier is safe as well.
 */

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const INTERNATIONAL_PHONE = /\+\d[\d\s().-]{6,18}\d/g;
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\b(Bearer|Basic|Zoho-oauthtoken)\s+[A-Za-z0-9._~+/=-]{6,}/gi,
  /\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]{6,}/g,
  /\bpat-[a-z]{2}\d-[A-Za-z0-9-]{8,}/g,
  /\b(api_token|api_key|apikey|access_token|refresh_token|client_secret|token)=([^&\s"']+)/gi,
];

/** The placeholder that stands where something was removed. */
export const REDACTED = "[redacted]";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Returns `text` with every occurrence of the given `secrets` (case-insensitive; strings shorter
 * than 4 characters are ignored as too likely to match innocent text) and every email-, phone- or
 * credential-shaped substring replaced by {@link REDACTED}.
 */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (typeof secret !== "string" || secret.length < 4) continue;
    out = out.replace(new RegExp(escapeRegExp(secret), "gi"), REDACTED);
    // Credentials also travel base64-encoded in Basic auth headers.
    const b64 = Buffer.from(`${secret}:`).toString("base64");
    out = out.split(b64).join(REDACTED);
  }
  for (const pattern of CREDENTIAL_PATTERNS) {
    out = out.replace(pattern, (_match, first: string) =>
      /^(api_token|api_key|apikey|access_token|refresh_token|client_secret|token)$/i.test(first)
        ? `${first}=${REDACTED}`
        : REDACTED,
    );
  }
  return out.replace(EMAIL, REDACTED).replace(INTERNATIONAL_PHONE, REDACTED);
}

/** True when `text` still contains one of `needles` (case-insensitive). Used by the leak checks. */
export function containsAny(text: string, needles: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return needles.some((n) => n.length >= 4 && lower.includes(n.toLowerCase()));
}
