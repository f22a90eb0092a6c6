/**
 * Chargebee (billing) adapter, on the official `chargebee` v3 SDK (the older `chargebee-typescript`
 * stopped receiving updates on 30 Sep 2025).
 *
 * Maps a data subject to Chargebee customers (by id, then `email[is]` and `phone[is]`; one email
 * may have several customers) and:
 * - export: customer, contacts, subscriptions, invoices and credit notes (with PDF download URLs and
 *   the PDFs), transactions, payment sources, comments;
 * - restrict: cancel active subscriptions at the end of their term; unrestrict:
 *   `remove_scheduled_cancellation` for exactly those, and `notUndone` for those whose term ended
 *   meanwhile;
 * - delete: cancel what remains now, then `clear_personal_data` (default; invoices, credit notes
 *   and transactions stay for legal and audit purposes, reported as residuals) or delete the whole
 *   customer (`deleteMode: "delete"`); records retained on a legal basis (`ctx.retain`) make it a
 *   clear whatever the mode, and their follow-up erasure (`ctx.retentionEnded`) a delete;
 * - status: re-reads the customers (PII blank, `scheduled_for_clear`, or 404 once purged).
 *
 * @see https://apidocs.chargebee.com/docs/api/customers
 * @see https://apidocs.chargebee.com/docs/api/customers#clear_personal_data
 * @see https://apidocs.chargebee.com/docs/api/subscriptions#remove_scheduled_cancellation
 * @see https://www.chargebee.com/docs/2.0/personal-data-management.html
 * @see docs/adapters/chargebee.md
 */
import { z } from "zod";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { type Duration, parseDuration } from "../../src/duration.js";
import { ConfigurationError } from "../../src/errors.js";
import { ChargebeeApi, type ChargebeeClientLike, type ChargebeeConnection } from "./api.js";
import { erase, status } from "./erase.js";
import { presentation } from "./labels.js";
import { exportCustomers, locateCustomers } from "./read.js";
import { type EraseSettings, restrict, unrestrict } from "./subscriptions.js";

export type { ChargebeeClientLike } from "./api.js";

/** Options of {@link chargebeeAdapter}. Plain JSON apart from `client`. */
export interface ChargebeeAdapterOptions {
  /** The site name: `acme` for `https://acme.chargebee.com`. */
  site: string;
  /** A full-access API key, or one whose role has `customers.clear_pii` (see docs/adapters/chargebee.md). */
  apiKey: string;
  /**
   * Use the site's test site (`{site}-test.chargebee.com`).
   * @default false
   */
  testSite?: boolean;
  /**
   * Where to send requests instead of `https://{site}.chargebee.com` (a simulator, a proxy);
   * `/api/v2/…` is appended. Ignored when `client` is given.
   */
  baseUrl?: string;
  /** Sent as `chargebee-business-entity-id` on every request (multi-entity sites). */
  businessEntityId?: string;
  /**
   * `clear_personal_data` blanks the customer's personal fields and keeps invoices, credit notes and
   * transactions; `delete` removes the customer with all its subscriptions, invoices, credit notes
   * and payment sources (records you may be obliged to keep).
   * @default "clear_personal_data"
   */
  deleteMode?: "clear_personal_data" | "delete";
  /**
   * The site's product catalog version: `2.0` cancels with `cancel_for_items`, `1.0` with `cancel`.
   * @default "2.0"
   */
  productCatalog?: "1.0" | "2.0";
  /**
   * The data retention period set in Settings › Personal Data, when it is not "immediately": the
   * API does not expose it, and it gives the ETA of a deferred clear (`"30d"`, ms, ISO 8601).
   */
  personalDataRetention?: Duration;
  /**
   * Download invoice and credit-note PDFs into the access package (their URLs expire).
   * @default true
   */
  downloadPdfs?: boolean;
  /**
   * Requests per minute allowed for the key: test sites and Starter 150, Performance 1000,
   * Enterprise 3500.
   * @default 150
   */
  requestsPerMinute?: number;
  /**
   * Client-side timeout of one request, in ms.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * A `chargebee` v3 client to use instead of building one (`new Chargebee({ site, apiKey })`).
   * Its own host, timeout and retry settings apply; the operation's abort signal is not passed to it.
   */
  client?: object;
}

