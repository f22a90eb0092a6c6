/**
 * gdpr-fanout: durable GDPR erasure and access requests across your subprocessors.
 * @see README.md
 */
export type {
  AdapterCapabilities,
  BranchOutcome,
  CheckContext,
  CheckItem,
  CheckStatus,
  Coverage,
  DeleteResult,
  ExportFile,
  ExportRecord,
  ExportResult,
  IdentifierKind,
  JsonValue,
  LocateResult,
  OperationContext,
  ProviderJob,
  RateLimitBucket,
  RateLimitSpec,
  RecordRef,
  Residual,
  ResidualReason,
  RestrictResult,
  RetainedTypes,
  RetryPolicyInput,
  StatusResult,
  SubprocessorAdapter,
  UnrestrictResult,
} from "./adapter.js";
export { credentialItem, itemFromError, PROBE_EMAIL, probeContext, sdkItem } from "./adapter-check.js";
export { type ConfigEventHandler, defineConfig, type FanoutConfig } from "./config.js";
export { type AdapterDefinition, assertAdapter, defineAdapter } from "./define-adapter.js";
export { type Duration, parseDuration } from "./duration.js";
export {
  type AuditTrailCheck,
  type AuditTrailProblem,
  CLOSING_ENTRY,
  type RequestAuditCheck,
  requestAuditHead,
} from "./engine/audit-trail.js";
export type { AdapterCheckReport, CheckOptions, CheckReport } from "./engine/check.js";
export { createFanout, type Fanout } from "./engine/create-fanout.js";
export { DEFAULT_DEADLINE, type DeadlineBasis } from "./engine/deadlines.js";
export type {
  AnyFanoutEvent,
  FanoutEventHandler,
  FanoutEventHandlers,
  FanoutEventName,
  FanoutEvents,
  FanoutListener,
} from "./engine/events.js";
export type { LegalMethods } from "./engine/legal-api.js";
export type {
  DeadlineView,
  HoldFacts,
  RestrictionRequestView,
  RetentionView,
} from "./engine/legal-view.js";
export { addPeriod, formatPeriod, type Period, parsePeriod, periodEnd } from "./engine/periods.js";
export { type LocalRateLimiterOptions, localRateLimiter, type RateLimiter } from "./engine/rate-limiter.js";
export {
  type Receipt,
  type ReceiptBranch,
  type ReceiptVerification,
  verifyReceipt,
} from "./engine/receipt.js";
export type { RetentionRule } from "./engine/retention.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./engine/retry-policy.js";
export type { SettleOptions } from "./engine/settle.js";
export type { SubjectHoldOptions, SubjectHoldResult, SubjectHoldView } from "./engine/subject-holds.js";
export type {
  AccessManifest,
  BranchStatus,
  ControllerInfo,
  DateInput,
  EraseOptions,
  ExpediteOptions,
  ExportHandle,
  ExportOptions,
  ExtendOptions,
  FanoutOptions,
  InspectResult,
  LiftOptions,
  ListOptions,
  RecipientInfo,
  RequestHandle,
  RequestStatus,
  RequestSummary,
  RestrictOptions,
  RetryOptions,
  RunOptions,
  TracerLike,
} from "./engine/types.js";
export {
  ConfigurationError,
  type ErrorCode,
  FanoutError,
  type FanoutErrorJSON,
  type FanoutErrorOptions,
  InvalidArgumentError,
  InvalidSubjectError,
  isFanoutError,
  RateLimitedError,
  RETRYABLE_BY_DEFAULT,
  type SanitisedCause,
  type SubjectIssue,
} from "./errors.js";
export { fingerprintSubject, fingerprintValue } from "./fingerprint.js";
export { type ClassifyContext, codeForStatus, isAbortError, toFanoutError } from "./http/classify.js";
export {
  createHttpClient,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequest,
  type HttpResponse,
  type ProviderErrorInfo,
  type QueryValue,
} from "./http/client.js";
export { parseRateLimitReset, parseRetryAfter } from "./http/retry-after.js";
export { childLogger, type Logger, silentLogger } from "./logger.js";
export { phoneFormats, samePhone } from "./phone.js";
export {
  ACCESS_LANGUAGES,
  type AccessLanguage,
  type AdapterPresentation,
  DATA_CATEGORIES,
  type DataCategory,
  FIELD,
  type FieldFormat,
  type FieldPresentation,
  type LocalizedText,
  type RecordTypePresentation,
} from "./presentation.js";
export { REDACTED, scrubText } from "./redact.js";
export {
  type AuditChainCheck,
  auditKey,
  verifyAuditChain,
  verifyAuditChainWithKey,
} from "./store/audit-chain.js";
export { memoryStore } from "./store/memory-store.js";
export type * from "./store/types.js";
export {
  ADAPTER_ID_PATTERN,
  type NormalizeSubjectOptions,
  normalizeSubject,
  type Subject,
  type SubjectInput,
  subjectIdentifiers,
} from "./subject.js";
