/**
 * Public types of the engine: `createFanout` options, request options, and what `status()`,
 * `list()`, `export()` and `inspect()` return.
 */
import type { KeyObject } from "node:crypto";
import type {
  BranchOutcome,
  ProviderJob,
  Residual,
  RetryPolicyInput,
  SubprocessorAdapter,
} from "../adapter.js";
import type { Duration } from "../duration.js";
import type { FanoutErrorJSON } from "../errors.js";
import type { Logger } from "../logger.js";
import type { AccessLanguage, LocalizedText } from "../presentation.js";
import type { BranchState, RequestKind, RequestState, SagaStore, StepName } from "../store/types.js";
import type { SubjectInput } from "../subject.js";
import type { PurgeView, RestrictionView } from "./branch-facts.js";
import type { CoverageView } from "./coverage.js";
import type { FanoutEventHandlers } from "./events.js";
import type { DeadlineView, RestrictionRequestView, RetentionView } from "./legal-view.js";
import type { RateLimiter } from "./rate-limiter.js";
import type { ReceiptPurge } from "./receipt.js";
import type { RetentionRule } from "./retention.js";
import type { SubjectHoldView } from "./subject-holds.js";

/** A span as the engine uses it. */
export interface SpanLike {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/**
 * The slice of an OpenTelemetry `Tracer` the engine uses (`trace.getTracer("gdpr-fanout")`). With
 * `startActiveSpan` (every OpenTelemetry tracer has it) each step's span is the active span while
 * the step runs, so the provider SDKs' HTTP spans nest under it.
 */
export interface TracerLike {
  startSpan(name: string, options?: { attributes?: Record<string, string | number | boolean> }): SpanLike;
  startActiveSpan?<F extends (span: SpanLike) => unknown>(
    name: string,
    options: { attributes?: Record<string, string | number | boolean> },
    fn: F,
  ): ReturnType<F>;
}

/** Retry settings: a policy for every adapter, with per-adapter overrides. */
export interface RetryOptions extends RetryPolicyInput {
  /** Overrides per adapter id, on top of the adapter's own policy. */
  perAdapter?: Record<string, RetryPolicyInput>;
}

/** Options of `createFanout`. */
export interface FanoutOptions {
  /** One adapter per subprocessor; ids must be unique. */
  adapters: readonly SubprocessorAdapter[];
  /**
   * Where durable state lives.
   * @default sqliteStore({ path: "./gdpr-fanout.db" })
   */
  store?: SagaStore;
  /**
   * Key for subject fingerprints, receipt signatures and sealing the subject at rest: a string or
   * bytes of at least 16 characters (`npx gdpr-fanout secret` prints a fresh one). Use the same
   * secret everywhere the same store is used (backend, workers, CLI).
   * @default process.env.GDPR_FANOUT_SECRET; without either, `createFanout` throws `CONFIGURATION`
   * — except under a test runner (`VITEST` set or `NODE_ENV=test`), where a public development key
   * is used with a warning.
   */
  secret?: string | Uint8Array;
  /**
   * Earlier secrets, after a rotation: requests sealed and fingerprinted with them still open and
   * still match (idempotency keys, lookups by subject); everything new uses `secret`.
   * @default process.env.GDPR_FANOUT_PREVIOUS_SECRETS split on commas, else none
   */
  previousSecrets?: readonly (string | Uint8Array)[];
  /**
   * The Ed25519 private key that signs receipts (PEM text or a `KeyObject`). Without it, one is
   * derived from `secret`. Anyone holding the matching public key (`fanout.publicKey()`,
   * `gdpr-fanout public-key`) can verify receipts with `verifyReceipt(receipt, { publicKey })`.
   */
  signingKey?: string | KeyObject;
  /**
   * Public keys of earlier signing keys (PEM or `KeyObject`), so receipts signed before a key
   * rotation still verify with `fanout.verifyReceipt`.
   */
  verificationKeys?: readonly (string | KeyObject)[];
  /**
   * Time allowed to answer each request (Art. 12(3)): a period such as `"1 month"` (a calendar
   * month, Regulation 1182/71: 31 January + 1 month is the last day of February) or the company's
   * own promise, `"14d"`. A subject's request is due this long after `receivedAt`; a closure that
   * waits (`after`) is due this long after its window ends (the controller's own commitment). See
   * docs/saga.md#deadlines-art-123.
   * @default "1 month"
   */
  deadline?: Duration;
  /**
   * The controller's IANA time zone: where a calendar day of a deadline or a retention period
   * ends (`"Europe/Amsterdam"`).
   * @default "UTC"
   */
  timeZone?: string;
  /**
   * Records to keep on a legal basis when erasing (Art. 17(3)): `[{ adapter, types, basis, for,
   * from? }]`, e.g. invoices for 7 years. They are kept, everything else is erased, and their
   * erasure is scheduled durably for when the retention ends. Only types an adapter declares in
   * `capabilities.retainable`. See docs/saga.md#retention-on-a-legal-basis-art-173.
   */
  retention?: readonly RetentionRule[];
  /** Retry policy (Temporal field names) and per-adapter overrides. */
  retry?: RetryOptions;
  /** A pino-compatible logger. Only ids, fingerprints, codes and counts are logged. */
  logger?: Logger;
  /** The clock, in epoch ms (tests pass a fake one to cover a 90-day window in milliseconds). @default Date.now */
  now?: () => number;
  /** Randomness for backoff jitter. @default Math.random */
  random?: () => number;
  /** How long a worker's claim on a request lasts without a heartbeat. @default "30s" */
  lease?: Duration;
  /** First interval between status polls while a provider job runs (doubles up to 1 h). @default "5s" */
  pollInterval?: Duration;
  /** How long to keep polling a provider job before the branch fails. @default "30d" */
  verifyTimeout?: Duration;
  /**
   * Longest one attempt of one step may take. An adapter call still running then is abandoned (its
   * signal aborts) and the attempt fails with a retryable `TIMEOUT`, so a provider call that never
   * answers cannot hold the request (and its other branches) forever.
   * @default "15m"
   */
  stepTimeout?: Duration;
  /** Requests one worker runs at once. @default 8 */
  concurrency?: number;
  /** Identifies this worker in leases. @default a random id */
  workerId?: string;
  /** Rate limiter shared by branches (and workers). @default an in-process limiter */
  rateLimiter?: RateLimiter;
  /** OpenTelemetry tracer for one span per step attempt (`@opentelemetry/api` is an optional peer). */
  tracer?: TracerLike;
  /** Country calling code for national phone numbers (see `normalizeSubject`). */
  defaultCallingCode?: string;
  /**
   * Event handlers by event name (`"request.needs_attention"`, `"request.completed"`, … or `"*"`),
   * registered at creation as `fanout.on(name, handler)` would. A handler may be async; one that
   * throws or rejects is logged (code only) and never stops the saga. In a config file, the CLI's
   * worker runs them (page someone when a request needs attention).
   */
  on?: FanoutEventHandlers;
  /**
   * Who you are, for the access package's "who is responsible for your data" and the statements
   * it makes on your behalf (GDPR Art. 15(1)). What you leave out shows as a visible placeholder.
   * @see docs/access-package.md
   */
  controller?: ControllerInfo;
  /**
   * Why each service processes the person's data (Art. 15(1)(a)), keyed by adapter id; `"*"` for
   * the services you do not name. Without it the package shows a placeholder.
   */
  purposes?: Readonly<Record<string, LocalizedText>>;
  /**
   * Who receives the data (Art. 15(1)(c)) besides the services themselves: the legal entity behind
   * an adapter (with its country, for transfers outside the EEA, Art. 15(2)), or others such as
   * "police on a legal order". Without it the package shows a placeholder.
   */
  recipients?: readonly RecipientInfo[];
}

/** The controller's identity and statements in the access package (see `FanoutOptions.controller`). */
export interface ControllerInfo {
  /** The controller's name: `"Acme Telecom Ltd"`. */
  name?: string;
  /** How a person reaches you about their data (an address, an email): `"privacy@acme.test"`. */
  contact?: string;
  /** Your data-protection officer's contact, when you have one. */
  dpo?: string;
  /** The supervisory authority you name for complaints (Art. 77), e.g. "Autoriteit Persoonsgegevens". */
  authority?: LocalizedText;
  /** Your retention policy in a sentence or two (Art. 15(1)(d)). */
  retention?: LocalizedText;
  /** Where data not collected from the person came from (Art. 15(1)(g)). */
  source?: LocalizedText;
  /** Whether you make decisions by automated means (profiling), and their logic (Art. 15(1)(h)). */
  automatedDecisions?: LocalizedText;
}

/** A recipient of personal data (see `FanoutOptions.recipients`). */
export interface RecipientInfo {
  /** Who: `"Stripe Payments Europe Ltd"`, `"Police, on a legal order"`. */
  name: LocalizedText;
  /** The adapter whose service this recipient runs (its entry then appears beside that service). */
  adapter?: string;
  /** What they receive the data for. */
  purpose?: LocalizedText;
  /** Where the data goes: an ISO 3166-1 alpha-2 country code (`"IE"`, `"US"`). */
  country?: string;
  /** For a country outside the EEA: the safeguards (Art. 46), e.g. "Standard contractual clauses". */
  safeguards?: LocalizedText;
}

/** When a subject's request was received: a `Date`, ISO 8601 text or epoch milliseconds. */
export type DateInput = Date | string | number;

/** Options of `erase()`. */
export interface EraseOptions {
  /**
   * The controller's own retention window before the irreversible deletion (an account closure
   * that keeps data 90 days). Such a request is not a subject's request: it has no Art. 12
   * deadline until `expedite()`. @default 0 (erase as soon as restricted)
   */
  after?: Duration;
  /**
   * Why (e.g. `"account-closed"`). Kept in the audit trail and receipt, which outlive the request:
   * no personal data here. Email addresses, phone numbers and the subject's own identifiers are
   * replaced by `[redacted]` before it is recorded.
   */
  reason?: string;
  /**
   * A second `erase` with the same key returns the same request. No personal data here: a key
   * that holds an identifier is kept only as its keyed hash.
   */
  idempotencyKey?: string;
  /** Overrides the fanout's `deadline` for this request. */
  deadline?: Duration;
  /**
   * When the subject's request was received (an email on Monday keyed in on Thursday is due from
   * Monday). Never in the future. @default now (for a request without `after`)
   */
  receivedAt?: DateInput;
  /** Retention rules for this request; each replaces the fanout's rule for its adapter and types. */
  retain?: readonly RetentionRule[];
}

/** Options of `restrict()` (Art. 18). */
export interface RestrictOptions {
  /** Why (e.g. `"accuracy contested"`). No personal data. */
  reason?: string;
  idempotencyKey?: string;
  deadline?: Duration;
  /** When the subject's request was received. @default now */
  receivedAt?: DateInput;
}

/** Options of `extend()` (Art. 12(3)). */
export interface ExtendOptions {
  /** How much longer: a period such as `"1 month"` (at most two months in total). */
  by: Duration;
  /** Why the request needs longer (the subject must be told, with the reasons). No personal data. */
  reason: string;
}

/** Options of `expedite()`. */
export interface ExpediteOptions {
  /** When the subject asked for erasure. @default now */
  receivedAt?: DateInput;
}

/** Options of `lift()` (Art. 18(3)). */
export interface LiftOptions {
  /** Why the restriction ends. No personal data. */
  reason: string;
  /** When the subject was told the restriction would be lifted (before the lift). */
  subjectInformedAt: DateInput;
  /** How the subject was told: "email", "letter", … */
  informedBy: string;
}

/** Options of `export()`. */
export interface ExportOptions {
  /**
   * Directory to write the access package to, or a path ending in `.zip`. It must not exist yet
   * (a directory may exist if empty): a package never overwrites or adopts anything.
   */
  to: string;
  /**
   * Encrypts a `.zip` package with AES-256 (WinZip AE-2), which 7-Zip, WinZip, WinRAR, Keka and
   * The Unarchiver open with the password (Windows Explorer and macOS Archive Utility cannot).
   * At least 12 characters; kept sealed while the request runs, shredded when it ends.
   */
  encrypt?: { password: string };
  reason?: string;
  idempotencyKey?: string;
  deadline?: Duration;
  /** When the subject's request was received. @default now */
  receivedAt?: DateInput;
  /** Wait for the package (default) or return at once and let a worker build it. @default true */
  wait?: boolean;
  /** Stops waiting (the request carries on in a worker). */
  signal?: AbortSignal;
  /** Language of the package's `index.html` (kept with the request). @default "en" */
  language?: AccessLanguage;
}

/** What `erase()` returns. */
export interface RequestHandle {
  readonly id: string;
  readonly state: RequestState;
  /** False when an existing request was returned for the idempotency key. */
  readonly created: boolean;
}

/** One branch in `status()`. */
export interface BranchStatus {
  readonly adapter: string;
  readonly state: BranchState;
  readonly step: StepName;
  readonly attempt: number;
  readonly nextAttemptAt: string | null;
  readonly outcome: BranchOutcome | null;
  /** Provider records located. */
  readonly records: number | null;
  readonly eta: string | null;
  readonly jobs: readonly ProviderJob[];
  readonly detail: string | null;
  /** Why it ended so, as a code: `NO_USABLE_IDENTIFIER` (it could not search), … */
  readonly reasonCode: string | null;
  /** What was searched (kinds, never values); `null` when the adapter did not report it. */
  readonly coverage: CoverageView | null;
  /** What remains at the provider, and why. */
  readonly residuals: readonly Residual[];
  /** The restriction as it stands: "applied" only when the adapter restricted records. */
  readonly restriction: RestrictionView;
  /** Kept restricted by a partial subject hold while the request's other branches went on. */
  readonly awaitingPivot: boolean;
  /** This branch's own pivot, when a partial subject hold kept it past the request's. */
  readonly pivotAt: string | null;
  /** For `scheduled`: the provider's purge, checked after its ETA. */
  readonly purge: PurgeView | null;
  readonly error: FanoutErrorJSON | null;
  /** Compensation of this branch's restriction: `null` when none was needed. */
  readonly compensation: null | {
    /** `partial`: undone except what `notUndone` lists (e.g. a subscription that ended meanwhile). */
    readonly state: "pending" | "done" | "partial" | "failed" | "not_reversible";
    readonly attempts: number;
    /** Code `COMPENSATION_FAILED` while it keeps failing. */
    readonly error: FanoutErrorJSON | null;
    readonly notUndone: readonly Residual[];
  };
}

/** What `status()` returns. No personal data: the subject is its fingerprint. */
export interface RequestStatus {
  readonly id: string;
  readonly kind: RequestKind;
  readonly state: RequestState;
  readonly subject: string;
  readonly reason: string | null;
  /** When the subject's request was received (`null`: the controller's own closure, or a follow-up). */
  readonly receivedAt: string | null;
  readonly createdAt: string;
  readonly dueAt: string;
  readonly overdue: boolean;
  /** Where `dueAt` comes from, its extensions (with reasons) and an expedition. */
  readonly deadline: DeadlineView;
  /** When the retention wait ends. */
  readonly after: string;
  readonly pivotAt: string | null;
  readonly completedAt: string | null;
  readonly hold: string | null;
  readonly withdrawRequested: boolean;
  /** Why it needs attention (also `COMPENSATION_FAILED` while a compensation fails). */
  readonly attention: FanoutErrorJSON | null;
  /** The providers' purges of `scheduled` branches: pending until checked after their ETAs. */
  readonly purge: ReceiptPurge;
  /** Records kept on a legal basis, and the erasures scheduled for when their retention ends. */
  readonly retention: RetentionView;
  /** Active holds on the subject (erasure requests: they block the pivot for the adapters they cover). */
  readonly holds: readonly SubjectHoldView[];
  /** A restriction request's restriction and lifting (`null` for other kinds). */
  readonly restriction: RestrictionRequestView | null;
  readonly branches: readonly BranchStatus[];
}

/** One row of `list()`. */
export interface RequestSummary {
  readonly id: string;
  readonly kind: RequestKind;
  readonly state: RequestState;
  readonly subject: string;
  readonly receivedAt: string | null;
  readonly createdAt: string;
  readonly dueAt: string;
  readonly overdue: boolean;
  /** When the retention wait ends (erasures). */
  readonly after: string;
  /** For a follow-up erasure of retained records: the request that kept them. */
  readonly retentionOf: string | null;
}

/** Options of `list()`. */
export interface ListOptions {
  state?: RequestState;
  kind?: RequestKind;
  /**
   * Only this person's requests: the subject itself (`{ email }`), fingerprinted with the current
   * and every previous secret, or a fingerprint (`sub_…`) as status and events show it. Read from
   * the store's index on fingerprints; nothing personal is stored or returned.
   */
  subject?: SubjectInput | string;
  /** Only open requests past their due date. */
  overdue?: boolean;
  limit?: number;
  cursor?: string;
}

/** What `export()` returns. */
export interface ExportHandle {
  readonly id: string;
  readonly state: RequestState;
  /** Where the package was written (only once `state` is `completed`). */
  readonly path: string | null;
  readonly manifest: AccessManifest | null;
}

/** One file of an access package. */
export interface ManifestFile {
  /** Path inside the package (forward slashes). */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  /**
   * The provider's own file name, when the package stores the file under another one: a name
   * made safe for every file system (too long, control or bidi characters, reserved on Windows,
   * a duplicate), or a numbered one in an encrypted zip (whose file names anyone can list).
   */
  readonly name?: string;
}

/** Progress of a long export (event `export.progress`). */
export interface ExportProgress {
  /** `exporting`: adapters whose data is fetched; `packing`: bytes written into the zip. */
  readonly phase: "exporting" | "packing";
  readonly done: number;
  readonly total: number;
  readonly unit: "adapters" | "bytes";
}

/** The access package's `manifest.json`. */
export interface AccessManifest {
  readonly schemaVersion: 1;
  readonly requestId: string;
  readonly subject: string;
  readonly createdAt: string;
  readonly completedAt: string;
  readonly adapters: Readonly<
    Record<
      string,
      {
        readonly records: number;
        readonly files: number;
        /** `not_searched`: the request gave no identifier this adapter can look a person up by. */
        readonly status: "exported" | "failed" | "not_searched";
        /** What was searched; `null` when the adapter did not report it. */
        readonly coverage?: CoverageView | null;
        /**
         * Records a waiting erasure of the same person has restricted here: included in the export
         * as far as the provider lets them be read (Zoho shows only the recycle-bin entry).
         */
        readonly restricted?: number;
      }
    >
  >;
  /** Set when the zip is encrypted (the manifest itself is inside it, encrypted too). */
  readonly encrypted?: string;
  readonly files: readonly ManifestFile[];
}

/** What `inspect()` returns per adapter. */
export interface InspectResult {
  readonly adapter: string;
  /** Records located now (`null` when the lookup failed). */
  readonly records: number | null;
  readonly byType: Readonly<Record<string, number>>;
  readonly error: FanoutErrorJSON | null;
}

/** Options of `run()`. */
export interface RunOptions {
  /** Stops the worker loop (in-flight compensations still finish). */
  signal?: AbortSignal;
  /** Idle poll interval when nothing is due. @default 1000 */
  idleMs?: number;
  /**
   * Run `fanout.check()` before claiming anything, and refuse to start (`CONFIGURATION`) when it
   * fails. @default true
   */
  check?: boolean;
}
