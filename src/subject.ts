/**
 * The data subject: who a request is about. Validated with zod and normalised so that the same
 * person always yields the same identifiers (and fingerprint): email trimmed and lower-cased (the
 * form the caller gave is kept too, for providers whose email filter is case-sensitive), phone in
 * E.164 where it can be (libphonenumber-js), ids grouped per adapter. Errors name the field and the problem, never
 * the value.
 */
import { z } from "zod";
import { InvalidSubjectError, type SubjectIssue } from "./errors.js";
import { normalizePhone } from "./phone.js";

/** Adapter ids: lower-case letters, digits and dashes, starting with a letter. */
export const ADAPTER_ID_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * What a caller may pass as a subject. At least one of `email`, `phone` or `ids` is required.
 * A field that is `undefined` or `null` is simply absent — `ids: { stripe: user.stripeId }` works
 * for a user without a Stripe id — so values can be passed straight from a database row.
 */
export interface SubjectInput {
  /**
   * The person's email address. Lower-cased for matching and the fingerprint; adapters whose
   * provider compares case-sensitively also search the form given here.
   */
  email?: string | null | undefined;
  /** Phone number; international form (`+44 20 7946 0000`, `0044…`) is normalised to E.164. */
  phone?: string | null | undefined;
  /** Display name. Not an identifier on its own: used only to help a human reading an export. */
  name?: string | null | undefined;
  /**
   * Provider record ids per adapter id, trusted before any lookup: `{ stripe: "cus_123" }`. Every
   * key must be the id of a configured adapter (a typo such as `strpe` is an error naming the key).
   */
  ids?: Readonly<Record<string, string | readonly string[] | null | undefined>> | null | undefined;
}

/** A validated, normalised subject. */
export interface Subject {
  /** Trimmed and lower-cased. */
  readonly email?: string;
  /**
   * The address as the caller gave it (trimmed), only when it differs from `email` in case: for
   * providers whose email filter is case-sensitive (Stripe's `customers?email=`). Sealed and
   * shredded with the rest of the subject; never part of the fingerprint.
   */
  readonly emailAsGiven?: string;
  /** E.164 (`+442079460000`), or digits when a national number came without a calling code. */
  readonly phone?: string;
  readonly name?: string;
  readonly ids: Readonly<Record<string, readonly string[]>>;
}

/** Options of {@link normalizeSubject}. */
export interface NormalizeSubjectOptions {
  /**
   * Country calling code (digits, e.g. `"44"`) applied to national numbers that start with a
   * single `0`. Without it such numbers are kept as digits, not E.164.
   */
  defaultCallingCode?: string | undefined;
  /**
   * The adapter ids that may appear as keys of `ids` (the fanout passes its adapters): any other
   * key is an issue naming it, so a misspelt `strpe` is caught at the call instead of being
   * silently ignored. Not checked when omitted.
   */
  adapters?: readonly string[] | undefined;
}

const MAX_EMAIL = 254;
const MAX_NAME = 200;
const MAX_ID = 256;
const MAX_IDS_PER_ADAPTER = 100;
// Printable, no whitespace inside: ids go into URL paths and query strings.
const ID_PATTERN = /^[\x21-\x7e]+$/;
const CONTROL = /\p{Cc}/u;

const emailSchema = z
  .string({ error: "must be a string" })
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, { error: "must not be empty" })
      .max(MAX_EMAIL, { error: `must be at most ${MAX_EMAIL} characters` })
      .refine((s) => !CONTROL.test(s), { error: "must not contain control characters" })
      .refine((s) => z.email().safeParse(s.toLowerCase()).success, { error: "is not a valid email address" }),
  );

const nameSchema = z
  .string({ error: "must be a string" })
  .transform((s) => s.trim().replace(/\s+/g, " "))
  .pipe(
    z
      .string()
      .min(1, { error: "must not be empty" })
      .max(MAX_NAME, { error: `must be at most ${MAX_NAME} characters` })
      .refine((s) => !CONTROL.test(s), { error: "must not contain control characters" }),
  );

const idSchema = z
  .string({ error: "must be a string" })
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, { error: "must not be empty" })
      .max(MAX_ID, { error: `must be at most ${MAX_ID} characters` })
      .regex(ID_PATTERN, { error: "must be printable characters without spaces" }),
  );

