/**
 * The Chargebee API v2 routes the simulator serves (paths relative to `/api/v2`).
 */
import type { SimRequest, SimResponse } from "../../simulator.js";
import { badParam, byKey, invalidState, notFound, paginate } from "./errors.js";
import type { ChargebeeState, ChildKind, Resource } from "./model.js";
import { timestampFilter } from "./time-filters.js";

type Params = Record<string, string>;

const ok = (body: unknown): SimResponse => ({ status: 200, body });

/** Form or JSON body fields as strings. */
function fields(request: SimRequest): Params {
  const body = request.body;
  if (!body || typeof body !== "object") return {};
  const out: Params = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) out[k] = String(v);
  return out;
}

const truthy = (value: string | undefined): boolean => value === "true" || value === "1";

/**
 * Applies the `field[is]` and `field[in]` filters the simulator supports; unknown filters are
 * rejected. `in` takes a JSON array (`customer_id[in]=["a","b"]`): string filters offer it
 * [V: chargebee v3 SDK types/resources/filter.d.ts `in?: string[]`] and the SDK sends the whole
 * array as one JSON field [V: chargebee v3 SDK cjs/util.js, `arrayOperators`].
 */
/**
 * The fields whose filter takes `in` (a JSON array of values): the customer list's `id` and the
 * child lists' `customer_id`, `id`, `subscription_id` and `status`. [V: apidocs.chargebee.com "List
 * customers" gives `is, is_not, starts_with, in, not_in` for `id` but only `is, is_not, starts_with,
 * is_present` for `email`, `phone`, `first_name`, `last_name`, `company`; "List invoices" gives `in`
 * for `id`, `subscription_id`, `customer_id`, `status`; "List payment sources" for `customer_id`.
 * Subscriptions, credit notes and transactions are taken to follow the same pattern [S].] An
 * `email[in]` is refused (400), so no adapter can come to rely on an operator the reference omits.
 */
const IN_FIELDS = new Set(["id", "customer_id", "subscription_id", "status"]);

function filterList(
  items: Resource[],
  query: URLSearchParams,
  allowed: readonly string[],
): Resource[] | SimResponse {
  let out = items;
  for (const [key, value] of query) {
    const match = /^([a-z_]+)\[([a-z_]+)\]$/.exec(key);
    if (!match) continue;
    const [, field, op] = match as unknown as [string, string, string];
    if (field === "sort_by") continue;
    const time = timestampFilter(field, op, value);
    if (time) {
      out = out.filter(time);
      continue;
    }
    if (!allowed.includes(field) || (op !== "is" && op !== "in") || (op === "in" && !IN_FIELDS.has(field)))
      return badParam(key, `${key} is not a supported filter`);
    if (op === "in") {
      const values = parseInList(value);
      if (!values) return badParam(key, `${key} must be a JSON array of strings`);
      const wanted = new Set(field === "email" ? values.map((v) => v.toLowerCase()) : values);
      out = out.filter((r) => {
        const stored = String(r[field] ?? "");
        return wanted.has(field === "email" ? stored.toLowerCase() : stored);
      });
      continue;
    }
    // The customer list filters `email`, `phone`, `first_name`, … with `is`, `is_not`,
    // `starts_with`, `is_present` [V: chargebee v3 SDK types/resources/Customer.d.ts]; only `is` is
    // served. ASSUMPTION [U]: `email[is]` matches case-insensitively; every other `[is]` filter,
    // `phone[is]` included, compares the stored text exactly (no digit normalisation): the
    // strictest reading, so an adapter must search each form a number may be stored in.
    out =
      field === "email"
        ? out.filter((r) => String(r.email ?? "").toLowerCase() === value.toLowerCase())
        : out.filter((r) => String(r[field] ?? "") === value);
  }
  return out;
}

