/**
 * The Stripe billing routes the simulator serves: customers (list by email, search, retrieve,
 * update, delete, their sub-lists), the top-level lists filtered by customer (or by charge for
 * refunds and disputes), retrieving and updating single objects, and files.
 *
 * List parameters are those of the official SDK's `*ListParams` types (stripe-node 23.1.0,
 * generated from Stripe's OpenAPI spec, e.g. `cjs/resources/PaymentIntents.d.ts`
 * `PaymentIntentListParams.customer`, `Refunds.d.ts` `RefundListParams.charge`; refunds and
 * disputes have no `customer` filter). A parameter the simulator does not model is refused with
 * Stripe's "Received unknown parameter" 400 rather than silently ignored.
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { deletedCustomer, type StripeObject } from "./objects.js";
import { listPage, noSuch, ok, stripeError } from "./responses.js";
import type { StripeState } from "./state.js";
import { updateMetadata, updateSubscription } from "./updates.js";

const CUSTOMER_LISTS: Record<string, string> = {
  payment_methods: "payment_method",
  tax_ids: "tax_id",
  balance_transactions: "customer_balance_transaction",
};

/** Top-level lists: the object kind and the filters (each compares the object's field of that name). */
const TOP_LISTS: Record<string, { kind: string; filters: readonly string[] }> = {
  charges: { kind: "charge", filters: ["customer", "payment_intent"] },
  invoices: { kind: "invoice", filters: ["customer", "subscription"] },
  subscriptions: { kind: "subscription", filters: ["customer", "status"] },
  credit_notes: { kind: "credit_note", filters: ["customer", "invoice"] },
  payment_intents: { kind: "payment_intent", filters: ["customer"] },
  setup_intents: { kind: "setup_intent", filters: ["customer", "payment_method"] },
  "checkout/sessions": { kind: "checkout.session", filters: ["customer", "payment_intent", "subscription"] },
  quotes: { kind: "quote", filters: ["customer"] },
  refunds: { kind: "refund", filters: ["charge", "payment_intent"] },
  disputes: { kind: "dispute", filters: ["charge", "payment_intent"] },
  subscription_schedules: { kind: "subscription_schedule", filters: ["customer"] },
};

/** Objects whose metadata can be updated (`POST /v1/<resource>/{id}`). */
const METADATA_UPDATABLE = new Set(["charge", "invoice", "payment_intent"]);

const PAGINATION = new Set(["limit", "starting_after", "ending_before"]);

function unknownParameter(query: URLSearchParams, allowed: readonly string[]): SimResponse | undefined {
  for (const key of query.keys()) {
    if (PAGINATION.has(key) || allowed.includes(key) || key.startsWith("expand[")) continue;
    return stripeError(400, {
      code: "parameter_unknown",
      message: `Received unknown parameter: ${key}`,
      param: key,
    });
  }
  return undefined;
}

/**
 * "You can't update or reuse redacted objects" (https://docs.stripe.com/privacy/redaction).
 * [U] The status and wording of Stripe's answer.
 */
function redactedObject(): SimResponse {
  return stripeError(400, {
    code: "resource_redacted",
    message: "This object was redacted and can no longer be updated.",
  });
}

function customerView(state: StripeState, id: string): StripeObject | undefined {
  if (state.deletedCustomers.has(id)) return deletedCustomer(id);
  return state.customers.get(id);
}

