/**
 * Exit codes of `gdpr-fanout`, mapped from `FanoutError.code` so that scripts can branch on what
 * went wrong without parsing messages. Documented in docs/cli.md.
 */
import type { ErrorCode } from "../errors.js";

/** Every exit code the CLI uses. */
export const EXIT = {
  /** Done. */
  OK: 0,
  /** The operation failed (a provider, the store, a request that ended needing attention, a bug). */
  FAILURE: 1,
  /** Bad usage: unknown command or option, malformed argument, invalid subject or duration. */
  USAGE: 2,
  /** No such request (or file). */
  NOT_FOUND: 3,
  /** Not allowed in the request's current state: past the pivot, no receipt yet, idempotency clash. */
  CONFLICT: 4,
  /** Configuration: no config file, a config that does not load, bad options, rejected credentials. */
  CONFIGURATION: 5,
  /** A receipt or audit chain that does not verify. */
  VERIFY_FAILED: 6,
  /** `worker --once` finished, and requests need a person (state `needs_attention`). */
  ATTENTION: 7,
  /** Stopped by SIGINT. */
  INTERRUPTED: 130,
} as const;

const BY_CODE: Partial<Record<ErrorCode, number>> = {
  INVALID_ARGUMENT: EXIT.USAGE,
  INVALID_SUBJECT: EXIT.USAGE,
  VALIDATION: EXIT.USAGE,
  UNKNOWN_REQUEST: EXIT.NOT_FOUND,
  UNKNOWN_HOLD: EXIT.NOT_FOUND,
  NOT_FOUND: EXIT.NOT_FOUND,
  CONFLICT: EXIT.CONFLICT,
  PAST_PIVOT: EXIT.CONFLICT,
  CONFIGURATION: EXIT.CONFIGURATION,
  AUTHENTICATION: EXIT.CONFIGURATION,
  PERMISSION_DENIED: EXIT.CONFIGURATION,
  ABORTED: EXIT.INTERRUPTED,
};

/** The exit code for an error code (`1` for anything not listed). */
export function exitCodeFor(code: string | undefined): number {
  return (code && BY_CODE[code as ErrorCode]) || EXIT.FAILURE;
}
