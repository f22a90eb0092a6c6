/**
 * Postmark's startup check: the `postmark` package, the tokens (the servers listed with the account
 * token and searched for an address that cannot exist: the reads every locate makes), and Data
 * Removals, which Postmark enables by request only and without which erasure ends
 * `manual_required`.
 *
 * The Data Removals probe reads the status of removal `0`, which cannot exist: an account with the
 * feature answers 404; one without it answers as it does to a removal request, 403 or 422
 * (ASSUMPTION [U]: undocumented, the simulator models 422 / ErrorCode 605; see index.ts).
 * @see https://postmarkapp.com/developer/api/data-removals-api
 * @see https://postmarkapp.com/developer/api/servers-api
 */
import type { CheckContext, CheckItem } from "../../src/adapter.js";
import {
  credentialItem,
  itemFromError,
  PROBE_EMAIL,
  probeContext,
  sdkItem,
} from "../../src/adapter-check.js";
import { FanoutError } from "../../src/errors.js";
import { type ApiSettings, createApi } from "./api.js";
import { findOnServer } from "./mapping.js";

/** The findings for the adapter's API settings and options. */
export async function check(
  settings: ApiSettings,
  o: { client?: unknown },
  ctx: CheckContext,
): Promise<CheckItem[]> {
  const sdk = await sdkItem("postmark", () => import("postmark"), o.client !== undefined);
  if (sdk.status === "fail") return [sdk];
  const credential = await credentialItem(
    "postmark",
    async (op) => {
      const a = await createApi(settings, op);
      await a.together((await a.servers()).map((server) => () => findOnServer(a, server, PROBE_EMAIL)));
    },
    ctx,
  );
  if (credential.status !== "ok") return [sdk, credential];
  return [sdk, credential, await dataRemovalsItem(settings, ctx)];
}

async function dataRemovalsItem(settings: ApiSettings, ctx: CheckContext): Promise<CheckItem> {
  const name = "data-removals";
  const a = await createApi(settings, probeContext(ctx));
  try {
    await a.call("data-removals.get", () => a.account.getDataRemovalStatus(0));
    return { name, status: "ok", detail: "Data Removals are enabled" };
  } catch (error) {
    if (!(error instanceof FanoutError)) throw error;
    if (error.status === 404) return { name, status: "ok", detail: "Data Removals are enabled" };
    if (error.status === 403 || error.status === 422) {
      return {
        name,
        status: "warn",
        detail:
          "Data Removals are not enabled for this account (Postmark enables them on request): erasures end " +
          "manual_required until Postmark support enables them",
        error: error.toJSON(),
      };
    }
    return itemFromError(name, error, "postmark");
  }
}
