/** What every part of the engine shares: resolved options, store, adapters, clock, events. */
import type { KeyObject } from "node:crypto";
import type { SubprocessorAdapter } from "../adapter.js";
import type { Logger } from "../logger.js";
import type { SagaStore } from "../store/types.js";
import type { AccessSettings } from "./access/settings.js";
import type { EventHub } from "./events.js";
import type { Period } from "./periods.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { ResolvedRule } from "./retention.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { SigningKey } from "./signing-keys.js";
import type { TracerLike } from "./types.js";

export interface EngineContext {
  readonly store: SagaStore;
  readonly adapters: ReadonlyMap<string, SubprocessorAdapter>;
  readonly policies: ReadonlyMap<string, RetryPolicy>;
  readonly secret: string | Uint8Array;
  /** Seals everything new (derived from `secret`). */
  readonly sealKey: Buffer;
  /** The secrets before `secret` (rotation): they still open and match what they sealed. */
  readonly previousSecrets: readonly (string | Uint8Array)[];
  /** Every key that may open a sealed subject: `sealKey` first, then those of `previousSecrets`. */
  readonly openKeys: readonly Buffer[];
  /** Signs receipts (Ed25519). */
  readonly signingKey: SigningKey;
  /** Older public keys whose receipts still verify. */
  readonly verificationKeys: readonly KeyObject[];
  readonly now: () => number;
  readonly random: () => number;
  readonly events: EventHub;
  readonly logger: Logger;
  readonly limiter: RateLimiter;
  readonly tracer: TracerLike | undefined;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  /** A branch whose next attempt is due within this long waits for it in the run (0 = never). */
  readonly inlineWaitMs: number;
  readonly verifyTimeoutMs: number;
  /** Longest one step attempt may take before it counts as a retryable `TIMEOUT`. */
  readonly stepTimeoutMs: number;
  /** The default deadline of a request (Art. 12(3): one month). */
  readonly deadline: Period;
  /** The controller's time zone: where a calendar day of a deadline or retention ends. */
  readonly timeZone: string;
  /** Retention rules on a legal basis (Art. 17(3)), checked against the adapters. */
  readonly retention: readonly ResolvedRule[];
  readonly concurrency: number;
  readonly workerId: string;
  readonly defaultCallingCode: string | undefined;
  /** The access package's Art. 15(1) information (`controller`, `purposes`, `recipients`). */
  readonly access: AccessSettings;
}
