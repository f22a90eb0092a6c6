/**
 * What a redaction job touches and what stops it, as Stripe documents them:
 * - "Redacting an object also redacts all of its related objects. For example if you redact using
 *   a Customer object, that customer's related data is also redacted"; for a customer "the
 *   redaction job identifies all related objects to that customer, including PaymentIntents,
 *   Charges, Subscriptions, Invoices, PaymentMethods, notifications, and so on"
 *   (https://docs.stripe.com/privacy/redaction, https://docs.stripe.com/privacy/redaction/example).
 *   Modelled: a customer reaches every record seeded for it; a payment intent its charges; a charge
 *   its disputes; a dispute its evidence files. [U] Exactly which relations Stripe follows.
 * - "We have a limit of 10 object identifiers to redact in each new job" (the example page):
 *   more is a `too_many_objects` validation error (code from the validation error object).
 *   [U] Whether Stripe refuses it at creation instead.
 * - "Transactions don't support deletion and can only be redacted after 90 days"
 *   (https://docs.stripe.com/privacy/deletion-requests): a charge or payment intent created less
 *   than 90 days before the simulator's clock is an `invalid_state` error. [U] The code and message
 *   Stripe gives for it, and whether it is reported on the transaction or on the root.
 * - Unfinished lifecycles (open payment or setup intents, draft or open invoices, open disputes,
 *   open Checkout Sessions) must be finished first (deletion-requests page): `invalid_state`, as
 *   the documented example error ("PaymentIntent is not finalized. Confirm or cancel the payment
 *   intent."). With `validation_behavior: "fix"` those are fixed at run time; age is not fixable.
 * - An object in scope of another job still in progress is `locked_by_other_job` (documented code:
 *   "The object is currently used in another redaction job").
 */
import type { JobObjectKind, JobObjects, StripeObject } from "./objects.js";
import type { StripeState } from "./state.js";

/** At most this many object ids per job (the example page). */
export const MAX_JOB_OBJECTS = 10;
/** Transactions are redactable this long after their creation (deletion-requests page). */
export const TRANSACTION_HOLD_SECONDS = 90 * 86_400;

/** One validation error, before it is shown as a `privacy.redaction_job_validation_error`. */
export interface ScopeError {
  readonly code: "invalid_state" | "too_many_objects" | "locked_by_other_job";
  readonly id: string | null;
  readonly objectType: string | null;
  readonly message: string;
  /** Whether `validation_behavior: "fix"` resolves it at run time. */
  readonly fixable: boolean;
}

const KIND_OF: Record<JobObjectKind, string> = {
  customers: "customer",
  charges: "charge",
  invoices: "invoice",
  payment_intents: "payment_intent",
  setup_intents: "setup_intent",
  checkout_sessions: "checkout.session",
};

const OPEN: Record<string, ReadonlySet<string>> = {
  payment_intent: new Set([
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "processing",
    "requires_capture",
  ]),
  setup_intent: new Set([
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "processing",
  ]),
  invoice: new Set(["draft", "open"]),
  dispute: new Set(["warning_needs_response", "warning_under_review", "needs_response", "under_review"]),
  "checkout.session": new Set(["open"]),
};

function find(state: StripeState, kind: JobObjectKind, id: string): StripeObject | undefined {
  const o = kind === "customers" ? state.customers.get(id) : state.children.get(id);
  return o?.object === KIND_OF[kind] ? o : undefined;
}

/** Every object the job's roots reach (roots included), by id. */
export function jobScope(state: StripeState, objects: JobObjects): Map<string, StripeObject> {
  const out = new Map<string, StripeObject>();
  const visit = (o: StripeObject) => {
    if (out.has(o.id)) return;
    out.set(o.id, o);
    if (o.object === "customer") {
      for (const [childId, owner] of state.owner) {
        const child = state.children.get(childId);
        if (owner === o.id && child) visit(child);
      }
    } else if (o.object === "payment_intent") {
      for (const c of state.childrenWhere((x) => x.object === "charge" && x.payment_intent === o.id))
        visit(c);
    } else if (o.object === "charge") {
      for (const d of state.childrenWhere((x) => x.object === "dispute" && x.charge === o.id)) visit(d);
    } else if (o.object === "dispute") {
      const file = (o.evidence as { receipt?: unknown } | undefined)?.receipt;
      const f = typeof file === "string" ? state.children.get(file) : undefined;
      if (f) visit(f);
    }
  };
  for (const kind of Object.keys(KIND_OF) as JobObjectKind[]) {
    for (const id of objects[kind]) {
      const o = find(state, kind, id);
      if (o) visit(o);
    }
  }
  return out;
}

/**
 * The validation errors of a job at `nowSeconds`. `lockedIds`: objects in scope of earlier jobs
 * still in progress.
 */
export function validateScope(
  state: StripeState,
  objects: JobObjects,
  nowSeconds: number,
  lockedIds: ReadonlySet<string>,
): ScopeError[] {
  const errors: ScopeError[] = [];
  const kinds = Object.keys(KIND_OF) as JobObjectKind[];
  const total = kinds.reduce((n, kind) => n + objects[kind].length, 0);
  if (total > MAX_JOB_OBJECTS) {
    errors.push({
      code: "too_many_objects",
      id: null,
      objectType: null,
      message: `A redaction job can redact at most ${MAX_JOB_OBJECTS} objects; this job has ${total}.`,
      fixable: false,
    });
  }
  for (const kind of kinds) {
    for (const id of objects[kind]) {
      if (!find(state, kind, id)) {
        errors.push({
          code: "invalid_state",
          id,
          objectType: KIND_OF[kind],
          message: `No such ${KIND_OF[kind]} in a redactable state.`,
          fixable: false,
        });
      }
    }
  }
  for (const o of jobScope(state, objects).values()) {
    if (state.redacted.has(o.id)) continue;
    const base = { id: o.id, objectType: o.object };
    if (lockedIds.has(o.id)) {
      errors.push({
        ...base,
        code: "locked_by_other_job",
        message: "The object is currently used in another redaction job.",
        fixable: false,
      });
    }
    if (
      (o.object === "charge" || o.object === "payment_intent") &&
      Number(o.created) > nowSeconds - TRANSACTION_HOLD_SECONDS
    ) {
      errors.push({
        ...base,
        code: "invalid_state",
        message: "Transactions can only be redacted 90 days after they were created.",
        fixable: false,
      });
    }
    if (OPEN[o.object]?.has(String(o.status))) {
      errors.push({
        ...base,
        code: "invalid_state",
        message: `The ${o.object} is not finalized; finish its lifecycle first.`,
        fixable: true,
      });
    }
  }
  return errors;
}
