/**
 * Retry policies, in Temporal's vocabulary. A step that fails with a retryable error is retried
 * durably: the attempt count and the next attempt time are stored, so a crash resets neither.
 * Within one durable attempt, `p-retry` makes a few quick in-process retries of brief blips.
 */
import type { RetryPolicyInput } from "../adapter.js";
import { parseDuration } from "../duration.js";
import { InvalidArgumentError } from "../errors.js";

/** A validated retry policy. */
export interface RetryPolicy {
  /** First backoff interval (ms). */
  readonly initialInterval: number;
  readonly backoffCoefficient: number;
  /** Cap of one interval (ms). */
  readonly maximumInterval: number;
  /** Durable attempts before giving up; `0` = unlimited. */
  readonly maximumAttempts: number;
  readonly nonRetryableErrorCodes: readonly string[];
}

/** The defaults: 1 s, doubling, capped at 1 h, 12 attempts (about 5 hours of trying). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  initialInterval: 1000,
  backoffCoefficient: 2,
  maximumInterval: 3_600_000,
  maximumAttempts: 12,
  nonRetryableErrorCodes: Object.freeze([]) as readonly string[],
});

const KNOWN = new Set([
  "initialInterval",
  "backoffCoefficient",
  "maximumInterval",
  "maximumAttempts",
  "nonRetryableErrorCodes",
]);

/** Validates a policy input on top of `base`; throws `INVALID_ARGUMENT` naming the field. */
export function resolveRetryPolicy(
  input: unknown,
  base: RetryPolicy = DEFAULT_RETRY_POLICY,
  name = "retry",
): RetryPolicy {
  if (input === undefined) return base;
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InvalidArgumentError(`${name} must be an object`, { details: { argument: name } });
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key))
      throw new InvalidArgumentError(`${name}.${key} is not a retry policy field`, {
        details: { argument: `${name}.${key}` },
      });
  }
  const value = input as RetryPolicyInput;
  const policy = {
    initialInterval:
      value.initialInterval === undefined
        ? base.initialInterval
        : parseDuration(value.initialInterval, `${name}.initialInterval`),
    backoffCoefficient: value.backoffCoefficient ?? base.backoffCoefficient,
    maximumInterval:
      value.maximumInterval === undefined
        ? base.maximumInterval
        : parseDuration(value.maximumInterval, `${name}.maximumInterval`),
    maximumAttempts: value.maximumAttempts ?? base.maximumAttempts,
    nonRetryableErrorCodes: value.nonRetryableErrorCodes ?? base.nonRetryableErrorCodes,
  };
  if (
    typeof policy.backoffCoefficient !== "number" ||
    !(policy.backoffCoefficient >= 1) ||
    policy.backoffCoefficient > 100
  ) {
    throw new InvalidArgumentError(`${name}.backoffCoefficient must be a number from 1 to 100`, {
      details: { argument: `${name}.backoffCoefficient` },
    });
  }
  if (!Number.isInteger(policy.maximumAttempts) || policy.maximumAttempts < 0) {
    throw new InvalidArgumentError(`${name}.maximumAttempts must be a whole number >= 0`, {
      details: { argument: `${name}.maximumAttempts` },
    });
  }
  if (policy.initialInterval < 1) {
    throw new InvalidArgumentError(`${name}.initialInterval must be at least 1 ms`, {
      details: { argument: `${name}.initialInterval` },
    });
  }
  if (policy.maximumInterval < policy.initialInterval) {
    throw new InvalidArgumentError(`${name}.maximumInterval must not be below initialInterval`, {
      details: { argument: `${name}.maximumInterval` },
    });
  }
  if (
    !Array.isArray(policy.nonRetryableErrorCodes) ||
    policy.nonRetryableErrorCodes.some((c) => typeof c !== "string")
  ) {
    throw new InvalidArgumentError(`${name}.nonRetryableErrorCodes must be a list of error codes`, {
      details: { argument: `${name}.nonRetryableErrorCodes` },
    });
  }
  return Object.freeze({
    ...policy,
    nonRetryableErrorCodes: Object.freeze([...policy.nonRetryableErrorCodes]),
  });
}

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` failed: exponential with "equal
 * jitter" (half fixed, half random), at least the provider's `Retry-After`.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  retryAfterMs?: number,
): number {
  const exponential = policy.initialInterval * policy.backoffCoefficient ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maximumInterval, exponential);
  const jittered = capped / 2 + (random() * capped) / 2;
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

/** Whether attempts remain after `attempt` failed. */
export function attemptsRemain(policy: RetryPolicy, attempt: number): boolean {
  return policy.maximumAttempts === 0 || attempt < policy.maximumAttempts;
}
