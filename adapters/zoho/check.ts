/**
 * Zoho CRM's startup check (no SDK: the shared fetch client): the OAuth client and refresh token
 * (an access token is obtained) and the CRM scopes for reading (the searches by email every locate
 * makes in each module, for an address that cannot exist: no record).
 *
 * Not checked: the delete and recycle-bin scopes (no read-only call proves them);
 * docs/adapters/zoho.md lists the scopes.
 * @see https://www.zoho.com/crm/developer/docs/api/v8/search-records.html
 */
import type { CheckContext, CheckItem } from "../../src/adapter.js";
import { credentialItem } from "../../src/adapter-check.js";
import type { ZohoApi } from "./api.js";
import { locate } from "./locate.js";
import type { PersonModule } from "./mapping.js";

/** The findings for the adapter built on `api`, searching `modules`. */
export async function check(
  api: ZohoApi,
  modules: readonly PersonModule[],
  ctx: CheckContext,
): Promise<CheckItem[]> {
  return [await credentialItem("zoho", (op) => locate(api, modules, "zoho", op.subject, op), ctx)];
}
