/**
 * Delete (cancel what remains now, then clear personal data or delete the customer) and status
 * (re-read the customers: PII blank, `scheduled_for_clear`, `deleted`, or 404 once purged).
 */
import type {
  DeleteResult,
  JsonValue,
  OperationContext,
  RecordRef,
  StatusResult,
} from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import type { CbResource, ChargebeeApi } from "./api.js";
import { customersByIds, listForCustomers } from "./by-customer.js";
import { customerComments, customerIds, customersBySubject } from "./read.js";
import { retainedAfterClear } from "./retained.js";
import { cancel, type EraseSettings, subscriptionsOfAll } from "./subscriptions.js";

/** The documented reasons Chargebee refuses to delete a customer. */
const DELETE_PRECONDITIONS =
  "not part of an account hierarchy, no gift subscriptions, no invoices paid by another customer, no credit notes allocated to another customer's invoice";

function preconditionError(operation: string, precondition: string, cause?: unknown): FanoutError {
  return new FanoutError("CONFLICT", `chargebee ${operation} refused: ${precondition}`, {
    provider: "chargebee",
    operation,
    retryable: false,
    details: { precondition },
    ...(cause instanceof FanoutError
      ? { cause, ...(cause.status === undefined ? {} : { status: cause.status }) }
      : {}),
    ...(cause instanceof FanoutError && cause.providerCode ? { providerCode: cause.providerCode } : {}),
  });
}

/** A refusal of Chargebee (400/409 with a state or request error) rather than a transient failure. */
function isRefusal(error: unknown): error is FanoutError {
  return error instanceof FanoutError && (error.code === "CONFLICT" || error.code === "VALIDATION");
}

/** The records a customer delete would take and `clear_personal_data` keeps (see retained.ts). */
const BILLING_RECORDS = new Set(["invoice", "credit_note", "transaction"]);

/**
 * The rule of retention: records kept on a legal basis (`ctx.retain`) survive only a clear, so the
 * customer is cleared whatever `deleteMode` says; once their retention ended (`ctx.retentionEnded`,
 * the follow-up erasure) only a delete removes them. Otherwise the configured mode.
 */
export function deleteModeFor(settings: EraseSettings, ctx: OperationContext): EraseSettings["deleteMode"] {
  if ((ctx.retain ?? []).some((r) => r.types.some((t) => BILLING_RECORDS.has(t))))
    return "clear_personal_data";
  if ((ctx.retentionEnded ?? []).some((t) => BILLING_RECORDS.has(t))) return "delete";
  return settings.deleteMode;
}

