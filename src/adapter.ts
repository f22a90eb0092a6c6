/**
 * The adapter contract: what every subprocessor adapter (Stripe, HubSpot, your own database…)
 * implements so the saga engine can find, export, restrict, erase and verify a subject's data there.
 *
 * Adapters are plain objects returned by a factory (`stripeAdapter(options)`). The engine calls them
 * with an {@link OperationContext}; it owns retries, timing and durability, so an adapter makes one
 * honest attempt per call and throws a {@link FanoutError} (see `toFanoutError`) when it fails.
 *
 * Rules every adapter follows (the conformance suite in `gdpr-fanout/testing` checks them):
 * - `locate` uses the provider's *consistent* lookup, trusts ids given in `subject.ids[adapter.id]`
 *   first, and returns an empty list (not an error) for an unknown subject.
 * - Nothing an adapter returns for the engine to store (`RecordRef`, `RestrictResult.undo`,
 *   `DeleteResult`, `StatusResult`) contains an email, a phone number, a name or exported data.
 * - `restrict` is idempotent per request: running it again for the same `ctx.requestId` (after a
 *   crash) must return an `undo` that still undoes everything the first run did.
 * - `unrestrict` undoes exactly what `restrict` did, is idempotent, and copes with `undo` being
 *   `undefined` (restrict may have crashed before its result was recorded).
 * - `delete` is idempotent: records already gone count as done.
 * - `ctx.rateLimit()` is awaited before every provider request.
 * - Records of the types in `ctx.retain` are kept (Art. 17(3)): `restrict` and `delete` leave them
 *   (and anything whose erasure would reach them) alone and `delete` reports them as
 *   `legal_retention` residuals with the rule's `basis` and `until`. An adapter declares the types
 *   it can keep in `capabilities.retainable`; `createFanout` refuses a retention rule for a type an
 *   adapter does not declare, so a rule can never be silently ignored. Types in
 *   `ctx.retentionEnded` were kept and must now go too.
 * - `check`, when present, only reads: it proves the adapter can work before a request relies on it.
 *
 * @see docs/writing-an-adapter.md
 */
import type { FanoutErrorJSON } from "./errors.js";
import type { Logger } from "./logger.js";
import type { AdapterPresentation } from "./presentation.js";
import type { Subject } from "./subject.js";

/** A JSON value: what adapters may hand the engine to keep durably. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A pointer to one provider record. Ids only; never personal data. */
export interface RecordRef {
  /** Record type in the provider's vocabulary: `customer`, `contact`, `call`, `message`, … */
  readonly type: string;
  /** The provider's id of the record. */
  readonly id: string;
  /** Where the record lives when ids are scoped (a Postmark server, a Pipedrive user, a Zoho module). */
  readonly scope?: string;
}

/** One exported record: the provider's data, as returned, for the access package. */
export interface ExportRecord {
  readonly type: string;
  readonly id: string;
  readonly data: JsonValue;
}

