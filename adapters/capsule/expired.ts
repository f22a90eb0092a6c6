/**
 * Capsule retention sweeps: people (parties of type `person`) whose retention ran out, found with
 * Capsule's structured filters (`POST /api/v2/parties/filters/results`).
 *
 * - prospect: a person without any of the account's customer tags (`customerTags`, default
 *   `["Customer"]`: Capsule has no lifecycle stage, accounts tag their customers), added and last
 *   updated before the cut-off, and not contacted since (`lastContactedAt` before it, or never).
 * - inactive: not offered. Capsule records no "closed account"; the billing adapters' `inactive`
 *   sweeps and the account-closure erasure cover closed accounts (docs/sweeps.md).
 *
 * Conditions: `type is person`, `addedOn is before <day>`, `updatedOn is before <day>`, `tag is
 * not <customer tag>` (one per tag; conditions are ANDed), and `id is greater than <last>` with
 * `orderBy` id ascending: keyset paging, one page per query, so erasures made meanwhile shift
 * nothing. Date conditions take a day, so the cut-off's own day is left for the next sweep. Every
 * party returned is checked again (times to the second, its tags, `lastContactedAt`).
 *
 * The fields and their types are Capsule's (developer.capsulecrm.com/v2/reference/filters, "Party
 * filters": id Number, type String, tag Number/string, addedOn/updatedOn/lastContactedOn Date).
 * ASSUMPTION [U]: the operator names `is before`, `is greater than`, `is not` and the `orderBy`
 * body key (the reference's operator table could not be read; see the simulator's
 * filter-conditions.ts). A Capsule that refused them answers 422, and the sweep fails loudly.
 *
 * @see docs/adapters/capsule.md#retention-sweeps
 */
import type { ExpiredRecord, SweepContext, SweepPolicy } from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import { sweepOperationContext } from "../../src/sweep-operation-context.js";
import type { CapsuleApi } from "./api.js";

/** What a Capsule user configures for sweeps (`capsuleAdapter({ sweep })`). */
export interface CapsuleSweepOptions {
  /** Tags that mark a party as a customer (never a prospect). @default ["Customer"] */
  customerTags?: string[] | undefined;
}

const PAGE = 100;

interface Party {
  id?: unknown;
  type?: unknown;
  createdAt?: unknown;
  updatedAt?: unknown;
  lastContactedAt?: unknown;
  tags?: { name?: unknown }[];
  /** Returned with every party (developer.capsulecrm.com/v2/reference/parties: `emailAddresses`, `phoneNumbers`). */
  emailAddresses?: { address?: unknown }[];
  phoneNumbers?: { number?: unknown }[];
}

/** The party's email addresses and phone numbers as the listing returned them (no extra call). */
function identifiers(p: Party): { email?: string[]; phone?: string[] } {
  const values = (list: unknown[] | undefined) =>
    (list ?? [])
      .filter((v): v is string => typeof v === "string" && v.trim().length > 0)
      .map((v) => v.trim());
  const email = values((p.emailAddresses ?? []).map((e) => e?.address));
  const phone = values((p.phoneNumbers ?? []).map((n) => n?.number));
  return { ...(email.length ? { email } : {}), ...(phone.length ? { phone } : {}) };
}

/** The records `expired` yields for Capsule. */
export async function* expiredParties(
  api: CapsuleApi,
  options: CapsuleSweepOptions | undefined,
  policy: SweepPolicy,
  ctx: SweepContext,
): AsyncIterable<ExpiredRecord> {
  if (policy.kind !== "prospect") {
    throw new ConfigurationError("capsule: only the prospect policy is offered (see docs/sweeps.md)", {
      option: "capsule",
    });
  }
  const op = sweepOperationContext(ctx);
  const customerTags = options?.customerTags ?? ["Customer"];
  const customer = new Set(customerTags.map((t) => t.toLowerCase()));
  const cut = policy.olderThan.getTime();
  const day = new Date(cut).toISOString().slice(0, 10);
  let after = ctx.cursor !== undefined && /^\d+$/.test(ctx.cursor) ? Number(ctx.cursor) : undefined;
  for (;;) {
    const conditions = [
      { field: "type", operator: "is", value: "person" },
      { field: "addedOn", operator: "is before", value: day },
      { field: "updatedOn", operator: "is before", value: day },
      ...customerTags.map((tag) => ({ field: "tag", operator: "is not", value: tag })),
      ...(after === undefined ? [] : [{ field: "id", operator: "is greater than", value: after }]),
    ];
    const res = await api.request<{ parties?: unknown } | undefined>(op, {
      method: "POST",
      path: "/api/v2/parties/filters/results",
      query: { perPage: PAGE, embed: "tags" },
      json: { filter: { conditions, orderBy: [{ field: "id", direction: "ascending" }] } },
      operation: "parties.filterExpired",
    });
    const parties = (Array.isArray(res.data?.parties) ? res.data.parties : []) as Party[];
    if (parties.length === 0) return;
    for (const p of parties) {
      if (typeof p.id !== "number") continue;
      after = Math.max(after ?? 0, p.id);
      const before = (v: unknown, unsetOk: boolean) =>
        v === null || v === undefined ? unsetOk : Date.parse(String(v)) < cut;
      const tagged = (p.tags ?? []).some((t) => customer.has(String(t.name ?? "").toLowerCase()));
      if (
        p.type === "person" &&
        !tagged &&
        before(p.createdAt, false) &&
        before(p.updatedAt, false) &&
        before(p.lastContactedAt, true)
      ) {
        yield { type: "party", id: String(p.id), cursor: String(p.id), ...identifiers(p) };
      }
    }
    if (parties.length < PAGE && !res.headers.get("link")) return;
  }
}
