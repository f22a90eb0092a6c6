/**
 * Phone numbers, through libphonenumber-js (Google's libphonenumber metadata, kept up to date by its
 * maintainers) rather than by hand: normalising what a caller passes to E.164, and the forms a
 * provider may have stored the same number in (national with spaces, `00` prefix, digits only), for
 * providers whose phone filter matches stored text exactly.
 * @see https://gitlab.com/catamphetamine/libphonenumber-js
 */
import { type CountryCallingCode, parsePhoneNumberFromString } from "libphonenumber-js";

const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * Normalises a phone number. International numbers (`+…` or `00…`) become E.164; a national number
 * (`020 7946 0000`) becomes E.164 when `defaultCallingCode` is given, else stays as its digits.
 * Returns an issue text (never the value) when the text cannot be a phone number.
 */
export function normalizePhone(
  raw: string,
  defaultCallingCode?: string,
): { value: string } | { problem: string } {
  const trimmed = raw.trim();
  if (trimmed.length === 0) return { problem: "must not be empty" };
  if (trimmed.length > 40) return { problem: "is too long to be a phone number" };
  if (!/^[+\d\s().\-/]+$/.test(trimmed)) return { problem: "may contain only digits, spaces, + ( ) . - /" };
  if (trimmed.indexOf("+") > 0 || (trimmed.match(/\+/g) ?? []).length > 1) {
    return { problem: "may contain + only at the start" };
  }
  const digits = trimmed.replace(/\D/g, "");
  const international = trimmed.startsWith("+") ? digits : digits.startsWith("00") ? digits.slice(2) : null;
  const text = international !== null ? `+${international}` : trimmed;
  const parsed = parsePhoneNumberFromString(
    text,
    defaultCallingCode ? { defaultCallingCode: defaultCallingCode as CountryCallingCode } : undefined,
  );
  if (parsed?.isPossible()) return { value: parsed.number };
  if (international !== null) {
    // A calling code libphonenumber does not know (new or private ranges): keep it when it has the
    // shape of E.164 rather than refuse a number the provider may well hold.
    if (!E164.test(`+${international}`)) return { problem: "is not a valid international number (E.164)" };
    return { value: `+${international}` };
  }
  if (!/^\d{6,15}$/.test(digits)) return { problem: "must have 6 to 15 digits" };
  return { value: digits };
}

/**
 * The forms a provider may have stored a number in, for exact-match filters: E.164, international
 * with spaces, `00` prefix, national (with the trunk prefix, spaced and as digits) and the national
 * significant number. A number kept as digits (no country known) is returned as it is.
 */
export function phoneFormats(phone: string): string[] {
  const parsed = phone.startsWith("+") ? parsePhoneNumberFromString(phone) : undefined;
  if (!parsed) return [phone];
  const national = parsed.formatNational();
  const forms = [
    parsed.number,
    parsed.formatInternational(),
    `00${parsed.countryCallingCode}${parsed.nationalNumber}`,
    national,
    national.replace(/\D/g, ""),
    parsed.nationalNumber,
  ];
  return [...new Set(forms)];
}

/**
 * Whether a stored number (in whatever form a provider kept it) is the subject's `phone` (as
 * {@link normalizePhone} returned it). A stored national number is read in the subject's country.
 */
export function samePhone(stored: string, phone: string): boolean {
  if (typeof stored !== "string" || stored.trim() === "") return false;
  const subject = phone.startsWith("+") ? parsePhoneNumberFromString(phone) : undefined;
  const normalized = normalizePhone(stored, subject?.countryCallingCode);
  if ("problem" in normalized) return false;
  if (normalized.value === phone) return true;
  // Either side without a country: compare the national significant digits.
  const tail = (v: string) => v.replace(/\D/g, "").replace(/^0+/, "");
  const a = subject ? subject.nationalNumber : tail(phone);
  const b = normalized.value.startsWith("+")
    ? (parsePhoneNumberFromString(normalized.value)?.nationalNumber ?? tail(normalized.value))
    : tail(normalized.value);
  return !(subject && normalized.value.startsWith("+")) && a.length >= 6 && a === b;
}
