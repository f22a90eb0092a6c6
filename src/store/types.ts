/**
 * The `SagaStore` contract: where requests, branches, the step log and the audit trail live.
 * Implementations: `memoryStore` (tests, scripts), `sqliteStore` (embedded default) and
 * `postgresStore` (many workers). One conformance suite (`runStoreConformance` in
 * `gdpr-fanout/testing`) runs against all of them.
 *
 * Concurrency model: a worker *claims* a request and gets a lease with a **fencing token**. Every
 * write a worker makes goes through {@link SagaStore.commit} with that token, and the store rejects
 * it (`LEASE_LOST`) when the token is stale or the lease has expired, so a zombie worker can never
 * overwrite newer state. Control-plane calls (`hold`, `release`, `withdraw`, `retry`) touch only
 * their own columns, atomically and with their own preconditions, so they never race a worker's
 * writes; the pivot commit re-checks them in the same transaction.
 *
 * All times are epoch milliseconds from the engine's clock.
 */
import type { BranchOutcome, JsonValue } from "../adapter.js";
import type { FanoutErrorJSON } from "../errors.js";

/** States of a request. See docs/saga.md. */
export type RequestState =
  | "pending"
  | "restricting"
  | "restricted"
  | "waiting"
  | "held"
  | "erasing"
  | "verifying"
  | "exporting"
  | "compensating"
  | "completed"
  | "withdrawn"
  | "lifted"
  | "needs_attention";

/** Every request state, in the order a request usually goes through them. */
export const REQUEST_STATES: readonly RequestState[] = [
  "pending",
  "restricting",
  "restricted",
  "waiting",
  "held",
  "erasing",
  "verifying",
  "exporting",
  "compensating",
  "completed",
  "withdrawn",
  "lifted",
  "needs_attention",
];

/** States in which nothing more will happen without a caller's action. */
export const TERMINAL_STATES: ReadonlySet<RequestState> = new Set<RequestState>([
  "completed",
  "withdrawn",
  "lifted",
]);

/**
 * States in which a request has been answered: the terminal ones, and `restricted` (a restriction
 * request stays open until it is lifted, but it was answered when the restriction took effect).
 * `list({ overdueAt })` leaves them out.
 */
export const ANSWERED_STATES: readonly RequestState[] = ["completed", "withdrawn", "lifted", "restricted"];

/** The kind of a request: an erasure, an access (export), or a restriction of processing (Art. 18). */
export type RequestKind = "erase" | "export" | "restrict";

/** Every request kind. */
export const REQUEST_KINDS: readonly RequestKind[] = ["erase", "export", "restrict"];

/**
 * The request's legal facts (JSON, no personal data): when it was received, its deadline and any
 * extension, expedition or lifting. Written at creation and then only by control-plane changes
 * (`ControlChange` kind `legal`), never by a worker's commit, so a worker holding the lease cannot
 * overwrite what a person recorded meanwhile.
 */
export type LegalDoc = Readonly<Record<string, JsonValue>>;

/** One request row. `subject` is the sealed (encrypted) subject, `null` once shredded. */
export interface RequestRecord {
  readonly id: string;
  readonly kind: RequestKind;
  readonly state: RequestState;
  readonly fingerprint: string;
  readonly idempotencyKey: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly dueAt: number;
  /** When the retention wait ends (erase) — the `after` timer. */
  readonly afterAt: number;
  /** When a worker should next look at it; `null` = nothing to do until a caller acts. */
  readonly wakeAt: number | null;
  readonly pivotAt: number | null;
  readonly completedAt: number | null;
  readonly leaseOwner: string | null;
  readonly leaseUntil: number | null;
  /** Fencing token: incremented on every claim. */
  readonly fence: number;
  /** Control plane: legal hold reason, or `null`. */
  readonly holdReason: string | null;
  /** Control plane: a withdrawal was asked for. */
  readonly withdrawRequested: boolean;
  /** Control plane: how many times `retry()` was asked. */
  readonly retryRequested: number;
  /** Sealed subject (and other sensitive request options); `null` after shredding. */
  readonly sealed: string | null;
  /** Everything else the engine keeps (JSON, no personal data). */
  readonly doc: RequestDoc;
  /** Legal facts, owned by the control plane (see {@link LegalDoc}); `{}` when none. */
  readonly legal: LegalDoc;
}

