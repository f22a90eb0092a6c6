/**
 * The Emails related list of a contact or lead, read as zoho/crm-oas v8 describes it.
 */
import type { OperationContext } from "../../src/adapter.js";
import type { HttpResponse } from "../../src/http/client.js";
import { unexpected, type ZohoApi, type ZohoRecordJson } from "./api.js";

/**
 * The Emails related list (zoho/crm-oas v8 `email_related_records.json`): the answer's key is
 * `Emails`, pages follow `info.next_index` (a string, sent back as `index` unchanged) while
 * `info.more_records` is true; 204 means none. No `owner_id`: the OAS marks it required, but
 * Zoho's "Get Emails of a Record" pages and the TypeScript SDK 8.0 make it optional and meant for
 * `type=user_emails`; without it Zoho returns the e-mails sent from CRM and the user's own. If Zoho
 * insisted, its 400 would fail the export (never an export without e-mails).
 */
export async function readEmails(
  api: ZohoApi,
  ctx: OperationContext,
  module: string,
  id: string,
): Promise<ZohoRecordJson[]> {
  const operation = `${module.toLowerCase()}.emails.list`;
  const out: ZohoRecordJson[] = [];
  const seen = new Set<string>();
  let index: string | undefined;
  for (;;) {
    const res: HttpResponse<
      { Emails?: unknown; info?: { more_records?: unknown; next_index?: unknown } } | undefined
    > = await api.request(ctx, {
      method: "GET",
      path: `/${module}/${encodeURIComponent(id)}/Emails`,
      ...(index === undefined ? {} : { query: { index } }),
      operation,
    });
    if (res.status === 204) break;
    const items = res.data?.Emails;
    if (!Array.isArray(items)) throw unexpected(operation, res.status, 'an "Emails" list');
    out.push(...(items as ZohoRecordJson[]));
    const next = res.data?.info?.next_index;
    if (res.data?.info?.more_records !== true) break;
    if (typeof next !== "string" || next === "" || seen.has(next)) {
      throw unexpected(operation, res.status, "a new next_index while more_records is true");
    }
    seen.add(next);
    index = next;
  }
  return out;
}