export async function erase(
  api: ChargebeeApi,
  ctx: OperationContext,
  configured: EraseSettings,
  refs: readonly RecordRef[],
): Promise<DeleteResult> {
  const settings: EraseSettings = { ...configured, deleteMode: deleteModeFor(configured, ctx) };
  const ids = customerIds(refs);
  let handled = 0;
  let scheduled = false;
  /** Customers still there (cleared or not): what Chargebee keeps of them is counted below. */
  const present: string[] = [];
  /** Customers to act on: read first, so their subscriptions and payment sources are one list each. */
  const work: { id: string; customer: CbResource }[] = [];
  const current = ids.length === 0 ? new Map<string, CbResource>() : await customersByIds(api, ids);
  for (const id of ids) {
    const customer = current.get(id);
    if (!customer || customer.deleted === true) continue; // already gone or being purged
    present.push(id);
    if (settings.deleteMode === "clear_personal_data" && customer.pii_cleared === "cleared") continue;
    if (settings.deleteMode === "clear_personal_data" && customer.pii_cleared === "scheduled_for_clear") {
      scheduled = true;
      continue;
    }
    work.push({ id, customer });
  }
  const workIds = work.map((w) => w.id);
  const subscriptionsBy = workIds.length === 0 ? new Map() : await subscriptionsOfAll(api, workIds);
  const sourcesBy =
    workIds.length === 0 || settings.deleteMode === "delete"
      ? new Map<string, CbResource[]>()
      : await listForCustomers(
          api,
          "payment_sources.list",
          "payment_source",
          (c, p) => c.paymentSource.list(p, api.headers()),
          workIds,
        );
  for (const { id, customer } of work) {
    const subscriptions: CbResource[] = subscriptionsBy.get(id) ?? [];
    if (settings.deleteMode === "delete") {
      if (customer.relationship !== undefined && customer.relationship !== null) {
        throw preconditionError("customers.delete", "the customer is part of an account hierarchy");
      }
      if (subscriptions.some((s) => s.gift_id !== undefined)) {
        throw preconditionError("customers.delete", "the customer has gift subscriptions");
      }
    }
    for (const sub of subscriptions) {
      if (sub.status === "cancelled" || sub.status === "transferred") continue;
      await cancel(api, settings, sub.id, false, ctx.idempotencyKey("delete-cancel", sub.id));
    }
    if (settings.deleteMode === "delete") {
      try {
        await api.call("customers.delete", (c) =>
          c.customer.delete(
            id,
            { delete_payment_method: true },
            api.headers(ctx.idempotencyKey("delete", id)),
          ),
        );
      } catch (error) {
        if (isRefusal(error)) {
          throw preconditionError(
            "customers.delete",
            `a documented precondition failed (${DELETE_PRECONDITIONS})`,
            error,
          );
        }
        throw error;
      }
    } else {
      // Staff comments are free text that may name the person; payment sources hold card-holder
      // details. Neither is one of the fields clear_personal_data is documented to blank.
      for (const comment of await customerComments(api, id)) {
        await api.optional("comments.delete", (c) =>
          c.comment.delete(
            comment.id,
            undefined,
            api.headers(ctx.idempotencyKey("delete-comment", comment.id)),
          ),
        );
      }
      for (const source of sourcesBy.get(id) ?? []) {
        await api.optional("payment_sources.delete", (c) =>
          c.paymentSource.delete(
            source.id,
            undefined,
            api.headers(ctx.idempotencyKey("delete-payment-source", source.id)),
          ),
        );
      }
      let cleared: CbResource;
      try {
        cleared = (
          await api.call("customers.clear_personal_data", (c) =>
            c.customer.clearPersonalData(id, undefined, api.headers(ctx.idempotencyKey("delete", id))),
          )
        ).customer;
      } catch (error) {
        if (isRefusal(error)) {
          throw preconditionError(
            "customers.clear_personal_data",
            "personal data can be cleared only when every subscription is cancelled (or the site clears automatically)",
            error,
          );
        }
        throw error;
      }
      if (cleared.pii_cleared === "scheduled_for_clear") scheduled = true;
    }
    handled += 1;
  }
  const state: JsonValue = { mode: settings.deleteMode, customers: ids };
  if (ids.length === 0) return { outcome: "not_found", deleted: 0, state };
  if (settings.deleteMode === "delete") {
    return {
      outcome: "erased",
      deleted: handled,
      state,
      detail:
        "Customers deleted with their subscriptions, invoices, credit notes and payment sources; Chargebee purges them within minutes",
    };
  }
  const kept = "invoices, credit notes and transactions are kept by Chargebee for legal and audit purposes";
  const retained = await retainedAfterClear(api, present, ctx.retain ?? []);
  const residual = retained.length > 0 ? { residual: retained } : {};
  if (scheduled) {
    return {
      outcome: "scheduled",
      deleted: handled,
      state,
      ...residual,
      ...(settings.retentionMs === undefined
        ? {}
        : { eta: new Date(ctx.now().getTime() + settings.retentionMs).toISOString() }),
      detail: `Personal data clearing accepted; the site's retention setting defers it${settings.retentionMs === undefined ? " (set personalDataRetention for an ETA)" : ""}; ${kept}`,
    };
  }
  return {
    outcome: "anonymized",
    deleted: handled,
    state,
    detail: `Personal data cleared; ${kept}`,
    ...residual,
  };
}

const PII_FIELDS = ["first_name", "last_name", "email", "phone", "company"] as const;

export async function status(
  api: ChargebeeApi,
  ctx: OperationContext,
  refs: readonly RecordRef[],
  deletion: DeleteResult,
): Promise<StatusResult> {
  let remaining = 0;
  let pending = 0;
  let scheduled = 0;
  const ids = new Set(customerIds(refs));
  const current = ids.size === 0 ? new Map<string, CbResource>() : await customersByIds(api, [...ids]);
  for (const id of ids) {
    const customer = current.get(id);
    if (!customer) continue; // 404 resource_not_found (or absent from the list): gone
    if (customer.deleted === true) pending += 1;
    else if (customer.pii_cleared === "scheduled_for_clear") scheduled += 1;
    else if (customer.pii_cleared === "cleared" && PII_FIELDS.every((f) => !customer[f])) continue;
    else remaining += 1;
  }
  // Any other live customer with the subject's email or phone counts as remaining.
  const live = await customersBySubject(api, ctx.subject);
  remaining += live.filter(
    (c) => !ids.has(c.id) && c.deleted !== true && c.pii_cleared !== "scheduled_for_clear",
  ).length;
  // What Chargebee keeps by design does not change with the wait: the delete's residuals stand.
  const residual = deletion.residual === undefined ? {} : { residual: deletion.residual };
  if (remaining > 0) return { state: "remaining", remaining, ...residual };
  if (pending > 0)
    return {
      state: "pending",
      remaining: 0,
      detail: "Deleted customers are awaiting Chargebee's purge (minutes)",
      ...residual,
    };
  if (scheduled > 0) {
    return {
      state: "scheduled",
      remaining: 0,
      ...(deletion.eta === undefined ? {} : { eta: deletion.eta }),
      detail: "Personal data clearing is deferred by the site's retention setting",
      ...residual,
    };
  }
  return { state: "done", remaining: 0, ...residual };
}
