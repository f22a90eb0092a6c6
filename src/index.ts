/**
 * gdpr-fanout: durable GDPR erasure and access requests across your subprocessors.
 * @see README.md
 */
export type {
  AdapterCapabilities,
  BranchOutcome,
  DeleteResult,
  ExportFile,
  ExportRecord,
  ExportResult,
  JsonValue,
  LocateResult,
  OperationContext,
  ProviderJob,
  RateLimitSpec,
  RecordRef,
  RestrictResult,
  RetryPolicyInput,
  StatusResult,
  SubprocessorAdapter,
} from "./adapter.js";
export { type AdapterDefinition, assertAdapter, defineAdapter } from "./define-adapter.js";
export { type Duration, parseDuration } from "./duration.js";
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
export { REDACTED, scrubText } from "./redact.js";
export {
  ADAPTER_ID_PATTERN,
  type NormalizeSubjectOptions,
  normalizeSubject,
  type Subject,
  type SubjectInput,
  subjectIdentifiers,
} from "./subject.js";
