/**
 * Zoho CRM adapter. Maps the subject to Contacts and Leads (search by email and phone, ids first)
 * and the records linked to them (Calls, Tasks, Events, Cases, Deals); exports the records with
 * their Notes, Attachments (downloaded), Calls (with recordings) and Emails; restricts by deleting
 * to the recycle bin (which Zoho purges after 60 days: `restrictionExpiresAfter`), unrestricts by
 * restoring from it, and erases by purging the recycle bin. Deals and records shared with an
 * account or another person are kept and reported as residuals. Built on the shared fetch client:
 * the Zoho SDK keeps global state and has no restore call.
 *
 * @see https://www.zoho.com/crm/developer/docs/api/v8/
 * @see https://www.zoho.com/crm/developer/docs/api/v8/restore-recycle-bin-records.html
 * @see docs/adapters/zoho.md
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import { ZohoApi } from "./api.js";
import { DATA_CENTERS, TokenManager, type ZohoDataCenter, zohoEndpoints } from "./auth.js";
import { erase, restrict, status, unrestrict } from "./erase.js";
import { exportRefs } from "./export.js";
import { presentation } from "./labels.js";
import { locate } from "./locate.js";
import type { PersonModule } from "./mapping.js";

export { dataCenterUrls, type ZohoDataCenter, zohoEndpoints } from "./auth.js";

/** Options of {@link zohoAdapter}. Plain JSON. */
export interface ZohoAdapterOptions {
  /** OAuth client id (a Self Client for server-to-server use). */
  clientId: string;
  /** OAuth client secret. */
  clientSecret: string;
  /**
   * A long-lived refresh token with the scopes listed in docs/adapters/zoho.md
   * (`ZohoCRM.modules.ALL`, `ZohoCRM.settings.recycle_bin.ALL`, …).
   */
  refreshToken: string;
  /**
   * The Zoho data centre of the org: picks the accounts server (`accounts.zoho.{dc}`, Canada
   * `accounts.zohocloud.ca`) and the default API domain (`www.zohoapis.{dc}`).
   * @default "com"
   */
  dataCenter?: ZohoDataCenter;
  /** Accounts server override, e.g. `https://accounts.zoho.eu`. @default from `dataCenter` */
  accountsUrl?: string;
  /**
   * API domain override. Without it the token response's `api_domain` is used, else the data
   * centre's `www.zohoapis.{dc}`.
   * @default from the token response
   */
  apiDomain?: string;
  /** One origin for both the accounts server and the API (sandboxes, simulators). @default none */
  baseUrl?: string;
  /**
   * Person modules searched for the subject.
   * @default ["Contacts", "Leads"]
   */
  modules?: PersonModule[];
  /** Per-request timeout in milliseconds. @default 30000 */
  timeoutMs?: number;
  /**
   * API credits of the org per rolling 24 hours (Enterprise: 50,000 + 1,000 per user licence), for
   * the shared rate limiter.
   * @default 50000
   */
  creditsPerDay?: number;
  /** When true a failure here does not abort the saga. @default false */
  optional?: boolean;
}

const url = z.string().refine((v) => /^https?:\/\/[^/\s]+/.test(v), "must be an http(s) URL");

const schema = z
  .object({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    refreshToken: z.string().min(1),
    dataCenter: z.enum(DATA_CENTERS as [ZohoDataCenter, ...ZohoDataCenter[]]).optional(),
    accountsUrl: url.optional(),
    apiDomain: url.optional(),
    baseUrl: url.optional(),
    modules: z
      .array(z.enum(["Contacts", "Leads"]))
      .min(1)
      .optional(),
    timeoutMs: z.number().int().positive().optional(),
    creditsPerDay: z.number().int().positive().optional(),
    optional: z.boolean().optional(),
  })
  .strict();

function validate(options: unknown): z.infer<typeof schema> {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const option = issue?.path.map(String).join(".") || "options";
  const problem = issue?.code === "invalid_type" && issue.input === undefined ? "is required" : "is invalid";
  throw new ConfigurationError(`zohoAdapter: option ${option} ${problem}`, { option, provider: "zoho" });
}

/** Creates the Zoho CRM adapter (id `zoho`). */
export function zohoAdapter(options: ZohoAdapterOptions): SubprocessorAdapter {
  const o = validate(options);
  const endpoints = zohoEndpoints(o);
  const tokens = new TokenManager(o, endpoints, o.timeoutMs);
  const api = new ZohoApi(tokens, o.timeoutMs);
  const modules: readonly PersonModule[] = o.modules ?? ["Contacts", "Leads"];
  const id = "zoho";
  return {
    id,
    presentation,
    capabilities: {
      export: true,
      restrict: true,
      unrestrict: true,
      asyncDelete: false,
      softDelete: true,
      lookup: ["email", "phone", "id"],
      // Zoho purges its recycle bin 60 days after a record entered it (zoho.com help "Recycle Bin").
      restrictionExpiresAfter: "60d",
    },
    ...(o.optional === undefined ? {} : { optional: o.optional }),
    rateLimit: { requests: o.creditsPerDay ?? 50_000, intervalMs: 86_400_000 },
    rateLimitKey: `zoho:${createHash("sha256").update(`${endpoints.accountsUrl}\u0000${o.clientId}`).digest("hex").slice(0, 16)}`,
    locate: (subject, ctx) => locate(api, modules, id, subject, ctx),
    export: (refs, ctx) => exportRefs(api, refs, ctx),
    restrict: (refs, ctx) => restrict(api, refs, ctx),
    unrestrict: (refs, undo, ctx) => unrestrict(api, refs, undo, ctx),
    delete: (refs, ctx) => erase(api, refs, ctx),
    status: (refs, deletion, ctx) => status(api, refs, deletion, ctx),
    check: (ctx) => import("./check.js").then((m) => m.check(api, modules, ctx)),
  };
}
