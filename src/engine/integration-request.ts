/**
 * The options of a request in integration scope (DESIGN §10.4): `scope`, and the controller's
 * `instruction` that such a request requires — the account owner (a CRM's customer) is the
 * controller of what the integration wrote into their CRM, and the integration acts on their
 * instruction. Validated at the call (typed errors, nothing recorded); the instruction's reference is
 * kept and signed into the receipt, so personal data is scrubbed out of it first.
 * @see docs/tenants.md
 */
import type { RequestScope, SubprocessorAdapter } from "../adapter.js";
import { InvalidArgumentError } from "../errors.js";
import { phoneFormats } from "../phone.js";
import { REDACTED, scrubText } from "../redact.js";
import type { RequestDoc } from "../store/types.js";
import type { Subject } from "../subject.js";
import { scrubFreeText } from "./free-text.js";

/** The instruction as stored, shown in status and the report, and signed into the receipt. */
export interface StoredInstruction {
  readonly reference: string;
  /** ISO 8601. */
  readonly at: string;
}

const MAX_REFERENCE = 200;
/** Clock skew allowed between the caller and us for an instruction's time. */
const FUTURE_SKEW_MS = 5 * 60_000;
/**
 * Number-shaped runs a reference must not keep: six or more digits, with the separators a phone
 * number is written with ("020 7946 0000", "07946-000-000"). Ticket numbers stay ("ZD-4411").
 */
const LONG_NUMBER = /(?<![A-Za-z])\d[\d\s().-]{4,}\d(?![A-Za-z])/g;

/** The request's scope as stored (`subject` when none was given). */
export function requestScope(doc: RequestDoc): RequestScope {
  return doc.scope === "integration" ? "integration" : "subject";
}

/** The request's instruction as stored, or `null`. */
export function requestInstruction(doc: RequestDoc): StoredInstruction | null {
  const i = doc.instruction as Partial<StoredInstruction> | null | undefined;
  return i && typeof i.reference === "string" && typeof i.at === "string"
    ? { reference: i.reference, at: i.at }
    : null;
}

/** The `scope` option. */
export function scopeArgument(value: unknown): RequestScope {
  if (value === undefined || value === "subject") return "subject";
  if (value === "integration") return "integration";
  throw new InvalidArgumentError('scope must be "subject" or "integration"', {
    details: { argument: "scope" },
  });
}

/**
 * Removes personal data from a reference: what free text loses (free-text.ts: the subject's
 * identifiers and provider ids, anything shaped like an email address, a phone number or a
 * credential), the subject's number in every form it may be written, and long numbers.
 */
export function scrubReference(text: string, subject: Subject): string {
  const phones = subject.phone ? phoneFormats(subject.phone) : [];
  return scrubText(scrubFreeText(text, subject), phones)
    .replace(LONG_NUMBER, (match) => (/\d{6}/.test(match.replace(/\D/g, "")) ? REDACTED : match))
    .trim();
}

/** The `instruction` option: required in integration scope, optional otherwise. */
export function instructionArgument(
  value: unknown,
  scope: RequestScope,
  subject: Subject,
  now: number,
): StoredInstruction | undefined {
  if (value === undefined) {
    if (scope === "integration") {
      throw new InvalidArgumentError(
        "a request in integration scope needs the controller's instruction: { instruction: { reference, at } }",
        { details: { argument: "instruction" } },
      );
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError("instruction must be { reference, at }", {
      details: { argument: "instruction" },
    });
  }
  const { reference, at, ...rest } = value as { reference?: unknown; at?: unknown };
  if (Object.keys(rest).length > 0) {
    throw new InvalidArgumentError(`instruction.${Object.keys(rest)[0]} is not a known option`, {
      details: { argument: "instruction" },
    });
  }
  if (
    typeof reference !== "string" ||
    reference.trim().length === 0 ||
    reference.length > MAX_REFERENCE ||
    /\p{Cc}/u.test(reference)
  ) {
    throw new InvalidArgumentError(
      `instruction.reference must be text of 1 to ${MAX_REFERENCE} characters without control characters`,
      { details: { argument: "instruction.reference" } },
    );
  }
  const ms = at instanceof Date ? at.getTime() : typeof at === "string" ? Date.parse(at) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new InvalidArgumentError("instruction.at must be a date (ISO 8601 text or a Date)", {
      details: { argument: "instruction.at" },
    });
  }
  if (ms > now + FUTURE_SKEW_MS) {
    throw new InvalidArgumentError("instruction.at is in the future", {
      details: { argument: "instruction.at" },
    });
  }
  const scrubbed = scrubReference(reference, subject);
  if (scrubbed.replaceAll(REDACTED, "").replace(/[\s\p{P}]/gu, "").length === 0) {
    throw new InvalidArgumentError(
      "instruction.reference holds nothing but personal data; give the controller's own reference",
      { details: { argument: "instruction.reference" } },
    );
  }
  return { reference: scrubbed, at: new Date(ms).toISOString() };
}

/**
 * The adapters a request gets a branch for: in integration scope only those that declare it
 * (`capabilities.integrationLookup`); none is a bad request.
 */
export function adaptersInScope(
  adapters: ReadonlyMap<string, SubprocessorAdapter>,
  scope: RequestScope,
): Map<string, SubprocessorAdapter> {
  if (scope === "subject") return new Map(adapters);
  const scoped = new Map([...adapters].filter(([, a]) => Array.isArray(a.capabilities.integrationLookup)));
  if (scoped.size === 0) {
    throw new InvalidArgumentError(
      "none of the adapters works in integration scope (capabilities.integrationLookup)",
      { details: { argument: "scope" } },
    );
  }
  return scoped;
}