/** The engine's own request data (JSON, no personal data). */
export interface RequestDoc {
  readonly reason?: string;
  readonly adapters: readonly string[];
  /** Why it needs attention (a sanitised error). */
  readonly attention?: FanoutErrorJSON | null;
  /** `retryRequested` value last acted on by a worker. */
  readonly retryHandled?: number;
  /** Set when a pre-pivot failure aborted the saga (compensation then ends in needs_attention). */
  readonly aborted?: FanoutErrorJSON | null;
  readonly receipt?: JsonValue | null;
  /** Language of an access package's `index.html` (`export(…, { language })`). */
  readonly language?: string;
  readonly [key: string]: unknown;
}

/** Names of branch steps. */
export type StepName =
  | "locate"
  | "restrict"
  | "renew"
  | "relocate"
  | "delete"
  | "verify"
  | "purge_check"
  | "export"
  | "unrestrict";

/** State of one branch (one adapter within a request). */
export type BranchState =
  | "pending"
  | "running"
  | "ready"
  | "waiting_retry"
  | "done"
  | "failed"
  | "compensated";

/** One branch row. Only the worker holding the request's lease writes branches. */
export interface BranchRecord {
  readonly requestId: string;
  readonly adapterId: string;
  /** Position of the adapter in the request. */
  readonly position: number;
  readonly state: BranchState;
  /** The step to run next (or running). */
  readonly step: StepName;
  /** Attempts started for `step`; durable across crashes. */
  readonly attempt: number;
  /** The recorded attempt was started and its result not recorded (a crash may have cut it). */
  readonly inFlight: boolean;
  readonly nextAttemptAt: number | null;
  readonly outcome: BranchOutcome | null;
  readonly error: FanoutErrorJSON | null;
  readonly updatedAt: number;
  /** Step outputs and bookkeeping (JSON, no personal data). */
  readonly data: BranchData;
}

/** Per-branch data. */
export interface BranchData {
  /** Located record refs (ids only). */
  readonly refs?: JsonValue;
  /** Restriction: `registered` before the call, `done` after, then compensation states. */
  readonly restriction?: "registered" | "done" | "skipped";
  /** Undo data returned by `restrict`. */
  readonly undo?: JsonValue;
  /** Order in which restrictions completed (compensation runs in reverse). */
  readonly restrictSeq?: number;
  /** `partial`: the compensation ran but could not undo everything (see `notUndone`). */
  readonly compensation?: "pending" | "done" | "partial" | "failed" | null;
  /** Residuals an `unrestrict` reported it could not undo. */
  readonly notUndone?: JsonValue;
  readonly compensationAttempt?: number;
  readonly compensationError?: FanoutErrorJSON | null;
  readonly compensationNextAt?: number | null;
  readonly deletion?: JsonValue;
  readonly status?: JsonValue;
  readonly polls?: number;
  readonly verifyRounds?: number;
  readonly eta?: string | null;
  readonly located?: number;
  /** Located records per type (types only; the refs themselves are sealed). */
  readonly locatedByType?: Readonly<Record<string, number>>;
  /** Records and files an export wrote (the file list itself is sealed). */
  readonly exportedCount?: { readonly records: number; readonly files: number };
  /**
   * Sealed: the refs (those kept on a legal basis too), undo record, export file list and delete
   * state (see branch-sealing.ts).
   */
  readonly private?: string;
  /** After the request ended: keyed fingerprints of the record ids it located. */
  readonly refFingerprints?: readonly string[];
  /** What the adapter's locates searched (`Coverage`), when it reported it. */
  readonly coverage?: JsonValue;
  /** Identifier kinds the request gave for this branch (kinds only). */
  readonly given?: JsonValue;
  /** Why the branch ended as it did (e.g. `NO_USABLE_IDENTIFIER`). */
  readonly reasonCode?: string;
  /** The engine's own note when the adapter gave none. */
  readonly detail?: string;
  /** How many records the restriction covered (`RestrictResult.restricted`). */
  readonly restrictedCount?: number;
  readonly restrictedAt?: number;
  /** When a restriction with a lifetime would expire; the engine renews it before then. */
  readonly restrictionExpiresAt?: number | null;
  readonly renewals?: number;
  /** The provider's purge of a `scheduled` branch, checked after its ETA. */
  readonly purge?: JsonValue;
  readonly exported?: JsonValue;
  readonly completedAt?: number;
  readonly [key: string]: unknown;
}

/** One row of the step log: every attempt of every step. */
export interface StepLogEntry {
  readonly requestId: string;
  readonly adapterId: string;
  readonly step: StepName;
  readonly attempt: number;
  readonly status: "succeeded" | "failed" | "retrying";
  readonly at: number;
  readonly errorCode: string | null;
}