// `undefined` and `null` values mean "no id for this adapter": dropped after validation.
const idsSchema = z.record(
  z.string().regex(ADAPTER_ID_PATTERN, { error: "adapter id must be lower-case letters, digits or dashes" }),
  z
    .union(
      [idSchema, z.array(idSchema).min(1, { error: "must list at least one id" }).max(MAX_IDS_PER_ADAPTER)],
      {
        error: "must be a string or an array of strings",
      },
    )
    .nullish(),
);

const subjectSchema = z.strictObject(
  {
    email: emailSchema.nullish(),
    phone: z.string({ error: "must be a string" }).nullish(),
    name: nameSchema.nullish(),
    ids: idsSchema.nullish(),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? "has an unknown field" : "must be an object") },
);

/**
 * The dotted path of an issue. A key of `ids` that is not an adapter id is the caller's own text
 * (often an identifier passed in the wrong place, `ids: { "jane@acme.test": … }`): never repeated.
 */
function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      index === 1 && path[0] === "ids" && !ADAPTER_ID_PATTERN.test(String(segment))
        ? "(invalid key)"
        : String(segment),
    )
    .join(".");
}

/** "is not a configured adapter", with the closest configured id when one is a typo away. */
function unknownAdapterProblem(key: string, adapters: readonly string[]): string {
  const close = adapters.find((id) => editDistance(id, key) <= 2);
  const known = adapters.length > 0 ? ` (configured: ${adapters.join(", ")})` : "";
  return `is not a configured adapter${close ? `: did you mean "${close}"?` : known}`;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/**
 * Validates and normalises a subject. Throws {@link InvalidSubjectError} (code `INVALID_SUBJECT`)
 * listing every problem, without repeating any value.
 */
export function normalizeSubject(input: unknown, options: NormalizeSubjectOptions = {}): Subject {
  if (options.defaultCallingCode !== undefined && !/^[1-9]\d{0,3}$/.test(options.defaultCallingCode)) {
    throw new InvalidSubjectError([{ path: "defaultCallingCode", problem: "must be 1 to 4 digits" }]);
  }
  const parsed = subjectSchema.safeParse(input);
  const issues: SubjectIssue[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ path: issuePath(issue.path), problem: issue.message });
    }
    throw new InvalidSubjectError(issues);
  }
  const value = parsed.data;
  let phone: string | undefined;
  if (value.phone !== undefined && value.phone !== null) {
    const result = normalizePhone(value.phone, options.defaultCallingCode);
    if ("problem" in result) issues.push({ path: "phone", problem: result.problem });
    else phone = result.value;
  }
  const ids: Record<string, string[]> = {};
  let givenIds = 0;
  for (const [adapter, raw] of Object.entries(value.ids ?? {})) {
    if (raw === undefined || raw === null) continue;
    givenIds += 1;
    if (options.adapters && !options.adapters.includes(adapter)) {
      // The key matched ADAPTER_ID_PATTERN: an adapter id, not a personal value; safe to name.
      issues.push({ path: `ids.${adapter}`, problem: unknownAdapterProblem(adapter, options.adapters) });
      continue;
    }
    ids[adapter] = [...new Set(Array.isArray(raw) ? raw : [raw])];
  }
  if (value.email == null && value.phone == null && givenIds === 0) {
    issues.push({
      path: "",
      problem: "needs at least one identifier: email, phone or ids (a name alone is not enough)",
    });
  }
  if (issues.length > 0) throw new InvalidSubjectError(issues);
  const subject: {
    email?: string;
    emailAsGiven?: string;
    phone?: string;
    name?: string;
    ids: Record<string, string[]>;
  } = { ids };
  if (value.email !== undefined && value.email !== null) {
    subject.email = value.email.toLowerCase();
    if (value.email !== subject.email) subject.emailAsGiven = value.email;
  }
  if (phone !== undefined) subject.phone = phone;
  if (value.name !== undefined && value.name !== null) subject.name = value.name;
  return Object.freeze(subject);
}

/** The raw identifier strings of a subject: what must never appear in logs, errors or the store. */
export function subjectIdentifiers(subject: Subject): string[] {
  const out: string[] = [];
  if (subject.email) out.push(subject.email);
  if (subject.emailAsGiven) out.push(subject.emailAsGiven);
  if (subject.phone) {
    out.push(subject.phone);
    const digits = subject.phone.replace(/\D/g, "");
    if (digits.length >= 6) out.push(digits);
  }
  if (subject.name) out.push(subject.name);
  return out;
}
