/**
 * Building blocks of an adapter's `check`: is the SDK installed, is the credential accepted (the
 * adapter's own read-only lookup of a probe subject that cannot exist), and how a failure reads.
 * Used by the built-in adapters' `check.ts`; available to custom adapters too.
 */
import { createHash, randomBytes } from "node:crypto";
import type { CheckContext, CheckItem, OperationContext } from "./adapter.js";
import { docsUrl } from "./docs-url.js";
import { type FanoutError, isFanoutError } from "./errors.js";
import { toFanoutError } from "./http/classify.js";
import { missingPackage, missingPackageError } from "./missing-package.js";
import { normalizeSubject } from "./subject.js";

/**
 * The address a check looks up: in the `.invalid` domain (RFC 2606), so it belongs to nobody and
 * is found nowhere. A lookup of it proves the credential and the read permissions, reading no one.
 */
export const PROBE_EMAIL = "gdpr-fanout-check@example.invalid";

/** An operation context for the probe subject, from a check's context. */
export function probeContext(ctx: CheckContext): OperationContext {
  const requestId = `check_${randomBytes(6).toString("hex")}`;
  const subject = normalizeSubject({ email: PROBE_EMAIL });
  return {
    signal: ctx.signal,
    requestId,
    subject,
    fingerprint: "sub_check",
    attempt: 1,
    idempotencyKey: (step, part) =>
      `gf-check-${createHash("sha256")
        .update(`${requestId}\u0000${step}\u0000${part ?? ""}`)
        .digest("hex")
        .slice(0, 32)}`,
    rateLimit: (bucket) => ctx.rateLimit(bucket),
    now: () => ctx.now(),
    logger: ctx.logger,
  };
}

/** Whether the provider SDK loads (`skipped` when a client was injected instead). */
export async function sdkItem(
  pkg: string,
  load: () => Promise<unknown>,
  injected = false,
): Promise<CheckItem> {
  if (injected)
    return {
      name: "sdk",
      status: "skipped",
      detail: `a client was injected; the ${pkg} package is not used`,
    };
  try {
    await load();
    return { name: "sdk", status: "ok", detail: `the ${pkg} package is installed` };
  } catch (error) {
    const failure = missingPackage(error)
      ? missingPackageError(pkg, {}, error)
      : toFanoutError(error, { provider: pkg, operation: "load" });
    return { name: "sdk", status: "fail", detail: failure.message, error: failure.toJSON() };
  }
}

/** A finding from a failure: passing conditions warn, everything else fails. */
export function itemFromError(name: string, error: FanoutError, provider: string): CheckItem {
  const json = error.toJSON();
  if (error.code === "AUTHENTICATION")
    return {
      name,
      status: "fail",
      detail: `${provider} refused the credential (${statusText(error)})`,
      error: json,
    };
  if (error.code === "PERMISSION_DENIED")
    return {
      name,
      status: "fail",
      detail: `the credential lacks a permission (${statusText(error)}); the ones it needs: ${docsUrl(`adapters/${provider}.md`)}`,
      error: json,
    };
  if (error.retryable)
    return {
      name,
      status: "warn",
      detail: `${provider} could not be reached now (${error.code}); requests retry such failures`,
      error: json,
    };
  return { name, status: "fail", detail: error.message, error: json };
}

function statusText(error: FanoutError): string {
  return error.status === undefined ? error.code : `HTTP ${error.status}`;
}

/**
 * Runs the adapter's own read-only `locate` for the probe subject: the SDK, the credential and the
 * read permissions every erasure needs, exactly as a request will use them.
 */
export async function credentialItem(
  provider: string,
  locate: (ctx: OperationContext) => Promise<unknown>,
  ctx: CheckContext,
): Promise<CheckItem> {
  const operation = probeContext(ctx);
  try {
    await locate(operation);
    return {
      name: "credential",
      status: "ok",
      detail: "accepted: a read-only lookup (of an address that cannot exist) succeeded",
    };
  } catch (error) {
    const failure = isFanoutError(error) ? error : toFanoutError(error, { provider, operation: "check" });
    return itemFromError("credential", failure, provider);
  }
}
