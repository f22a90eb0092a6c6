/**
 * Capsule's startup check (no SDK: the shared fetch client): the API token (the party search by
 * email that every locate makes, for an address that cannot exist: no party).
 *
 * Not checked: write permissions (a Capsule token carries its user's rights; no read-only call
 * proves that user may delete parties); docs/adapters/capsule.md says what the user needs.
 * @see https://developer.capsulecrm.com/v2/operations/Party#searchParties
 */
import type { CheckContext, CheckItem } from "../../src/adapter.js";
import { credentialItem, PROBE_EMAIL } from "../../src/adapter-check.js";
import type { CapsuleApi } from "./api.js";

/** The findings for the adapter built on `api`. */
export async function check(api: CapsuleApi, ctx: CheckContext): Promise<CheckItem[]> {
  return [await credentialItem("capsule", (op) => api.findPartiesByEmail(op, PROBE_EMAIL), ctx)];
}
