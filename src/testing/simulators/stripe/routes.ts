/**
 * The Stripe billing routes the simulator serves: customers (list by email, retrieve, delete) and
 * the lists hanging off a customer, plus subscription updates (`cancel_at_period_end`, metadata).
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { deletedCustomer, type StripeObject } from "./objects.js";
import { listPage, noSuch, ok, stripeError } from "./responses.js";
import type { StripeState } from "./state.js";

const CUSTOMER_LISTS: Record<string, string> = {
  payment_methods: "payment_method",
  tax_ids: "tax_id",
  balance_transactions: "customer_balance_transaction",
};

const TOP_LISTS: Record<string, string> = {
  charges: "charge",
  invoices: "invoice",
  subscriptions: "subscription",
  credit_notes: "credit_note",
};

function customerView(state: StripeState, id: string): StripeObject | undefined {
  if (state.deletedCustomers.has(id)) return deletedCustomer(id);
  return state.customers.get(id);
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
  const [, resource, id, sub] = parts;

  if (resource === "customers" && id === undefined && method === "GET") {
    const email = query.get("email");
    const all = [...state.customers.values()]
      .filter((c) => !state.deletedCustomers.has(c.id))
      // Exact and case-sensitive, like Stripe's `email` filter.
      .filter((c) => email === null || c.email === email)
      .reverse();
    return listPage(all, query, "/v1/customers", env.pageSize);
  }

  if (resource === "customers" && id !== undefined) {
    if (!state.customers.has(id)) return noSuch("customer", id);
    if (sub === undefined && method === "GET") return ok(customerView(state, id));
    if (sub === undefined && method === "DELETE") {
      // ASSUMPTION [U]: deleting an already deleted customer answers 404 resource_missing (the
      // retrieve still answers the tombstone).
      if (state.deletedCustomers.has(id)) return noSuch("customer", id);
      state.deleteCustomer(id, env.now());
      return ok(deletedCustomer(id));
    }
    const kind = sub === undefined ? undefined : CUSTOMER_LISTS[sub];
    if (kind !== undefined && method === "GET" && parts.length === 4) {
      // ASSUMPTION [U]: the lists under a deleted customer answer 404, like other customer routes.
      if (state.deletedCustomers.has(id)) return noSuch("customer", id);
      return listPage(state.childrenOf(id, kind), query, request.path, env.pageSize);
    }
    return undefined;
  }

  const kind = resource === undefined ? undefined : TOP_LISTS[resource];
  if (kind !== undefined && id === undefined && method === "GET") {
    const customer = query.get("customer");
    let all: StripeObject[];
    if (customer !== null) {
      // ASSUMPTION [U]: `?customer=` still lists the charges/invoices of a deleted customer (they
      // keep the customer id and are retained by Stripe).
      if (!state.customers.has(customer)) return noSuch("customer", customer, "customer");
      all = state.childrenOf(customer, kind);
    } else {
      all = [...state.children.values()].filter((o) => o.object === kind).reverse();
    }
    if (kind === "subscription") {
      // Stripe lists non-canceled subscriptions unless `status` says otherwise.
      const status = query.get("status");
      if (status === null) all = all.filter((s) => s.status !== "canceled");
      else if (status !== "all") all = all.filter((s) => s.status === status);
    }
    return listPage(all, query, `/v1/${resource}`, env.pageSize);
  }

  if (kind !== undefined && id !== undefined && sub === undefined) {
    const object = state.children.get(id);
    if (!object || object.object !== kind) return noSuch(kind, id);
    if (method === "GET") return ok(object);
    if (method === "POST" && kind === "subscription") return updateSubscription(object, request);
  }
  return undefined;
}

function updateSubscription(sub: StripeObject, request: SimRequest): SimResponse {
  const body = (request.body ?? {}) as Record<string, string>;
  if (sub.status === "canceled" && body.cancel_at_period_end !== undefined) {
    return stripeError(400, {
      code: "resource_missing",
      message: "A canceled subscription can only update its cancellation_details and metadata.",
      param: "cancel_at_period_end",
    });
  }
  if (body.cancel_at_period_end !== undefined) {
    if (body.cancel_at_period_end !== "true" && body.cancel_at_period_end !== "false") {
      return stripeError(400, {
        code: "parameter_invalid_boolean",
        message: "Invalid boolean.",
        param: "cancel_at_period_end",
      });
    }
    const on = body.cancel_at_period_end === "true";
    sub.cancel_at_period_end = on;
    const item = (sub.items as { data: { current_period_end: number }[] }).data[0];
    sub.cancel_at = on ? (item?.current_period_end ?? null) : null;
  }
  const metadata = { ...(sub.metadata as Record<string, string>) };
  for (const [key, value] of Object.entries(body)) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (!match?.[1]) continue;
    // Stripe: an empty value removes the key.
    if (value === "") delete metadata[match[1]];
    else metadata[match[1]] = value;
  }
  sub.metadata = metadata;
  return ok(sub);
}