/** An audit entry as appended (the store computes seq and hashes). */
export interface AuditInput {
  readonly at: number;
  readonly type: string;
  readonly data: JsonValue;
}

/** A stored audit entry: append-only, hash-chained per request and numbered per store. */
export interface AuditEntry extends AuditInput {
  readonly requestId: string;
  /** Position in the request's chain, from 1. */
  readonly seq: number;
  /**
   * Position in the whole store's trail, from 1, without gaps: a missing number is a deleted entry.
   * `null` for entries written before the chain was keyed.
   */
  readonly storeSeq: number | null;
  readonly prevHash: string;
  /** HMAC-SHA256 (audit key) of the previous hash and this entry. */
  readonly hash: string;
}

/** The store's newest audit entry, authenticated: what a deleted tail of the trail is checked against. */
export interface AuditHead {
  readonly storeSeq: number;
  /** The hash of the entry numbered `storeSeq`. */
  readonly hash: string;
  /** HMAC-SHA256 (audit key) of `storeSeq` and `hash`. */
  readonly mac: string;
}

/** Options of {@link SagaStore.migrate}. */
export interface MigrateOptions {
  /**
   * Key of the audit chain's HMACs (`createFanout` derives it from its `secret` and passes it). Kept
   * in memory only; a store asked to append audit entries without one refuses (`CONFIGURATION`).
   */
  readonly auditKey?: Uint8Array;
}

/** A worker's lease on a request. */
export interface Lease {
  readonly requestId: string;
  readonly owner: string;
  readonly fence: number;
}

/** What a worker changes in one atomic commit. */
export interface CommitChange {
  /** Columns of the request the worker owns. */
  readonly request?: Partial<
    Pick<RequestRecord, "state" | "wakeAt" | "pivotAt" | "completedAt" | "sealed" | "doc" | "updatedAt">
  >;
  readonly branches?: readonly BranchRecord[];
  readonly steps?: readonly StepLogEntry[];
  readonly audit?: readonly AuditInput[];
  /**
   * Preconditions checked in the same transaction (used by the pivot). `noSubjectHold`: no active
   * subject hold on `fingerprint` covers any of `adapters` (a hold without adapters covers all);
   * checked under the same lock `createHold` takes, so a hold placed at the same moment either
   * makes the commit fail (`CONFLICT`) or finds the request past its pivot.
   */
  readonly expect?: {
    readonly notHeld?: boolean;
    readonly notWithdrawn?: boolean;
    readonly noSubjectHold?: { readonly fingerprint: string; readonly adapters: readonly string[] };
  };
  /**
   * Requests to create in the same transaction (a follow-up erasure scheduled by the commit that
   * completes this one). One whose idempotency key exists already is skipped.
   */
  readonly create?: readonly NewRequest[];
}

/** What a `legal` control change writes: the legal facts and, when they move, the due date and wait. */
export interface LegalPatch {
  readonly legal: LegalDoc;
  readonly dueAt?: number;
  readonly afterAt?: number;
}

/**
 * A control-plane change: hold, release, withdraw, retry, or a change of the legal facts
 * (`legal`: extension, expedition, lifting). `update` runs inside the store's transaction on the
 * current row and returns the patch, or throws to refuse the change; the store then writes it and
 * wakes the request.
 */
export type ControlChange =
  | { readonly kind: "hold"; readonly reason: string }
  | { readonly kind: "release" }
  | { readonly kind: "withdraw" }
  | { readonly kind: "retry" }
  | { readonly kind: "legal"; readonly update: (record: RequestRecord) => LegalPatch };

/**
 * A hold on a subject (by fingerprint): no erasure request of that subject passes its pivot for
 * the adapters it covers while it is active. No personal data: the reason is scrubbed text, the
 * reference an identifier such as a case number.
 */
export interface HoldRecord {
  readonly id: string;
  readonly fingerprint: string;
  readonly reason: string;
  readonly reference: string | null;
  /** The adapters it covers; `null` = all. */
  readonly adapters: readonly string[] | null;
  readonly createdAt: number;
  readonly releasedAt: number | null;
}

/** Query of {@link SagaStore.listHolds}. */
export interface HoldQuery {
  readonly fingerprint?: string;
  /** Only holds not released. */
  readonly active?: boolean;
}

