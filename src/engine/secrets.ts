/**
 * The fanout secret: where it comes from, how long it must be, and its predecessors.
 *
 * One secret keys three things: subject fingerprints (HMAC), the sealing of subjects at rest
 * (AES-256-GCM, key derived with HKDF) and, unless a signing key is given, receipt signatures.
 * It comes from `createFanout({ secret })`, else from `GDPR_FANOUT_SECRET` — the same variable the
 * CLI reads, so a backend and a worker configured from one environment agree. Outside tests a
 * fanout without a secret refuses to start: a fixed development key would make every fingerprint
 * guessable and every sealed subject readable by anyone with the database file.
 *
 * Rotation: the previous secrets (`previousSecrets`, or `GDPR_FANOUT_PREVIOUS_SECRETS`, comma
 * separated) still open what they sealed and still match the fingerprints they made; everything
 * new is sealed and fingerprinted with the current one.
 */
import { randomBytes } from "node:crypto";
import { ConfigurationError } from "../errors.js";
import { fingerprintSubject } from "../fingerprint.js";
import type { Logger } from "../logger.js";
import type { Subject } from "../subject.js";

/** A secret as `createFanout` takes it. */
export type SecretValue = string | Uint8Array;

/** The environment variable holding the secret when `secret` is not given. */
export const SECRET_ENV = "GDPR_FANOUT_SECRET";
/** Earlier secrets, comma separated, when `previousSecrets` is not given. */
export const PREVIOUS_SECRETS_ENV = "GDPR_FANOUT_PREVIOUS_SECRETS";
/** Shortest accepted secret, in characters (strings) or bytes. `gdpr-fanout secret` prints 43. */
export const MIN_SECRET_LENGTH = 16;

/**
 * Used only in tests when no secret is given: fingerprints and seals made with it are not private.
 * Public on purpose (tests and the report may need to open what it sealed).
 */
export const DEVELOPMENT_SECRET = "gdpr-fanout-insecure-development-secret";

/**
 * Whether the code runs under a test runner: vitest sets `VITEST`, and vitest, Jest and most
 * runners set `NODE_ENV=test`. Only then may a fanout start without a secret.
 */
export function isTestEnvironment(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.VITEST !== undefined || env.NODE_ENV === "test";
}

/** A fresh secret: 32 random bytes, base64url (43 characters, no commas). */
export function generateSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** The secrets a fanout uses. */
export interface ResolvedSecrets {
  /** Seals and fingerprints everything new. */
  readonly current: SecretValue;
  /** Still open and match what they sealed and fingerprinted; never used for anything new. */
  readonly previous: readonly SecretValue[];
  /** Where `current` came from. */
  readonly source: "option" | "env" | "development";
}

function checkSecret(value: unknown, option: string): SecretValue {
  const long =
    typeof value === "string"
      ? value.length >= MIN_SECRET_LENGTH
      : value instanceof Uint8Array && value.byteLength >= MIN_SECRET_LENGTH;
  if (!long) {
    throw new ConfigurationError(
      `createFanout: ${option} must be a string or bytes of at least ${MIN_SECRET_LENGTH} characters ` +
        "(`npx gdpr-fanout secret` prints a fresh one)",
      { option },
    );
  }
  return value as SecretValue;
}

/** Resolves `secret` and `previousSecrets` (options first, then the environment). */
export function resolveSecrets(
  options: { secret?: unknown; previousSecrets?: unknown },
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedSecrets {
  let current: SecretValue;
  let source: ResolvedSecrets["source"];
  if (options.secret !== undefined) {
    current = checkSecret(options.secret, "secret");
    source = "option";
  } else if (env[SECRET_ENV]) {
    current = checkSecret(env[SECRET_ENV], SECRET_ENV);
    source = "env";
  } else if (isTestEnvironment(env)) {
    logger.warn({ option: "secret" }, "no secret given in a test: using the public development secret");
    current = DEVELOPMENT_SECRET;
    source = "development";
  } else {
    throw new ConfigurationError(
      `createFanout: no secret. Pass \`secret\` or set ${SECRET_ENV} (at least ${MIN_SECRET_LENGTH} ` +
        "characters; `npx gdpr-fanout secret` prints a fresh one). Use the same secret everywhere the store is used.",
      { option: "secret" },
    );
  }
  let previous: SecretValue[] = [];
  if (options.previousSecrets !== undefined) {
    if (!Array.isArray(options.previousSecrets)) {
      throw new ConfigurationError("createFanout: previousSecrets must be a list of secrets", {
        option: "previousSecrets",
      });
    }
    previous = options.previousSecrets.map((s, i) => checkSecret(s, `previousSecrets[${i}]`));
  } else if (env[PREVIOUS_SECRETS_ENV]) {
    previous = env[PREVIOUS_SECRETS_ENV]
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
      .map((s) => checkSecret(s, PREVIOUS_SECRETS_ENV));
  }
  return { current, previous, source };
}

/** The subject's fingerprint under every secret, the current one first (for lookups). */
export function fingerprintsOf(subject: Subject, secrets: ResolvedSecrets): string[] {
  return [...new Set([secrets.current, ...secrets.previous].map((s) => fingerprintSubject(subject, s)))];
}