const optionsSchema = z.object({
  site: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, { error: 'must be a Chargebee site name such as "acme"' }),
  apiKey: z.string().min(8, { error: "must be a Chargebee API key" }),
  testSite: z.boolean().optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  businessEntityId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,50}$/, { error: "must be a business entity id" })
    .optional(),
  deleteMode: z
    .enum(["clear_personal_data", "delete"], { error: 'must be "clear_personal_data" or "delete"' })
    .optional(),
  productCatalog: z.enum(["1.0", "2.0"], { error: 'must be "1.0" or "2.0"' }).optional(),
  personalDataRetention: z.union([z.number(), z.string()]).optional(),
  downloadPdfs: z.boolean().optional(),
  requestsPerMinute: z.number().int().positive().optional(),
  timeoutMs: z.number().int().positive().optional(),
  client: z
    .custom<ChargebeeClientLike>(
      (v) => typeof (v as { customer?: { list?: unknown } } | null)?.customer?.list === "function",
      {
        error: "must be a chargebee v3 client (new Chargebee({ site, apiKey }))",
      },
    )
    .optional(),
});

function validate(options: unknown): z.infer<typeof optionsSchema> {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue?.path.map(String).join(".") || "options";
    const problem =
      issue?.code === "invalid_type" && issue.input === undefined
        ? "is required"
        : (issue?.message ?? "is invalid");
    throw new ConfigurationError(`chargebeeAdapter: option ${option} ${problem}`, {
      option,
      provider: "chargebee",
    });
  }
  return parsed.data;
}

/** Builds the Chargebee adapter. Options are checked now: a missing or bad one throws `CONFIGURATION`. */
export function chargebeeAdapter(options: ChargebeeAdapterOptions): SubprocessorAdapter {
  const o = validate(options);
  let retentionMs: number | undefined;
  if (o.personalDataRetention !== undefined) {
    try {
      retentionMs = parseDuration(o.personalDataRetention, "personalDataRetention");
    } catch {
      throw new ConfigurationError(
        'chargebeeAdapter: option personalDataRetention must be a duration such as "30d"',
        {
          option: "personalDataRetention",
          provider: "chargebee",
        },
      );
    }
  }
  const site = o.testSite ? `${o.site}-test` : o.site;
  const connection: ChargebeeConnection = {
    site,
    apiKey: o.apiKey,
    baseUrl: o.baseUrl,
    businessEntityId: o.businessEntityId,
    timeoutMs: o.timeoutMs ?? 30_000,
    client: o.client,
  };
  const settings: EraseSettings = {
    deleteMode: o.deleteMode ?? "clear_personal_data",
    productCatalog: o.productCatalog ?? "2.0",
    retentionMs,
  };
  const downloadPdfs = o.downloadPdfs ?? true;
  const api = (ctx: Parameters<SubprocessorAdapter["locate"]>[1]) => new ChargebeeApi(connection, ctx);
  return Object.freeze({
    id: "chargebee",
    presentation,
    capabilities: {
      export: true,
      restrict: true,
      unrestrict: true,
      asyncDelete: true,
      softDelete: false,
      lookup: ["email", "phone", "id"],
      // Kept by clearing instead of deleting the customer (see deleteModeFor in erase.ts).
      retainable: ["invoice", "credit_note", "transaction"],
    },
    rateLimit: { requests: o.requestsPerMinute ?? 150, intervalMs: 60_000 },
    rateLimitKey: `chargebee:${site}`,
    locate: (subject, ctx) => locateCustomers(api(ctx), ctx, subject.ids.chargebee ?? []),
    export: (refs, ctx) => exportCustomers(api(ctx), ctx, refs, downloadPdfs),
    restrict: (refs, ctx) => restrict(api(ctx), ctx, settings, refs),
    unrestrict: (refs, undo, ctx) => unrestrict(api(ctx), ctx, refs, undo),
    delete: (refs, ctx) => erase(api(ctx), ctx, settings, refs),
    status: (refs, deletion, ctx) => status(api(ctx), ctx, refs, deletion),
    check: (ctx) => import("./check.js").then((m) => m.check(api, o, ctx)),
  } satisfies SubprocessorAdapter);
}
