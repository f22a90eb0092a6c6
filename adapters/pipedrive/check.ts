/**
 * Pipedrive's startup check: the `pipedrive` package and the main token (the exact person search
 * by email that every locate makes, for an address that cannot exist: no result).
 *
 * Not checked: the `userTokens` (each is used for its user's call logs only) and the delete
 * permissions (no read-only call proves them); docs/adapters/pipedrive.md lists what they need.
 * @see https://developers.pipedrive.com/docs/api/v1/Persons#searchPersons
 */
import type { CheckContext, CheckItem, OperationContext } from "../../src/adapter.js";
import { credentialItem, sdkItem } from "../../src/adapter-check.js";
import type { PipedriveCredential, PipedriveSession } from "./api.js";
import { findPersons } from "./find.js";

/** The findings for the adapter's session factory and main credential. */
export async function check(
  session: (ctx: OperationContext) => Promise<PipedriveSession>,
  main: PipedriveCredential,
  o: { client?: unknown },
  ctx: CheckContext,
): Promise<CheckItem[]> {
  const load = () => Promise.all([import("pipedrive/v1"), import("pipedrive/v2")]);
  const sdk = await sdkItem("pipedrive", load, o.client !== undefined);
  if (sdk.status === "fail") return [sdk];
  const credential = await credentialItem(
    "pipedrive",
    async (op) => findPersons(await session(op), main, op.subject, "pipedrive"),
    ctx,
  );
  return [sdk, credential];
}