/** Query of {@link SagaStore.list}. */
export interface ListQuery {
  readonly state?: RequestState;
  readonly kind?: RequestKind;
  /** Only requests of this subject (its fingerprint). */
  readonly fingerprint?: string;
  /** Only requests not completed/withdrawn whose `dueAt` is before this time. */
  readonly overdueAt?: number;
  readonly limit?: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
}

/** A page of requests. */
export interface ListPage {
  readonly items: readonly RequestRecord[];
  readonly nextCursor: string | null;
}

/** A new request with its branches, as `createRequest` takes it. */
export interface NewRequest {
  readonly request: Omit<
    RequestRecord,
    "leaseOwner" | "leaseUntil" | "fence" | "holdReason" | "withdrawRequested" | "retryRequested" | "legal"
  > & { readonly legal?: LegalDoc };
  readonly branches: readonly BranchRecord[];
  readonly audit: AuditInput;
}

/** Where gdpr-fanout keeps its durable state. */
export interface SagaStore {
  /** `memory`, `sqlite`, `postgres`, … */
  readonly kind: string;
  /**
   * Creates or upgrades the schema; safe to call repeatedly and concurrently. `auditKey` keys the
   * audit chain from then on (see `src/store/audit-chain.ts`).
   */
  migrate(options?: MigrateOptions): Promise<void>;
  /**
   * Inserts a request with its branches and first audit entry, atomically. When a request with the
   * same idempotency key exists, inserts nothing and returns that one with `created: false`.
   */
  createRequest(input: NewRequest): Promise<{ request: RequestRecord; created: boolean }>;
  getRequest(id: string): Promise<RequestRecord | undefined>;
  getBranches(requestId: string): Promise<BranchRecord[]>;
  /** Requests in creation order (newest first), streamed a page at a time. */
  list(query: ListQuery): Promise<ListPage>;
  /**
   * Claims up to `limit` requests whose `wakeAt <= now` and whose lease is free or expired: sets
   * owner, `leaseUntil = now + leaseMs` and increments `fence`. Each request goes to one claimer.
   * With `onlyId`, claims that request alone (if it is due and free).
   */
  claim(
    owner: string,
    now: number,
    leaseMs: number,
    limit: number,
    onlyId?: string,
  ): Promise<RequestRecord[]>;
  /** Extends a lease; `false` when it was lost (stale fence or expired). */
  renewLease(lease: Lease, now: number, leaseMs: number): Promise<boolean>;
  /** Gives a lease up (no error when already lost). */
  releaseLease(lease: Lease): Promise<void>;
  /** Applies a worker's change atomically; throws `LEASE_LOST` or `CONFLICT` (failed `expect`). */
  commit(lease: Lease, now: number, change: CommitChange): Promise<void>;
  /**
   * Applies a control-plane change with its preconditions: hold/withdraw are refused (`PAST_PIVOT`)
   * once the pivot is recorded; retry only for `needs_attention`; release only of a held request
   * that is not completed or withdrawn (`CONFLICT`). A refused change writes nothing, not even its
   * audit entry. Wakes the request. Returns the row.
   */
  control(requestId: string, now: number, change: ControlChange, audit: AuditInput): Promise<RequestRecord>;
  steps(requestId: string): Promise<StepLogEntry[]>;
  /** A request's audit entries in `seq` order. */
  audit(requestId: string): Promise<AuditEntry[]>;
  /** Up to `limit` entries of the whole store with `storeSeq > after`, in `storeSeq` order. */
  auditTrail(after: number, limit: number): Promise<AuditEntry[]>;
  /** The store's audit head (`null` before the first keyed entry). */
  auditHead(): Promise<AuditHead | null>;
  /** The earliest `wakeAt` of unleased work, for idle workers to sleep until. */
  nextWake(): Promise<number | null>;
  /**
   * Records a subject hold. In the same transaction (under a lock per fingerprint that a commit's
   * `expect.noSubjectHold` also takes) it appends `audit` to every open erasure request of the
   * fingerprint and wakes those not waiting for a person. Returns their ids.
   */
  createHold(hold: HoldRecord, audit: AuditInput): Promise<string[]>;
  /**
   * Releases a hold (idempotent: a released hold stays as it was), appending `audit` to every open
   * erasure request of its fingerprint and waking them. Throws `UNKNOWN_HOLD` for an unknown id.
   */
  releaseHold(id: string, now: number, audit: AuditInput): Promise<{ hold: HoldRecord; requests: string[] }>;
  getHold(id: string): Promise<HoldRecord | undefined>;
  /** Holds, oldest first. */
  listHolds(query: HoldQuery): Promise<HoldRecord[]>;
  close(): Promise<void>;
}
