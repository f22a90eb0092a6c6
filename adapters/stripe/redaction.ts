/**
 * Redaction jobs (Stripe public preview, not in the GA SDK): created, read, validated, run and
 * cancelled through raw requests with a preview `Stripe-Version`.
 *
 * @see https://docs.stripe.com/privacy/redaction
 * @see https://docs.stripe.com/api/privacy/redaction-job
 */
import { createHash } from "node:crypto";
import type { OperationContext } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import type { StripeApi } from "./api.js";

/** The kinds of `objects[…]` this adapter puts in a job. */
export const JOB_KINDS = [
  "customers",
  "charges",
  "invoices",
  "payment_intents",
  "checkout_sessions",
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** The objects a job redacts (ids per kind). */
export type RedactionObjects = Readonly<Record<JobKind, readonly string[]>>;

/** The job as the adapter reads it. `objects` only when asked for (it is expandable). */
export interface RedactionJobView {
  readonly id: string;
  readonly status: string;
  readonly objects?: RedactionObjects;
}

/** A validation error without the object's id (never stored: counts and codes only). */
export interface ValidationProblem {
  readonly code: string;
  readonly objectType: string | null;
}

export function emptyObjects(): Record<JobKind, string[]> {
  return { customers: [], charges: [], invoices: [], payment_intents: [], checkout_sessions: [] };
}

export function objectCount(objects: RedactionObjects): number {
  return JOB_KINDS.reduce((n, kind) => n + objects[kind].length, 0);
}

function form(objects: RedactionObjects): Record<string, string> {
  const out: Record<string, string> = { validation_behavior: "error" };
  for (const kind of JOB_KINDS) {
    [...objects[kind]].sort().forEach((id, i) => {
      out[`objects[${kind}][${i}]`] = id;
    });
  }
  return out;
}

/** A stable digest of the objects: part of the idempotency key, so other objects get another job. */
export function objectsDigest(objects: RedactionObjects): string {
  const text = JOB_KINDS.map((k) => [...objects[k]].sort().join(",")).join("|");
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

function readObjects(value: unknown): RedactionObjects | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const out = emptyObjects();
  for (const kind of JOB_KINDS) {
    const ids = (value as Record<string, unknown>)[kind];
    if (Array.isArray(ids)) out[kind] = ids.filter((id): id is string => typeof id === "string");
  }
  return out;
}

async function send<T>(
  api: StripeApi,
  ctx: OperationContext,
  operation: string,
  request: {
    method: "GET" | "POST";
    path: string;
    form?: Record<string, string>;
    query?: Record<string, string[]>;
    idempotencyKey?: string;
  },
): Promise<T> {
  if (ctx.signal.aborted) {
    throw new FanoutError("ABORTED", `stripe ${operation} was aborted`, {
      provider: "stripe",
      operation,
      retryable: false,
    });
  }
  await ctx.rateLimit();
  const response = await api.rawClient().request<T>({
    method: request.method,
    path: request.path,
    ...(request.form ? { form: request.form } : {}),
    ...(request.query ? { query: request.query } : {}),
    ...(request.idempotencyKey ? { headers: { "idempotency-key": request.idempotencyKey } } : {}),
    operation,
    signal: ctx.signal,
    redact: api.redactions(ctx),
  });
  return response.data;
}

async function sendJob(
  api: StripeApi,
  ctx: OperationContext,
  operation: string,
  request: Parameters<typeof send>[3],
): Promise<RedactionJobView> {
  const body = await send<{ id?: unknown; status?: unknown; objects?: unknown } | undefined>(
    api,
    ctx,
    operation,
    request,
  );
  const { id, status } = body ?? {};
  if (typeof id !== "string" || typeof status !== "string") {
    throw new FanoutError("PROVIDER_RESPONSE", `stripe ${operation} returned an unexpected body`, {
      provider: "stripe",
      operation,
    });
  }
  const objects = readObjects(body?.objects);
  return objects ? { id, status, objects } : { id, status };
}

const path = (id: string, action?: string) =>
  `/v1/privacy/redaction_jobs/${encodeURIComponent(id)}${action ? `/${action}` : ""}`;

/**
 * Creates a job (validation starts by itself). `key` makes a repeated creation a replay (Stripe
 * keeps idempotency keys at least 24 hours). Returns `undefined` when the account does not have the
 * preview: Stripe answers an unknown route with 404 and no error code.
 */
export async function createRedactionJob(
  api: StripeApi,
  ctx: OperationContext,
  objects: RedactionObjects,
  key: string,
): Promise<RedactionJobView | undefined> {
  try {
    return await sendJob(api, ctx, "redaction_jobs.create", {
      method: "POST",
      path: "/v1/privacy/redaction_jobs",
      form: form(objects),
      idempotencyKey: key,
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

/** Reads a job, with the objects it was given (`expand[]=objects`). */
export function getRedactionJob(
  api: StripeApi,
  ctx: OperationContext,
  id: string,
): Promise<RedactionJobView> {
  return sendJob(api, ctx, "redaction_jobs.retrieve", {
    method: "GET",
    path: path(id),
    query: { "expand[]": ["objects"] },
  });
}

/** Runs a `ready` job (irreversible); the key makes a repeated run a replay. */
export function runRedactionJob(
  api: StripeApi,
  ctx: OperationContext,
  id: string,
): Promise<RedactionJobView> {
  return sendJob(api, ctx, "redaction_jobs.run", {
    method: "POST",
    path: path(id, "run"),
    idempotencyKey: ctx.idempotencyKey("verify", `run:${id}`),
  });
}

/** Cancels a `ready` or `failed` job: nothing of it is redacted. */
export function cancelRedactionJob(
  api: StripeApi,
  ctx: OperationContext,
  id: string,
): Promise<RedactionJobView> {
  return sendJob(api, ctx, "redaction_jobs.cancel", { method: "POST", path: path(id, "cancel") });
}

/** Validates a `ready` or `failed` job again (against the objects' state now). */
export function validateRedactionJob(
  api: StripeApi,
  ctx: OperationContext,
  id: string,
): Promise<RedactionJobView> {
  return sendJob(api, ctx, "redaction_jobs.validate", { method: "POST", path: path(id, "validate") });
}

/** The codes of a job's validation errors (first page: enough to say why). */
export async function validationProblems(
  api: StripeApi,
  ctx: OperationContext,
  id: string,
): Promise<ValidationProblem[]> {
  const body = await send<{ data?: unknown } | undefined>(api, ctx, "redaction_jobs.validation_errors", {
    method: "GET",
    path: path(id, "validation_errors"),
    query: { limit: ["100"] },
  });
  const data = Array.isArray(body?.data) ? body.data : [];
  return data.map((e) => {
    const error = e as { code?: unknown; erroring_object?: { object_type?: unknown } | null };
    return {
      code: typeof error.code === "string" ? error.code : "unknown",
      objectType:
        typeof error.erroring_object?.object_type === "string" ? error.erroring_object.object_type : null,
    };
  });
}