/** A downloaded file (attachment, recording, invoice PDF) for the access package. */
export interface ExportFile {
  /** File name inside the adapter's folder of the package; no path separators. */
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/** What `export` returns. Written to the access package only; never stored. */
export interface ExportResult {
  readonly records: readonly ExportRecord[];
  readonly files?: readonly ExportFile[];
}

/** A kind of identifier a subject can be looked up by (kinds, never values). */
export type IdentifierKind = "email" | "phone" | "id";

/**
 * What a `locate` actually looked at: the kinds of identifier it searched by (not the ones it
 * could have) and the record types it covers. The receipt states it, so "not found" is always
 * "not found by these identifiers among these types".
 */
export interface Coverage {
  /** Identifier kinds actually searched in this call (an empty list means nothing was searched). */
  readonly searchedBy: readonly IdentifierKind[];
  /** Record types the adapter looks for, in the provider's vocabulary (`customer`, `call`, …). */
  readonly types: readonly string[];
}

/** What `locate` returns. */
export interface LocateResult {
  readonly refs: readonly RecordRef[];
  /**
   * What was searched. Built-in adapters always fill it; an adapter that leaves it out gets a
   * receipt that says its coverage was not reported.
   */
  readonly coverage?: Coverage;
}

/**
 * Why data about the subject remains at the provider after an adapter did all it could:
 * - `provider_retains`: the provider keeps it by design (Chargebee's invoices, Postmark's bounce log).
 * - `restorable`: soft-deleted; someone can restore it until `until` (a trash, a recycle bin).
 * - `not_covered`: exists or may exist, and this adapter cannot reach it (users without a token,
 *   objects outside its scope).
 * - `legal_retention`: kept on a legal basis (Art. 17(3)); `basis` names it.
 */
export type ResidualReason = "provider_retains" | "restorable" | "not_covered" | "legal_retention";

/** Data that remains after a delete, and why. Counts and kinds only; never personal data. */
export interface Residual {
  /** Record type in the provider's vocabulary (`invoice`, `bounce`, `call`, …). */
  readonly type: string;
  /** How many records (a lower bound when the provider cannot say exactly). */
  readonly count: number;
  readonly reason: ResidualReason;
  /** A sentence for the receipt and the report, e.g. "Chargebee keeps invoices for accounting". */
  readonly detail: string;
  /** ISO 8601: when it stops being restorable, or when the retention ends. */
  readonly until?: string;
  /** For `legal_retention`: the legal basis (e.g. "NL AWR art. 52"). */
  readonly basis?: string;
}

/** What `restrict` returns: what it changed, so that `unrestrict` can undo exactly that. */
export interface RestrictResult {
  /** Durable record of what was changed (ids, previous values); no personal data. */
  readonly undo: JsonValue;
  /** How many provider records were restricted. */
  readonly restricted: number;
}

/**
 * The outcome of one branch (one adapter) of a request.
 * - `erased`: the data is gone and verified.
 * - `anonymized`: records kept with personal fields removed (e.g. statistics, cleared billing PII).
 * - `not_found`: nothing about the subject exists there.
 * - `scheduled`: the provider accepted an irreversible deletion and purges by `eta`.
 * - `retained`: kept on a legal basis (`detail` says which).
 * - `manual_required`: the API cannot do it; `detail` says what a person must do.
 * - `failed`: the branch gave up (see its error).
 */
export type BranchOutcome =
  | "erased"
  | "anonymized"
  | "not_found"
  | "scheduled"
  | "retained"
  | "manual_required"
  | "failed";

/** A provider-side asynchronous job (redaction job, data removal, long-running delete). */
export interface ProviderJob {
  readonly id: string;
  /** What the job does: `redaction_job`, `data_removal`, `party_delete`, … */
  readonly kind: string;
  readonly status?: string;
}

/** What `delete` returns. */
export interface DeleteResult {
  /** The outcome as far as the delete call can tell; `verify` may refine it. */
  readonly outcome: Exclude<BranchOutcome, "failed">;
  /** How many provider records the call removed or handed to the provider's purge. */
  readonly deleted: number;
  /** Jobs to poll in `status`. */
  readonly jobs?: readonly ProviderJob[];
  /** ISO 8601 time by which the provider purges (for `scheduled`). */
  readonly eta?: string;
  /** A human note without personal data, e.g. "PII remains on 3 charges: redaction not enabled". */
  readonly detail?: string;
  /** Anything else `status` needs to verify (ids, counts); no personal data. */
  readonly state?: JsonValue;
  /** What remains at the provider after this delete, and why (see {@link Residual}). */
  readonly residual?: readonly Residual[];
}

/** What `status` returns after a delete. */
export interface StatusResult {
  /**
   * - `done`: verified; nothing live remains.
   * - `pending`: a provider job is still running; ask again later.
   * - `scheduled`: nothing live remains but the provider purges later (soft delete, trash).
   * - `remaining`: live data still exists (`remaining` records).
   */
  readonly state: "done" | "pending" | "scheduled" | "remaining";
  /** Live records still found. */
  readonly remaining: number;
  readonly eta?: string;
  readonly jobs?: readonly ProviderJob[];
  readonly detail?: string;
  /**
   * What remains at the provider, and why. When given, it replaces the delete's residuals (the
   * verification knows better: a trash emptied, a restore window passed).
   */
  readonly residual?: readonly Residual[];
}

/** What `unrestrict` may return: what it could not undo (a subscription that ended meanwhile). */
export interface UnrestrictResult {
  /** Restrictions that could not be undone, as residuals (`reason` usually `not_covered`). */
  readonly notUndone?: readonly Residual[];
}

/** What an adapter can do. */
export interface AdapterCapabilities {
  /** It can export the subject's data (access, portability). */
  readonly export: boolean;
  /** It has a reversible first phase (`restrict`/`unrestrict`). */
  readonly restrict: boolean;
  /** Whether `restrict` can be undone automatically (HubSpot's unsubscribe cannot, lawfully). */
  readonly unrestrict: boolean;
  /** Deletion completes asynchronously (a job to poll). */
  readonly asyncDelete: boolean;
  /** Deletion is soft first (trash, recycle bin, scheduled purge). */
  readonly softDelete: boolean;
  /** Identifiers it can look a subject up by. */
  readonly lookup: readonly IdentifierKind[];
  /**
   * How long a restriction lasts before it destroys data by itself (Zoho's recycle bin is purged
   * after 60 days): a duration such as `"60d"`. The engine renews such a restriction before it
   * runs out (see docs/saga.md), so nothing the library did destroys data before the pivot.
   */
  readonly restrictionExpiresAfter?: string | number;
  /**
   * Record types (in the provider's vocabulary, as in `RecordRef.type` and `Residual.type`) that
   * `delete` can keep when the request retains them on a legal basis (`ctx.retain`): Stripe's
   * `invoice` and `charge`, Chargebee's `invoice`, `credit_note` and `transaction`. Refs of these
   * types are never passed to `delete` while retained (the engine withholds them); records nested
   * under other refs (a customer's invoices) are the adapter's to leave alone. See
   * docs/writing-an-adapter.md#retention.
   */
  readonly retainable?: readonly string[];
}

/**
 * Record types a request keeps on a legal basis (Art. 17(3)(b) and (e)): a tax law's retention of
 * invoices, for instance. The adapter keeps these records (and what an erasure would reach through
 * them) and reports them as `legal_retention` residuals with this `basis` and `until`.
 */
export interface RetainedTypes {
  /** Record types, as in `capabilities.retainable`. */
  readonly types: readonly string[];
  /** The legal basis, e.g. "NL AWR art. 52 (7 years)". */
  readonly basis: string;
  /** ISO 8601: when the retention ends; the engine erases the records then. */
  readonly until: string;
}

/** Everything an adapter operation gets from the engine. */
export interface OperationContext {
  /** Aborted when the worker stops or the request is withdrawn; pass it to every HTTP call. */
  readonly signal: AbortSignal;
  /** The request this operation belongs to. */
  readonly requestId: string;
  /** The subject, normalised. Available until the request completes. */
  readonly subject: Subject;
  /** The subject's keyed fingerprint: what to log instead of the subject. */
  readonly fingerprint: string;
  /** Attempt number of this step, starting at 1 and durable across crashes. */
  readonly attempt: number;
  /** A deterministic idempotency key for provider calls: same request + step + part => same key. */
  idempotencyKey(step: string, part?: string): string;
  /**
   * Await before every provider request: shared rate limiting under the adapter's `rateLimit`.
   * Endpoints with a budget of their own (Pipedrive's search: 10 per 2 s) name it in `bucket` and
   * are held to both.
   */
  rateLimit(bucket?: RateLimitBucket): Promise<void>;
  /** The engine's clock. */
  now(): Date;
  /** A PII-safe logger, already bound to request, adapter and step. */
  readonly logger: Logger;
  /**
   * Records to keep on a legal basis, for an erasure with a retention rule for this adapter (given
   * to every operation of the request, so `restrict` can plan around them too). Absent: keep nothing.
   */
  readonly retain?: readonly RetainedTypes[];
  /**
   * Record types whose legal retention has ended: the follow-up erasure of retained records sets
   * it. Erase them now, even where the adapter would otherwise leave them at the provider (Chargebee
   * deletes the customer instead of clearing it). Absent or empty: an ordinary erasure.
   */
  readonly retentionEnded?: readonly string[];
  /**
   * In `delete` only: the result of this branch's previous delete, when verification found data
   * left and the engine deletes again. Lets an adapter act on what it recorded then (ids left to a
   * provider's cascade, say) even when a fresh locate can no longer lead to them.
   */
  readonly previousDeletion?: DeleteResult;
}

/**
 * How one startup finding stands:
 * - `ok`: works.
 * - `warn`: works with a limit the outcome will state (no redaction jobs → `manual_required`), or
 *   could not be checked right now (the provider was unreachable: a passing condition).
 * - `fail`: requests will fail until someone fixes it (SDK not installed, credential refused,
 *   permission missing).
 * - `skipped`: not checked (an adapter without `check`, a client injected instead of the SDK).
 */
export type CheckStatus = "ok" | "warn" | "fail" | "skipped";

/** One finding of an adapter's `check`. No credential and no personal data in it. */
export interface CheckItem {
  /** What was checked: `sdk`, `credential`, `redaction-jobs`, `data-removals`, … */
  readonly name: string;
  readonly status: CheckStatus;
  /** A sentence for the operator ("Data Removals are not enabled: erasure ends manual_required"). */
  readonly detail: string;
  /** The error behind a `warn` or `fail`, sanitised. */
  readonly error?: FanoutErrorJSON;
}

/**
 * What `check` gets: no subject, no request — a check looks at the adapter's configuration and
 * the provider account, never at a person.
 */
export interface CheckContext {
  /** Aborted when the check takes too long; pass it to every HTTP call. */
  readonly signal: AbortSignal;
  /** Await before every provider request, as in operations. */
  rateLimit(bucket?: RateLimitBucket): Promise<void>;
  now(): Date;
  readonly logger: Logger;
}

/** Temporal-style retry policy (see `RetryPolicy` in the engine for defaults). */
export interface RetryPolicyInput {
  /** First backoff interval, e.g. `"1s"`. */
  initialInterval?: number | string;
  /** Multiplier per attempt. */
  backoffCoefficient?: number;
  /** Upper bound of one interval, e.g. `"1h"`. */
  maximumInterval?: number | string;
  /** Attempts before giving up (`0` = unlimited). */
  maximumAttempts?: number;
  /** Error codes never retried, in addition to non-retryable errors. */
  nonRetryableErrorCodes?: readonly string[];
}

/** An endpoint's own budget, on top of the adapter's (`ctx.rateLimit({ key: "search", … })`). */
export interface RateLimitBucket extends RateLimitSpec {
  /** Name of the budget within the adapter's credential, e.g. `"search"`. */
  readonly key: string;
}

/** A provider's published request budget, for the shared rate limiter. */
export interface RateLimitSpec {
  /** Requests allowed per `intervalMs`. */
  readonly requests: number;
  readonly intervalMs: number;
}

/** One subprocessor. Build one with a factory such as `stripeAdapter(options)` or `defineAdapter`. */
export interface SubprocessorAdapter {
  /** Unique id, lower-case (`stripe`, `my-db`); also the key in `subject.ids`. */
  readonly id: string;
  readonly capabilities: AdapterCapabilities;
  /** When true a failure of this adapter does not abort the saga; its branch ends `failed`. */
  readonly optional?: boolean;
  /** Retry policy of this adapter; overridden by `createFanout({ retry: { [id]: … } })`. */
  readonly retry?: RetryPolicyInput;
  /** The provider's published rate limit for one credential. */
  readonly rateLimit?: RateLimitSpec;
  /** A key identifying the credential, so adapters sharing one share a budget (no secret in it). */
  readonly rateLimitKey?: string;
  /**
   * How its records read in the access package's `index.html`: the service's name, a category and
   * a label per record type, the fields worth showing, and the provider's own retention. Optional;
   * without it the page turns record types and field names into words. Never used for erasure.
   * @see AdapterPresentation
   */
  readonly presentation?: AdapterPresentation;
  /** Finds the subject's records. Unknown subject: `{ refs: [] }`. */
  locate(subject: Subject, ctx: OperationContext): Promise<LocateResult>;
  /** Reads every record for the access package. */
  export(refs: readonly RecordRef[], ctx: OperationContext): Promise<ExportResult>;
  /** Stops processing without destroying anything; see the module comment for its rules. */
  restrict?(refs: readonly RecordRef[], ctx: OperationContext): Promise<RestrictResult>;
  /** Undoes `restrict`. `undo` is `undefined` when restrict's result was never recorded. */
  unrestrict?(
    refs: readonly RecordRef[],
    undo: JsonValue | undefined,
    ctx: OperationContext,
    // biome-ignore lint/suspicious/noConfusingVoidType: most unrestricts return nothing (`async () => {}`)
  ): Promise<void | UnrestrictResult>;
  /** Irreversibly erases. Idempotent. */
  delete(refs: readonly RecordRef[], ctx: OperationContext): Promise<DeleteResult>;
  /** Verifies a delete: polls jobs, re-checks that nothing live remains. */
  status(refs: readonly RecordRef[], deletion: DeleteResult, ctx: OperationContext): Promise<StatusResult>;
  /**
   * Optional startup check, run by `fanout.check()`, `gdpr-fanout doctor` and the worker before it
   * claims anything: is the SDK installed, is the credential accepted (read-only calls only), does
   * the account have the permissions and provider features the adapter relies on. Reports findings
   * instead of throwing; never changes anything at the provider and never looks up a real person.
   */
  check?(ctx: CheckContext): Promise<readonly CheckItem[]>;
}
