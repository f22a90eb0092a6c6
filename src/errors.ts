/**
 * The error taxonomy. Every error the library throws or records is a {@link FanoutError}: one class,
 * classified by its string `code` and `retryable` flag (not by `instanceof` chains), carrying the
 * provider, operation, HTTP status and a sanitised `cause`. Messages never contain credentials or a
 * data subject's identifiers: they are built from codes and provider names, and anything taken from
 * a provider's response is scrubbed first.
 *
 * @see docs/errors.md
 */
import { docsUrl } from "./docs-url.js";
import { scrubText } from "./redact.js";

/** Every error code the library uses. `retryable` defaults per code are in {@link RETRYABLE_BY_DEFAULT}. */
export type ErrorCode =
  | "RATE_LIMITED"
  | "PROVIDER_UNAVAILABLE"
  | "NETWORK"
  | "TIMEOUT"
  | "ABORTED"
  | "NOT_FOUND"
  | "AUTHENTICATION"
  | "PERMISSION_DENIED"
  | "VALIDATION"
  | "CONFLICT"
  | "CONFIGURATION"
  | "INVALID_SUBJECT"
  | "INVALID_ARGUMENT"
  | "PROVIDER_RESPONSE"
  | "STEP_FAILED"
  | "COMPENSATION_FAILED"
  | "UNKNOWN_REQUEST"
  | "UNKNOWN_HOLD"
  | "PAST_PIVOT"
  | "LEASE_LOST"
  | "STORE_CORRUPT"
  | "PURGE_NOT_CONFIRMED"
  | "UNSUPPORTED";

/** Codes that are transient unless said otherwise: retrying later may succeed. */
export const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "RATE_LIMITED",
  "PROVIDER_UNAVAILABLE",
  "NETWORK",
  "TIMEOUT",
  "PROVIDER_RESPONSE",
]);

/** A sanitised stand-in for the original error: name and scrubbed message only, never the raw object. */
export interface SanitisedCause {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/** Fields accepted by the {@link FanoutError} constructor. */
export interface FanoutErrorOptions {
  /** Overrides the default of {@link RETRYABLE_BY_DEFAULT}. */
  retryable?: boolean;
  /** Adapter/provider id, e.g. `"stripe"`. */
  provider?: string;
  /** What was being done, e.g. `"customers.list"` or `"erase.delete"`. Never contains identifiers. */
  operation?: string;
  /** HTTP status of the provider response, when there was one. */
  status?: number;
  /** The provider's own error code (e.g. Stripe `resource_missing`), scrubbed. */
  providerCode?: string;
  /** How long the provider asked us to wait, in milliseconds (from `Retry-After` and similar). */
  retryAfterMs?: number;
  /** The underlying error. It is stored sanitised (see {@link SanitisedCause}). */
  cause?: unknown;
  /** Structured, PII-free detail (e.g. which option is missing). */
  details?: Readonly<Record<string, unknown>>;
  /** Extra strings to redact from the message and cause (credentials, identifiers). */
  redact?: readonly string[];
}

const DOCS = docsUrl("errors.md");

/** The one error class of gdpr-fanout. Check `code` (and `retryable`), not the class. */
export class FanoutError extends Error {
  override readonly name: string = "FanoutError";
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly provider: string | undefined;
  readonly operation: string | undefined;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  override readonly cause: SanitisedCause | undefined;

  constructor(code: ErrorCode, message: string, options: FanoutErrorOptions = {}) {
    const redact = options.redact ?? [];
    super(scrubText(message, redact));
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.provider = options.provider;
    this.operation = options.operation;
    this.status = options.status;
    this.providerCode =
      options.providerCode === undefined ? undefined : scrubText(options.providerCode, redact);
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
    this.cause = options.cause === undefined ? undefined : sanitiseCause(options.cause, redact);
  }

  /** Link to the documentation of this error code. */
  get docs(): string {
    return `${DOCS}#${this.code.toLowerCase()}`;
  }

  /** A plain, PII-free object: what events, logs and the store keep of an error. */
  toJSON(): FanoutErrorJSON {
    const json: FanoutErrorJSON = {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
    };
    if (this.provider !== undefined) json.provider = this.provider;
    if (this.operation !== undefined) json.operation = this.operation;
    if (this.status !== undefined) json.status = this.status;
    if (this.providerCode !== undefined) json.providerCode = this.providerCode;
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    if (this.details !== undefined) json.details = this.details;
    if (this.cause !== undefined) json.cause = this.cause;
    return json;
  }
}

/** The serialised form of a {@link FanoutError}. */
export interface FanoutErrorJSON {
  name: string;
  code: ErrorCode;
  message: string;
  retryable: boolean;
  provider?: string;
  operation?: string;
  status?: number;
  providerCode?: string;
  retryAfterMs?: number;
  details?: Readonly<Record<string, unknown>>;
  cause?: SanitisedCause;
}

/** A required option is missing or invalid. `details.option` names it. */
export class ConfigurationError extends FanoutError {
  override readonly name = "ConfigurationError";
  constructor(message: string, options: FanoutErrorOptions & { option?: string } = {}) {
    const { option, ...rest } = options;
    super("CONFIGURATION", message, {
      ...rest,
      retryable: false,
      details: { ...(rest.details ?? {}), ...(option ? { option } : {}) },
    });
  }
}

/** The provider answered 429 (or its equivalent); `retryAfterMs` says how long it asked us to wait. */
export class RateLimitedError extends FanoutError {
  override readonly name = "RateLimitedError";
  constructor(message: string, options: FanoutErrorOptions = {}) {
    super("RATE_LIMITED", message, { ...options, retryable: true });
  }
}

/** One problem found in a subject: where, and what — never the offending value. */
export interface SubjectIssue {
  readonly path: string;
  readonly problem: string;
}

/** A data subject failed validation. `issues` lists what is wrong without repeating any value. */
export class InvalidSubjectError extends FanoutError {
  override readonly name = "InvalidSubjectError";
  readonly issues: readonly SubjectIssue[];
  constructor(issues: readonly SubjectIssue[]) {
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.problem}` : i.problem)).join("; ");
    super("INVALID_SUBJECT", `Invalid subject: ${summary}`, { retryable: false, details: { issues } });
    this.issues = issues;
  }
}

/** An argument to a public method is malformed (bad duration, unknown option type, …). */
export class InvalidArgumentError extends FanoutError {
  override readonly name = "InvalidArgumentError";
  constructor(message: string, options: FanoutErrorOptions = {}) {
    super("INVALID_ARGUMENT", message, { ...options, retryable: false });
  }
}

/** True when `error` is a {@link FanoutError}, optionally of one of the given codes. */
export function isFanoutError(error: unknown, ...codes: ErrorCode[]): error is FanoutError {
  if (!(error instanceof FanoutError)) return false;
  return codes.length === 0 || codes.includes(error.code);
}

function sanitiseCause(cause: unknown, redact: readonly string[]): SanitisedCause {
  if (cause instanceof FanoutError) {
    return { name: cause.name, message: cause.message, code: cause.code };
  }
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    const sanitised: { name: string; message: string; code?: string } = {
      name: cause.name,
      message: scrubText(cause.message, redact),
    };
    if (typeof code === "string") sanitised.code = scrubText(code, redact);
    return sanitised;
  }
  return { name: typeof cause, message: scrubText(String(cause), redact) };
}