function parseInList(value: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((v) => typeof v === "string") ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function listCustomers(state: ChargebeeState, request: SimRequest): SimResponse {
  const includeDeleted = truthy(request.query.get("include_deleted") ?? undefined);
  const all = [...state.customers.values()].filter((c) => includeDeleted || c.deleted !== true);
  const filtered = filterList(all, request.query, [
    "email",
    "id",
    "phone",
    "first_name",
    "last_name",
    "company",
  ]);
  if (!Array.isArray(filtered)) return filtered;
  return paginate("customer", filtered.sort(byKey), request.query, state.env.pageSize);
}

export function getCustomer(state: ChargebeeState, id: string): SimResponse {
  const customer = state.customers.get(id);
  // ASSUMPTION [U]: until the purge a deleted customer is still retrievable, with `deleted: true`.
  return customer ? ok({ customer }) : notFound("customer");
}

export function listContacts(state: ChargebeeState, id: string, request: SimRequest): SimResponse {
  if (!state.customers.has(id)) return notFound("customer");
  return paginate("contact", state.recordsOf("contact", id).sort(byKey), request.query, state.env.pageSize);
}

/** `GET /subscriptions`, `/invoices`, `/credit_notes`, `/transactions`, `/payment_sources`. */
export function listChildren(state: ChargebeeState, kind: ChildKind, request: SimRequest): SimResponse {
  const items = [...state.children[kind].values()].filter((r) => r.deleted !== true);
  const filtered = filterList(items, request.query, ["customer_id", "id", "subscription_id", "status"]);
  if (!Array.isArray(filtered)) return filtered;
  return paginate(kind, filtered.sort(byKey), request.query, state.env.pageSize);
}

export function getChild(state: ChargebeeState, kind: ChildKind, id: string): SimResponse {
  const record = state.children[kind].get(id);
  return record ? ok({ [kind]: record }) : notFound(kind.replace("_", " "));
}

export function listComments(state: ChargebeeState, request: SimRequest): SimResponse {
  const type = request.query.get("entity_type");
  const entity = request.query.get("entity_id");
  if (entity !== null && type === null)
    return badParam("entity_type", "entity_type is required with entity_id");
  const items = [...state.children.comment.values()].filter(
    (c) => (type === null || c.entity_type === type) && (entity === null || c.entity_id === entity),
  );
  return paginate("comment", items.sort(byKey), request.query, state.env.pageSize);
}

export function createComment(state: ChargebeeState, request: SimRequest): SimResponse {
  const f = fields(request);
  if (!f.entity_type) return badParam("entity_type", "entity_type cannot be blank");
  if (!f.entity_id) return badParam("entity_id", "entity_id cannot be blank");
  if (!f.notes) return badParam("notes", "notes cannot be blank");
  const exists =
    f.entity_type === "customer"
      ? state.customers.has(f.entity_id)
      : f.entity_type === "subscription"
        ? state.children.subscription.has(f.entity_id)
        : false;
  if (!exists) return notFound(f.entity_type);
  const comment: Resource = {
    id: state.nextId("cmt_"),
    entity_type: f.entity_type,
    entity_id: f.entity_id,
    notes: f.notes,
    added_by: f.added_by ?? "api",
    type: "user",
    created_at: state.seconds(),
    object: "comment",
  };
  state.add("comment", comment);
  return ok({ comment });
}

export function deleteComment(state: ChargebeeState, id: string): SimResponse {
  const comment = state.children.comment.get(id);
  if (!comment) return notFound("comment");
  state.children.comment.delete(id);
  state.countDestructive("comment", id);
  return ok({ comment });
}

export function deletePaymentSource(state: ChargebeeState, id: string): SimResponse {
  const source = state.children.payment_source.get(id);
  if (!source) return notFound("payment source");
  state.children.payment_source.delete(id);
  state.countDestructive("payment_source", id);
  return ok({
    payment_source: { ...source, deleted: true },
    customer: state.customers.get(String(source.customer_id)),
  });
}

/** `cancel_for_items` (PC 2.0) and `cancel` (PC 1.0): at end of term or now. */
export function cancelSubscription(state: ChargebeeState, id: string, request: SimRequest): SimResponse {
  const sub = state.children.subscription.get(id);
  if (!sub) return notFound("subscription");
  const f = fields(request);
  const endOfTerm = truthy(f.end_of_term) || f.cancel_option === "end_of_term";
  if (sub.status === "cancelled") return invalidState("The subscription is already cancelled");
  // ASSUMPTION [U]: gift subscriptions cannot be cancelled through the API.
  if (sub.gift_id !== undefined) return invalidState("Gift subscriptions cannot be cancelled");
  const now = state.seconds();
  if (endOfTerm) {
    // ASSUMPTION [U]: scheduling an end-of-term cancel on a non_renewing subscription is a no-op 200.
    if (sub.status === "active") {
      sub.status = "non_renewing";
      sub.cancelled_at = sub.current_term_end;
      sub.cancel_schedule_created_at = now;
      state.scheduledByApi.add(id);
    }
  } else {
    sub.status = "cancelled";
    sub.cancelled_at = now;
    delete sub.cancel_schedule_created_at;
    state.scheduledByApi.delete(id);
    state.countDestructive("subscription", id);
  }
  sub.updated_at = now;
  return ok({ subscription: sub, customer: state.customers.get(String(sub.customer_id)) });
}

export function removeScheduledCancellation(state: ChargebeeState, id: string): SimResponse {
  const sub = state.children.subscription.get(id);
  if (!sub) return notFound("subscription");
  if (sub.status !== "non_renewing") return invalidState("The subscription has no scheduled cancellation");
  sub.status = "active";
  delete sub.cancelled_at;
  delete sub.cancel_schedule_created_at;
  sub.updated_at = state.seconds();
  state.scheduledByApi.delete(id);
  return ok({ subscription: sub, customer: state.customers.get(String(sub.customer_id)) });
}

export function clearPersonalData(state: ChargebeeState, id: string): SimResponse {
  const customer = state.customers.get(id);
  // ASSUMPTION [U]: clearing the PII of a customer scheduled for deletion answers 404.
  if (!customer || customer.deleted === true) return notFound("customer");
  const live = state.recordsOf("subscription", id).filter((s) => s.status !== "cancelled");
  if (live.length > 0) {
    return invalidState(
      "Personal data can be cleared only when all subscriptions of the customer are cancelled",
    );
  }
  if (!state.env.deleteTakes("customer")) return ok({ customer });
  state.countDestructive("customer", id);
  const meta = state.meta.get(id);
  const retention = state.env.scale(state.site.piiRetentionMs);
  if (retention > 0 && meta) {
    // A later request does not move an already scheduled clear ("existing scheduled clearing does
    // not get affected", Chargebee KB).
    // ASSUMPTION [U]: a deferred clear shows as `pii_cleared: scheduled_for_clear` (a value of the
    // customer resource's enum in the SDK types) until the wipe, which then sets `cleared`.
    if (customer.pii_cleared === "active") {
      customer.pii_cleared = "scheduled_for_clear";
      meta.clearAt = state.env.now() + retention;
    }
  } else {
    state.wipePii(customer);
  }
  return ok({ customer });
}

export function deleteCustomer(state: ChargebeeState, id: string): SimResponse {
  const customer = state.customers.get(id);
  if (!customer) return notFound("customer");
  // ASSUMPTION [U]: deleting a customer already scheduled for deletion answers 404.
  if (customer.deleted === true) return notFound("customer");
  const meta = state.meta.get(id);
  const blockers = meta?.blockers ?? new Set();
  if (blockers.has("account_hierarchy") || customer.relationship !== undefined) {
    return invalidState("Customer cannot be deleted as it is part of an account hierarchy");
  }
  if (
    blockers.has("gift_subscription") ||
    state.recordsOf("subscription", id).some((s) => s.gift_id !== undefined)
  ) {
    return invalidState("Customer cannot be deleted as it has gift subscriptions");
  }
  if (blockers.has("invoice_paid_by_other")) {
    return invalidState("Customer cannot be deleted as it has invoices paid by another customer");
  }
  if (blockers.has("credit_note_allocated_to_other")) {
    return invalidState(
      "Customer cannot be deleted as it has credit notes allocated to another customer's invoice",
    );
  }
  if (!state.env.deleteTakes("customer")) return ok({ customer });
  state.countDestructive("customer", id);
  customer.deleted = true;
  if (meta) meta.purgeAt = state.env.now() + state.env.scale(state.site.deletePurgeMs);
  return ok({ customer });
}

export function pdf(
  state: ChargebeeState,
  kind: "invoice" | "credit_note",
  id: string,
  request: SimRequest,
): SimResponse {
  if (!state.children[kind].has(id)) return notFound(kind.replace("_", " "));
  const host = request.headers.host ?? "127.0.0.1";
  const scheme = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host) ? "http" : "https";
  // Real download URLs point at a signed storage URL valid for a limited time; the simulator serves
  // them from its own origin so both transports reach them.
  return ok({
    download: {
      download_url: `${scheme}://${host}/_sim/downloads/${kind}/${encodeURIComponent(id)}.pdf`,
      // ASSUMPTION [U]: download URLs are valid for one hour.
      valid_till: state.seconds(60 * 60_000),
      mime_type: "application/pdf",
    },
  });
}

export function download(state: ChargebeeState, kind: string, id: string): SimResponse {
  if ((kind !== "invoice" && kind !== "credit_note") || !state.children[kind].has(id)) {
    return { status: 404, body: "Not Found" };
  }
  const text = `%PDF-1.4\n% simulated ${kind} ${id}\n%%EOF\n`;
  return { status: 200, headers: { "content-type": "application/pdf" }, body: Buffer.from(text, "utf8") };
}
