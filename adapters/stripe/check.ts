/**
 * Stripe's startup check: the `stripe` package, the key (a customer lookup of an address that
 * cannot exist: the read the adapter's locate makes) and redaction jobs (public preview), which
 * decide whether an erasure can be `erased` or ends `manual_required`.
 *
 * The redaction probe retrieves a job id that does not exist: an account with the preview answers
 * `404 resource_missing` (Stripe's answer for an unknown object id); one without it answers like
 * an unknown route, a 404 without an error code (ASSUMPTION [U], as in redaction.ts).
 * @see https://docs.stripe.com/api/privacy/redaction-job/retrieve
 * @see https://docs.stripe.com/api/errors (resource_missing)
 */
import type { CheckContext, CheckItem } from "../../src/adapter.js";
import { credentialItem, itemFromError, probeContext, sdkItem } from "../../src/adapter-check.js";
import { FanoutError } from "../../src/errors.js";
import type { StripeApi } from "./api.js";
import { locate } from "./locate.js";
import { getRedactionJob } from "./redaction.js";

const PROBE_JOB = "prj_gdpr_fanout_check";

/** The findings for the adapter built on `api` with options `o`. */
export async function check(
  api: StripeApi,
  o: { redaction?: boolean | "auto" | undefined; phoneSearch?: boolean | undefined; client?: unknown },
  ctx: CheckContext,
): Promise<CheckItem[]> {
  const sdk = await sdkItem("stripe", () => import("stripe"), o.client !== undefined);
  if (sdk.status === "fail") return [sdk];
  const credential = await credentialItem(
    "stripe",
    (op) => locate(api, op.subject, op, o.phoneSearch ?? true),
    ctx,
  );
  if (credential.status !== "ok") return [sdk, credential];
  return [sdk, credential, await redactionItem(api, ctx, o.redaction ?? "auto")];
}

async function redactionItem(
  api: StripeApi,
  ctx: CheckContext,
  redaction: boolean | "auto",
): Promise<CheckItem> {
  const name = "redaction-jobs";
  const without = "erasures end manual_required: billing details stay on charges and invoices";
  if (redaction === false) return { name, status: "skipped", detail: `redaction: false: ${without}` };
  try {
    await getRedactionJob(api, probeContext(ctx), PROBE_JOB);
    return { name, status: "ok", detail: "redaction jobs (preview) are available" };
  } catch (error) {
    if (!(error instanceof FanoutError)) throw error;
    if (error.status === 404 && error.providerCode === "resource_missing")
      return { name, status: "ok", detail: "redaction jobs (preview) are available" };
    if (error.status === 404) {
      return redaction === true
        ? {
            name,
            status: "fail",
            detail: "redaction: true, but this account has no redaction jobs (preview)",
          }
        : { name, status: "warn", detail: `this account has no redaction jobs (preview): ${without}` };
    }
    return itemFromError(name, error, "stripe");
  }
}
