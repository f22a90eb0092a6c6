/**
 * Erasure and its verification. `delete`: a redaction job for the customers and their charges and
 * invoices (where the account has the preview), then `DELETE /v1/customers/{id}` with an
 * idempotency key per customer. `status`: re-checks that no customer is live (by id and by email),
 * runs the job once it is `ready` and reports it until `succeeded`.
 *
 * Without redaction jobs the outcome is `manual_required`: deleting a customer leaves the billing
 * details snapshotted on its charges and invoices, so calling the branch `erased` would put a false
 * statement into a signed receipt. The detail says how many documents keep personal data.
 */
import type {
  DeleteResult,
  JsonValue,
  OperationContext,
  ProviderJob,
  RecordRef,
  StatusResult,
} from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { isResourceMissing, type StripeApi } from "./api.js";
import { customerIds } from "./mapping.js";
import { billingDocuments } from "./read.js";
import { createRedactionJob, getRedactionJob, type RedactionJobView, runRedactionJob } from "./redaction.js";

/** What `delete` keeps for `status` (ids and counts only). */
interface EraseState {
  customers: string[];
  job: string | null;
  redaction: "job" | "unavailable" | "disabled";
  documents: number;
}

function manualDetail(documents: number, why: string): string {
  return (
    `Stripe customers deleted; personal data remains on ${documents} charge(s)/invoice(s): ${why}. ` +
    "Ask Stripe to redact them (Dashboard or support) or enable the redaction jobs preview."
  );
}

export async function erase(
  api: StripeApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
  redaction: boolean | "auto",
): Promise<DeleteResult> {
  const customers = customerIds(refs);
  if (customers.length === 0) return { outcome: "not_found", deleted: 0 };
  const objects = { customers, charges: [] as string[], invoices: [] as string[] };
  for (const customer of customers) {
    const docs = await billingDocuments(api, ctx, customer);
    objects.charges.push(...docs.charges);
    objects.invoices.push(...docs.invoices);
  }
  const documents = objects.charges.length + objects.invoices.length;
  let job: RedactionJobView | undefined;
  let mode: EraseState["redaction"] = "disabled";
  if (redaction !== false) {
    job = await createRedactionJob(api, ctx, objects);
    mode = job ? "job" : "unavailable";
    if (!job && redaction === true) {
      throw new FanoutError("UNSUPPORTED", "stripe redaction_jobs.create is not available on this account", {
        provider: "stripe",
        operation: "redaction_jobs.create",
        retryable: false,
      });
    }
  }
  let deleted = 0;
  for (const id of customers) {
    try {
      await api.call(ctx, "customers.del", (sdk) =>
        sdk.customers.del(id, {}, { idempotencyKey: ctx.idempotencyKey("delete", id) }),
      );
      deleted += 1;
    } catch (error) {
      // Already deleted (a re-run, or someone else): done.
      if (!isResourceMissing(error)) throw error;
    }
  }
  const state: EraseState = { customers, job: job?.id ?? null, redaction: mode, documents };
  const stateJson = state as unknown as JsonValue;
  if (job) {
    return {
      outcome: "erased",
      deleted,
      jobs: [{ id: job.id, kind: "redaction_job", status: job.status }],
      state: stateJson,
    };
  }
  if (documents === 0) return { outcome: "erased", deleted, state: stateJson };
  const why =
    mode === "disabled"
      ? "redaction is turned off in the adapter options"
      : "redaction jobs are not enabled on this account";
  return { outcome: "manual_required", deleted, detail: manualDetail(documents, why), state: stateJson };
}

function readState(deletion: DeleteResult, refs: readonly RecordRef[]): EraseState {
  const s = deletion.state as Partial<EraseState> | undefined;
  return {
    customers: Array.isArray(s?.customers)
      ? s.customers.filter((c) => typeof c === "string")
      : customerIds(refs),
    job:
      typeof s?.job === "string"
        ? s.job
        : (deletion.jobs?.find((j) => j.kind === "redaction_job")?.id ?? null),
    redaction: s?.redaction ?? "disabled",
    documents: typeof s?.documents === "number" ? s.documents : 0,
  };
}

export async function status(
  api: StripeApi,
  refs: readonly RecordRef[],
  deletion: DeleteResult,
  ctx: OperationContext,
): Promise<StatusResult> {
  const state = readState(deletion, refs);
  const live = new Set<string>();
  for (const id of state.customers) {
    try {
      const c = await api.call(ctx, "customers.retrieve", (sdk) => sdk.customers.retrieve(id));
      if (c.deleted !== true) live.add(c.id);
    } catch (error) {
      if (!isResourceMissing(error)) throw error;
    }
  }
  if (ctx.subject.email !== undefined) {
    const email = ctx.subject.email;
    const found = await api.listAll(ctx, "customers.list", (sdk, p) => sdk.customers.list(p), { email });
    for (const c of found) if (c.deleted !== true) live.add(c.id);
  }
  if (live.size > 0)
    return { state: "remaining", remaining: live.size, detail: `${live.size} live customer(s)` };
  if (state.job === null) {
    if (state.documents === 0) return { state: "done", remaining: 0 };
    return {
      state: "remaining",
      remaining: state.documents,
      detail: manualDetail(state.documents, "no redaction job was run"),
    };
  }
  let job = await getRedactionJob(api, ctx, state.job);
  if (job.status === "ready") job = await runRedactionJob(api, ctx, job.id);
  const jobs: ProviderJob[] = [{ id: job.id, kind: "redaction_job", status: job.status }];
  if (job.status === "succeeded") return { state: "done", remaining: 0, jobs };
  if (job.status === "failed" || job.status === "canceled" || job.status === "canceling") {
    return {
      state: "remaining",
      remaining: state.documents,
      jobs,
      detail: `redaction job ${job.status}: see its validation errors in the Stripe Dashboard`,
    };
  }
  return { state: "pending", remaining: 0, jobs };
}