/** `GET /v1/customers/search`: see search.ts. */
function searchCustomers(request: SimRequest, state: StripeState, env: SimEnvironment): SimResponse {
  const bad = unknownParameter(request.query, ["query", "page"]);
  if (bad) return bad;
  const text = request.query.get("query");
  if (!text)
    return stripeError(400, {
      code: "parameter_missing",
      message: "Missing required param: query.",
      param: "query",
    });
  const ids = state.search.query(text, env.now());
  if (!Array.isArray(ids)) return ids;
  const limitText = request.query.get("limit");
  const limit = Math.min(limitText === null ? 10 : Number(limitText), env.pageSize ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    return stripeError(400, {
      code: "parameter_invalid_integer",
      message: "Invalid integer: limit.",
      param: "limit",
    });
  const start = Number(request.query.get("page") ?? "0") || 0;
  // [U] Whether a result shows the object as indexed or as it is now is not documented: the
  // simulator answers the customer as it was indexed (a deleted one without `deleted`), the harsher
  // case for a caller.
  const data = ids.slice(start, start + limit).map((id) => state.customers.get(id));
  const more = start + limit < ids.length;
  return ok({
    object: "search_result",
    data,
    has_more: more,
    next_page: more ? String(start + limit) : null,
    url: "/v1/customers/search",
  });
}

function routeCustomer(
  request: SimRequest,
  state: StripeState,
  env: SimEnvironment,
  id: string,
  sub: string | undefined,
  depth: number,
): SimResponse | undefined {
  const { method, query } = request;
  if (!state.customers.has(id)) return noSuch("customer", id);
  if (sub === undefined && method === "GET") return ok(customerView(state, id));
  if (sub === undefined && method === "POST") {
    // Stripe: a deleted customer cannot be updated. [U] the exact answer; 404 like other routes.
    if (state.deletedCustomers.has(id)) return noSuch("customer", id);
    if (state.redacted.has(id)) return redactedObject();
    const customer = state.customers.get(id) as StripeObject;
    const answer = updateMetadata(customer, request);
    state.search.change(id, state.indexed(customer), env.now());
    return answer;
  }
  if (sub === undefined && method === "DELETE") {
    // ASSUMPTION [U]: deleting an already deleted customer answers 404 resource_missing (the
    // retrieve still answers the tombstone).
    if (state.deletedCustomers.has(id)) return noSuch("customer", id);
    state.deleteCustomer(id);
    return ok(deletedCustomer(id));
  }
  const kind = sub === undefined ? undefined : CUSTOMER_LISTS[sub];
  if (kind !== undefined && method === "GET" && depth === 4) {
    // ASSUMPTION [U]: the lists under a deleted customer answer 404, like other customer routes.
    if (state.deletedCustomers.has(id)) return noSuch("customer", id);
    return listPage(state.childrenOf(id, kind), query, request.path, env.pageSize);
  }
  return undefined;
}

function routeList(
  request: SimRequest,
  state: StripeState,
  env: SimEnvironment,
  resource: string,
  spec: { kind: string; filters: readonly string[] },
): SimResponse {
  const { query } = request;
  const bad = unknownParameter(query, spec.filters);
  if (bad) return bad;
  const customer = query.get("customer");
  // ASSUMPTION [U]: `?customer=` still lists the documents of a deleted customer (they keep the
  // customer id and are retained by Stripe).
  if (customer !== null && !state.customers.has(customer)) return noSuch("customer", customer, "customer");
  let all = state.childrenWhere((o) => {
    if (o.object !== spec.kind) return false;
    for (const filter of spec.filters) {
      const value = query.get(filter);
      if (value === null || filter === "status") continue;
      if (o[filter] !== value) return false;
    }
    return true;
  });
  if (spec.kind === "subscription") {
    // Stripe lists non-canceled subscriptions unless `status` says otherwise.
    const status = query.get("status");
    if (status === null) all = all.filter((s) => s.status !== "canceled");
    else if (status !== "all") all = all.filter((s) => s.status === status);
  }
  return listPage(all, query, `/v1/${resource}`, env.pageSize);
}

/** Routes one billing request; `undefined` when the path is not a billing route. */
export function routeBilling(
  request: SimRequest,
  state: StripeState,
  env: SimEnvironment,
): SimResponse | undefined {
  const { method, query } = request;
  const parts = request.path.split("/").filter(Boolean);
  if (parts[0] !== "v1") return undefined;
  const [, first, second, third] = parts;

  if (first === "customers" && second === undefined && method === "GET") {
    const bad = unknownParameter(query, ["email"]);
    if (bad) return bad;
    const email = query.get("email");
    const all = [...state.customers.values()]
      .filter((c) => !state.deletedCustomers.has(c.id))
      // "A case-sensitive filter on the list based on the customer's `email` field" (stripe-node
      // `CustomerListParams.email`; docs.stripe.com/api/customers/list): exact, case-sensitive.
      .filter((c) => email === null || c.email === email)
      .reverse();
    return listPage(all, query, "/v1/customers", env.pageSize);
  }
  if (first === "customers" && second === "search" && third === undefined && method === "GET") {
    return searchCustomers(request, state, env);
  }
  if (first === "customers" && second !== undefined) {
    return routeCustomer(request, state, env, second, third, parts.length);
  }
  if (first === "files" && second !== undefined && third === undefined && method === "GET") {
    const file = state.children.get(second);
    return file?.object === "file" ? ok(file) : noSuch("file", second);
  }

  // `checkout/sessions` is the one resource with two path segments.
  const nested = first === "checkout";
  const resource = nested ? `checkout/${second ?? ""}` : (first ?? "");
  const id = nested ? third : second;
  const rest = parts.slice(nested ? 4 : 3);
  const spec = TOP_LISTS[resource];
  if (spec === undefined || rest.length > 0) return undefined;
  if (id === undefined) return method === "GET" ? routeList(request, state, env, resource, spec) : undefined;
  const object = state.children.get(id);
  if (!object || object.object !== spec.kind) return noSuch(spec.kind, id);
  if (method === "GET") return ok(object);
  if (method === "POST" && state.redacted.has(id)) return redactedObject();
  if (method === "POST" && spec.kind === "subscription") return updateSubscription(object, request);
  if (method === "POST" && METADATA_UPDATABLE.has(spec.kind)) return updateMetadata(object, request);
  return undefined;
}
