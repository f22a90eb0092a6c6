/**
 * Chargebee retention sweeps: customers whose account was cancelled before the cut-off.
 *
 * - inactive: every subscription of the customer is `cancelled`, the last cancellation before the
 *   cut-off, and the customer's personal data is not cleared yet (`pii_cleared` is `active`).
 *   Found with `GET /subscriptions?status[is]=cancelled&cancelled_at[before]=<cut-off>` (the
 *   SDK's `Subscription.ListInputParam`: `status` an Enum filter, `cancelled_at` a Timestamp
 *   filter in epoch seconds, offset paging with `next_offset`), then checked per customer with
 *   `GET /subscriptions?customer_id[is]=…` (no subscription still live or cancelled since) and
 *   `GET /customers/{id}` (not deleted, not cleared).
 * - prospect: not offered. A Chargebee customer is a billing account, not a lead.
 *
 * A record's resume point is its page's `next_offset` token (Chargebee's offset names the last
 * item of the previous page, so erasures meanwhile shift nothing); a resumed listing reads that
 * page again. A customer with several cancelled subscriptions is checked once per page.
 *
 * @see https://apidocs.chargebee.com/docs/api/subscriptions#list_subscriptions
 * @see docs/adapters/chargebee.md#retention-sweeps
 */
import type { ExpiredRecord, OperationContext, SweepContext, SweepPolicy } from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import { sweepOperationContext } from "../../src/sweep-operation-context.js";
import type { CbResource, ChargebeeApi } from "./api.js";

const PAGE = 100;

/** The records `expired` yields for Chargebee. */
export async function* expiredCustomers(
  api: (ctx: OperationContext) => ChargebeeApi,
  policy: SweepPolicy,
  ctx: SweepContext,
): AsyncIterable<ExpiredRecord> {
  if (policy.kind !== "inactive") {
    throw new ConfigurationError("chargebee: only the inactive policy is offered (see docs/sweeps.md)", {
      option: "chargebee",
    });
  }
  const cb = api(sweepOperationContext(ctx));
  const cut = Math.floor(policy.olderThan.getTime() / 1000);
  let offset = ctx.cursor
    ? ((JSON.parse(ctx.cursor) as { offset?: string | null }).offset ?? undefined)
    : undefined;
  for (;;) {
    const from = offset;
    const params = {
      status: { is: "cancelled" },
      cancelled_at: { before: cut },
      "sort_by[asc]": "created_at",
      limit: PAGE,
      ...(from ? { offset: from } : {}),
    };
    const page = await cb.call("subscriptions.listCancelled", (c) =>
      c.subscription.list(structuredClone(params), cb.headers()),
    );
    const cursor = JSON.stringify({ offset: from ?? null });
    const seen = new Set<string>();
    for (const entry of page.list ?? []) {
      const customerId = String((entry.subscription as CbResource | undefined)?.customer_id ?? "");
      if (!customerId || seen.has(customerId)) continue;
      seen.add(customerId);
      const customer = await closedBefore(cb, customerId, cut);
      if (customer) yield { type: "customer", id: customerId, cursor, ...identifiers(customer) };
    }
    offset =
      typeof page.next_offset === "string" && page.next_offset.length > 0 ? page.next_offset : undefined;
    if (!offset) return;
  }
}

/**
 * The customer, when every subscription was cancelled before `cut` and it still holds personal
 * data; else `undefined`.
 */
async function closedBefore(
  cb: ChargebeeApi,
  customerId: string,
  cut: number,
): Promise<CbResource | undefined> {
  const subscriptions = await cb.listAll(
    "subscriptions.list",
    "subscription",
    (c, p) => c.subscription.list(p, cb.headers()),
    { customer_id: { is: customerId } },
  );
  const ended = subscriptions.every(
    (s) => s.status === "cancelled" && typeof s.cancelled_at === "number" && s.cancelled_at < cut,
  );
  if (subscriptions.length === 0 || !ended) return undefined;
  const found = await cb.optional("customers.retrieve", (c) =>
    c.customer.retrieve(customerId, undefined, cb.headers()),
  );
  const customer = found?.customer;
  const live =
    customer !== undefined && customer.deleted !== true && (customer.pii_cleared ?? "active") === "active";
  return live ? customer : undefined;
}

/**
 * The customer's `email` and `phone` as the retrieve above returned them (no extra call): the sweep
 * checks subject holds on them; kept in memory only. Fields: chargebee 3.33.0
 * `types/resources/Customer.d.ts` (`email?: string`, `phone?: string`).
 */
function identifiers(customer: CbResource): { email?: string; phone?: string } {
  const text = (v: unknown) => (typeof v === "string" && v.trim().length > 0 ? v.trim() : undefined);
  const email = text(customer.email);
  const phone = text(customer.phone);
  return { ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
}
