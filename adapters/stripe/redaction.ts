/**
 * Redaction jobs (Stripe public preview, not in the GA SDK): created, validated and run through raw
 * requests with a preview `Stripe-Version`.
 *
 * @see https://docs.stripe.com/privacy/redaction
 * @see https://docs.stripe.com/api/privacy/redaction-job
 */
import { createHash } from "node:crypto";
import type { OperationContext } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import type { StripeApi } from "./api.js";

/** The job as the adapter reads it. */
export interface RedactionJobView {
  readonly id: string;
  readonly status: string;
}

/** The objects a job redacts. */
export interface RedactionObjects {
  readonly customers: readonly string[];
  readonly charges: readonly string[];
  readonly invoices: readonly string[];
}

function form(objects: RedactionObjects): Record<string, string> {
  const out: Record<string, string> = { validation_behavior: "error" };
  for (const [kind, ids] of Object.entries(objects) as [string, readonly string[]][]) {
    [...ids].sort().forEach((id, i) => {
      out[`objects[${kind}][${i}]`] = id;
    });
  }
  return out;
}

/** A stable digest of the objects: part of the idempotency key, so new objects get a new job. */
export function objectsDigest(objects: RedactionObjects): string {
  const text = (["customers", "charges", "invoices"] as const)
    .map((k) => [...objects[k]].sort().join(","))
    .join("|");
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

async function send(
  api: StripeApi,
  ctx: OperationContext,
  operation: string,
  request: { method: "GET" | "POST"; path: string; form?: Record<string, string>; idempotencyKey?: string },
): Promise<RedactionJobView> {
  if (ctx.signal.aborted) {
    throw new FanoutError("ABORTED", `stripe ${operation} was aborted`, {
      provider: "stripe",
      operation,
      retryable: false,
    });
  }
  await ctx.rateLimit();
  const response = await api.rawClient().request<{ id?: unknown; status?: unknown }>({
    method: request.method,
    path: request.path,
    ...(request.form ? { form: request.form } : {}),
    ...(request.idempotencyKey ? { headers: { "idempotency-key": request.idempotencyKey } } : {}),
    operation,
    signal: ctx.signal,
    redact: api.redactions(ctx),
  });
  const { id, status } = response.data ?? {};
  if (typeof id !== "string" || typeof status !== "string") {
    throw new FanoutError("PROVIDER_RESPONSE", `stripe ${operation} returned an unexpected body`, {
      provider: "stripe",
      operation,
    });
  }
  return { id, status };
}

/**
 * Creates a job (validation starts by itself). Returns `undefined` when the account does not have
 * the preview: Stripe answers an unknown route with 404 and no error code.
 */
export async function createRedactionJob(
  api: StripeApi,
  ctx: OperationContext,
  objects: RedactionObjects,
): Promise<RedactionJobView | undefined> {
  try {
    return await send(api, ctx, "redaction_jobs.create", {
      method: "POST",
      path: "/v1/privacy/redaction_jobs",
      form: form(objects),
      idempotencyKey: ctx.idempotencyKey("delete", `redaction:${objectsDigest(objects)}`),
    });
  } catch (error) {
    // ASSUMPTION [U]: an account without the preview gets Stripe's "Unrecognized request URL" 404.
    if (error instanceof FanoutError && error.status === 404 && error.providerCode === undefined)
      return undefined;
    if (
      error instanceof FanoutError &&
      error.status === 404 &&
      error.providerCode === "invalid_request_error"
    ) {
      return undefined;
    }
    throw error;
  }
}

export function getRedactionJob(
  api: StripeApi,
  ctx: OperationContext,
  id: string,
): Promise<RedactionJobView> {
  return send(api, ctx, "redaction_jobs.retrieve", {
    method: "GET",
    path: `/v1/privacy/redaction_jobs/${encodeURIComponent(id)}`,
  });
}

/** Runs a `ready` job (irreversible); the key makes a repeated run a replay. */
export function runRedactionJob(
  api: StripeApi,
  ctx: OperationContext,
  id: string,
): Promise<RedactionJobView> {
  return send(api, ctx, "redaction_jobs.run", {
    method: "POST",
    path: `/v1/privacy/redaction_jobs/${encodeURIComponent(id)}/run`,
    idempotencyKey: ctx.idempotencyKey("verify", `run:${id}`),
  });
}
