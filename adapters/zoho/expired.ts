/**
 * Zoho CRM retention sweeps: Leads whose retention ran out, found with a COQL query.
 *
 * - prospect: a Lead (Zoho's own model: a prospect is a Lead until it is converted into a Contact,
 *   an Account and a Deal) created and last modified before the cut-off, with no activity since
 *   (`Last_Activity_Time` before it, or none).
 * - inactive: not offered. Zoho records no "closed account" on a Contact; the billing adapters'
 *   `inactive` sweeps and the account-closure erasure cover closed accounts (docs/sweeps.md).
 *
 * `POST /crm/v8/coql` with `select id, Created_Time, Modified_Time, Last_Activity_Time from Leads
 * where … and id > <last> order by id asc limit 200`: keyset paging by id, so the offset ceiling
 * (10,000 records through OFFSET in Zoho's overview) never applies and erasures made meanwhile
 * shift nothing. Criteria are grouped in pairs, as COQL requires for more than two. The times are
 * checked again on each row returned.
 *
 * ASSUMPTION [U]: COQL on Leads returns unconverted Leads only (converted ones are hidden from the
 * Leads list unless `converted=true` is asked for); a converted Lead that came back would be erased
 * as a Lead record, never its Contact.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/COQL-Overview.html
 * @see https://help.zoho.com/portal/en/community/topic/kaizen-171-faqs-on-coql-api (grouping in pairs)
 * @see docs/adapters/zoho.md#retention-sweeps
 */
import type { ExpiredRecord, SweepContext, SweepPolicy } from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import { sweepOperationContext } from "../../src/sweep-operation-context.js";
import { unexpected, type ZohoApi } from "./api.js";

const PAGE = 200;
const FIELDS = ["Created_Time", "Modified_Time", "Last_Activity_Time"] as const;
/**
 * Selected in the same query (no extra call): the Lead's email and phone fields (the standard
 * Leads layout's API names), which the sweep checks subject holds against; kept in memory only.
 */
const EMAIL_FIELDS = ["Email", "Secondary_Email"] as const;
const PHONE_FIELDS = ["Phone", "Mobile"] as const;

const coqlTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** The WHERE clause: criteria nested in pairs, `((A and B) and C)`. */
function where(cut: string, after: string | undefined): string {
  const criteria = [
    `Created_Time < '${cut}'`,
    `Modified_Time < '${cut}'`,
    `(Last_Activity_Time < '${cut}' or Last_Activity_Time is null)`,
    ...(after === undefined ? [] : [`id > ${after}`]),
  ];
  return criteria.slice(1).reduce((acc, c) => `(${acc} and ${c})`, criteria[0]!);
}

/** The records `expired` yields for Zoho CRM. */
export async function* expiredLeads(
  api: ZohoApi,
  policy: SweepPolicy,
  ctx: SweepContext,
): AsyncIterable<ExpiredRecord> {
  if (policy.kind !== "prospect") {
    throw new ConfigurationError("zoho: only the prospect policy is offered (see docs/sweeps.md)", {
      option: "zoho",
    });
  }
  const op = sweepOperationContext(ctx);
  const cutMs = policy.olderThan.getTime();
  const cut = coqlTime(cutMs);
  let after = ctx.cursor !== undefined && /^\d+$/.test(ctx.cursor) ? ctx.cursor : undefined;
  for (;;) {
    const selected = [...FIELDS, ...EMAIL_FIELDS, ...PHONE_FIELDS].join(", ");
    const query = `select id, ${selected} from Leads where ${where(cut, after)} order by id asc limit ${PAGE}`;
    const res = await api.request<{ data?: unknown; info?: { more_records?: boolean } } | undefined>(op, {
      method: "POST",
      path: "/coql",
      json: { select_query: query },
      operation: "coql.expiredLeads",
    });
    if (res.status === 204) return;
    const rows = res.data?.data;
    if (!Array.isArray(rows)) throw unexpected("coql.expiredLeads", res.status, 'a "data" list');
    for (const row of rows as Record<string, unknown>[]) {
      const id = String(row.id ?? "");
      if (!/^\d+$/.test(id)) continue;
      after = id;
      const before = (field: string, unsetOk: boolean) => {
        const value = row[field];
        if (value === null || value === undefined) return unsetOk;
        return Date.parse(String(value)) < cutMs;
      };
      if (
        before("Created_Time", false) &&
        before("Modified_Time", false) &&
        before("Last_Activity_Time", true)
      ) {
        const values = (fields: readonly string[]) =>
          fields
            .map((f) => row[f])
            .filter((v): v is string => typeof v === "string" && v.trim().length > 0)
            .map((v) => v.trim());
        const email = values(EMAIL_FIELDS);
        const phone = values(PHONE_FIELDS);
        yield {
          type: "lead",
          id: `Leads:${id}`,
          cursor: id,
          ...(email.length ? { email } : {}),
          ...(phone.length ? { phone } : {}),
        };
      }
    }
    if (!res.data?.info?.more_records || rows.length === 0) return;
  }
}
