/**
 * Stripe adapter, on the official `stripe` SDK (imported on first use).
 *
 * - locate: ids from `subject.ids.stripe` (deleted customers whose documents keep data included),
 *   `GET /v1/customers?email=` (exact, case-sensitive, strongly consistent: the address lower-cased
 *   and as given) and the Search API by phone (eventually consistent); every customer found is
 *   erased.
 * - export: the customer with payment methods, tax ids, balance transactions, subscriptions and
 *   their schedules, invoices, credit notes, quotes, charges with their refunds and disputes (and
 *   the disputes' evidence files), payment intents, setup intents and Checkout Sessions.
 * - restrict: `cancel_at_period_end: true` on active subscriptions, marked in metadata, and the
 *   redaction jobs (public preview, raw requests) created and validated; unrestrict cancels the
 *   jobs and puts back the subscriptions, reporting those that ended meanwhile.
 * - delete: `DELETE /v1/customers/{id}` and the jobs run; transactions younger than 90 days are a
 *   residual; status runs jobs when ready and polls them. Documents retained on a legal basis
 *   (`ctx.retain`: invoices, charges…) and their customers' other documents stay out of the jobs.
 *
 * @see https://docs.stripe.com/api/customers/delete
 * @see https://docs.stripe.com/privacy/redaction
 * @see https://docs.stripe.com/search
 * @see https://docs.stripe.com/rate-limits
 * @see docs/adapters/stripe.md
 */
import { createHash } from "node:crypto";
import type Stripe from "stripe";
import { z } from "zod";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import { StripeApi } from "./api.js";
import { erase, status } from "./erase.js";
import { exportRecords } from "./export.js";
import { presentation } from "./labels.js";
import { locate } from "./locate.js";
import { restrict, unrestrict } from "./restrict.js";

/** Options of {@link stripeAdapter}. */
export interface StripeAdapterOptions {
  /**
   * A secret key (`sk_…`) or, better, a restricted key (`rk_…`) with the permissions listed in
   * docs/adapters/stripe.md.
   */
  apiKey: string;
  /** API origin (a simulator, a proxy). @default "https://api.stripe.com" */
  baseUrl?: string;
  /** `Stripe-Version` of SDK calls. @default the version the installed SDK pins */
  stripeVersion?: string;
  /**
   * Whether to run a redaction job (public preview) so charges and invoices lose their billing
   * details: `true` requires it (an account without the preview fails the branch), `false` never
   * tries (the outcome is `manual_required`), `"auto"` uses it when the account has it.
   * @default "auto"
   */
  redaction?: boolean | "auto";
  /** `Stripe-Version` sent with redaction-job requests. @default "2026-10-28.preview" */
  previewVersion?: string;
  /**
   * Whether to look subjects up by phone through Stripe's Search API (the only phone lookup Stripe
   * has; eventually consistent, and not available to merchants in India). `false` leaves `phone`
   * out of `capabilities.lookup`.
   * @default true
   */
  phoneSearch?: boolean;
  /** An SDK client to use instead of creating one (its own retries should be off). */
  client?: Stripe;
}

const optionsSchema = z.object({
  apiKey: z
    .string({ error: "is required (a Stripe secret or restricted key)" })
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, {
      error: "must be a Stripe secret (sk_) or restricted (rk_) key",
    }),
  baseUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  stripeVersion: z.string().min(1).optional(),
  redaction: z.union([z.boolean(), z.literal("auto")], { error: 'must be true, false or "auto"' }).optional(),
  previewVersion: z.string().min(1).optional(),
  phoneSearch: z.boolean({ error: "must be true or false" }).optional(),
  client: z
    .custom<Stripe>((v) => typeof v === "object" && v !== null, { error: "must be a Stripe client" })
    .optional(),
});

/** Creates the Stripe adapter. Throws `ConfigurationError` naming the option when one is invalid. */
export function stripeAdapter(options: StripeAdapterOptions): SubprocessorAdapter {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue?.path.map(String).join(".") || "options";
    throw new ConfigurationError(`stripeAdapter: ${option} ${issue?.message ?? "is invalid"}`, { option });
  }
  const o = parsed.data;
  const api = new StripeApi({
    apiKey: o.apiKey,
    baseUrl: o.baseUrl ?? "https://api.stripe.com",
    stripeVersion: o.stripeVersion,
    previewVersion: o.previewVersion ?? "2026-10-28.preview",
    client: o.client,
  });
  const redaction = o.redaction ?? "auto";
  const phoneSearch = o.phoneSearch ?? true;
  const live = o.apiKey.includes("_live_");
  return {
    id: "stripe",
    presentation,
    capabilities: {
      export: true,
      restrict: true,
      unrestrict: true,
      asyncDelete: redaction !== false,
      softDelete: false,
      lookup: phoneSearch ? ["email", "phone", "id"] : ["email", "id"],
      // Documents a retention rule may keep (left out of redaction jobs; see redaction-plan.ts).
      retainable: ["invoice", "charge", "payment_intent", "checkout.session"],
    },
    // Stripe: 100 operations/s in live mode, 25/s in a sandbox (test keys).
    rateLimit: { requests: live ? 100 : 25, intervalMs: 1000 },
    // A digest of the key: adapters sharing a key share a budget; the key itself never leaves.
    rateLimitKey: `stripe:${createHash("sha256").update(o.apiKey).digest("hex").slice(0, 16)}`,
    locate: (subject, ctx) => locate(api, subject, ctx, phoneSearch),
    export: (refs, ctx) => exportRecords(api, refs, ctx),
    restrict: (refs, ctx) => restrict(api, refs, ctx, redaction),
    unrestrict: (refs, undo, ctx) => unrestrict(api, refs, undo, ctx),
    delete: (refs, ctx) => erase(api, refs, ctx, redaction),
    status: (refs, deletion, ctx) => status(api, refs, deletion, ctx, phoneSearch),
    check: (ctx) => import("./check.js").then((m) => m.check(api, o, ctx)),
  };
}
