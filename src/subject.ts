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

/** What a caller may pass as a subject. At least one of `email`, `phone` or `ids` is required. */
export interface SubjectInput {
  /**
   * The person's email address. Lower-cased for matching and the fingerprint; adapters whose
   * provider compares case-sensitively also search the form given here.
   */
  email?: string;
  /** Phone number; international form (`+44 20 7946 0000`, `0044…`) is normalised to E.164. */
  phone?: string;
  /** Display name. Not an identifier on its own: used only to help a human reading an export. */
  name?: string;
  /** Provider record ids per adapter id, trusted before any lookup: `{ stripe: "cus_123" }`. */
  ids?: Record<string, string | string[]>;
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
  defaultCallingCode?: string;
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

const idsSchema = z
  .record(
    z
      .string()
      .regex(ADAPTER_ID_PATTERN, { error: "adapter id must be lower-case letters, digits or dashes" }),
    z.union(
      [idSchema, z.array(idSchema).min(1, { error: "must list at least one id" }).max(MAX_IDS_PER_ADAPTER)],
      {
        error: "must be a string or an array of strings",
      },
    ),
  )
  .refine((ids) => Object.keys(ids).length > 0, { error: "must name at least one adapter" });

const subjectSchema = z.strictObject(
  {
    email: emailSchema.optional(),
    phone: z.string({ error: "must be a string" }).optional(),
    name: nameSchema.optional(),
    ids: idsSchema.optional(),
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
  if (value.phone !== undefined) {
    const result = normalizePhone(value.phone, options.defaultCallingCode);
    if ("problem" in result) issues.push({ path: "phone", problem: result.problem });
    else phone = result.value;
  }
  const ids: Record<string, string[]> = {};
  for (const [adapter, raw] of Object.entries(value.ids ?? {})) {
    ids[adapter] = [...new Set(Array.isArray(raw) ? raw : [raw])];
  }
  if (value.email === undefined && value.phone === undefined && Object.keys(ids).length === 0) {
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
  if (value.email !== undefined) {
    subject.email = value.email.toLowerCase();
    if (value.email !== subject.email) subject.emailAsGiven = value.email;
  }
  if (phone !== undefined) subject.phone = phone;
  if (value.name !== undefined) subject.name = value.name;
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
