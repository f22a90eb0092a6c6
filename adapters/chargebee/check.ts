/**
 * Chargebee's startup check: the `chargebee` package (v3) and the site and API key (the customer
 * lookup by email that every locate makes, for an address that cannot exist: an empty list).
 *
 * Not checked: whether the key may cancel subscriptions and clear personal data (no read-only call
 * proves a write permission); docs/adapters/chargebee.md lists what the key needs.
 * @see https://apidocs.chargebee.com/docs/api/customers#list_customers
 */
import type { CheckContext, CheckItem, OperationContext } from "../../src/adapter.js";
import { credentialItem, sdkItem } from "../../src/adapter-check.js";
import type { ChargebeeApi } from "./api.js";
import { locateCustomers } from "./read.js";

/** The findings for the adapter whose API is built by `api` (`client`: an injected SDK client). */
export async function check(
  api: (ctx: OperationContext) => ChargebeeApi,
  o: { client?: unknown },
  ctx: CheckContext,
): Promise<CheckItem[]> {
  const sdk = await sdkItem("chargebee", () => import("chargebee"), o.client !== undefined);
  if (sdk.status === "fail") return [sdk];
  return [sdk, await credentialItem("chargebee", (op) => locateCustomers(api(op), op, []), ctx)];
}
