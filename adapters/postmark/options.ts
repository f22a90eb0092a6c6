/** Options of the Postmark adapter, validated when the factory is called. */
import { z } from "zod";
import { ConfigurationError } from "../../src/errors.js";
import type { PostmarkSdk } from "./api.js";

/** Options of `postmarkAdapter`. */
export interface PostmarkAdapterOptions {
  /**
   * Account API token (`X-Postmark-Account-Token`, account owner or admin). Needed for Data
   * Removals and, unless `serverTokens` is given, to list the servers and their server tokens.
   */
  accountToken: string;
  /**
   * Server API tokens (`X-Postmark-Server-Token`) to search instead of every server of the account.
   * @default every server listed by `GET /servers` (with the server tokens it returns)
   */
  serverTokens?: string[];
  /** Address Postmark records as the requester of data removals (`RequestedBy`), e.g. your DPO. */
  requestedBy: string;
  /**
   * Ask Postmark to email `requestedBy` when a removal completes (`NotifyWhenCompleted`).
   * @default false
   */
  notifyWhenCompleted?: boolean;
  /**
   * API base URL (a simulator, a proxy).
   * @default "https://api.postmarkapp.com"
   */
  baseUrl?: string;
  /**
   * Per-request timeout in milliseconds.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * How old a `ManualSuppression` may be and still be taken as this request's own when restrict is
   * re-run after a crash, or unrestrict runs without restrict's recorded result.
   * @default 86400000 (24 hours)
   */
  restrictRecoveryWindowMs?: number;
  /**
   * The account's activity retention in days: 45 by default, 7–365 with Postmark's Retention
   * add-on (account-wide). Bounce records are kept that long; it dates the `until` of their residual.
   * @default 45
   */
  retentionDays?: number;
  /** The `postmark` module (or a stand-in with `ServerClient` and `AccountClient`). @default await import("postmark") */
  client?: PostmarkSdk;
}

const optionsSchema = z.object({
  accountToken: z.string({ error: "must be a string" }).trim().min(1, { error: "must not be empty" }),
  serverTokens: z
    .array(z.string().trim().min(1, { error: "must not contain empty tokens" }))
    .min(1, { error: "must list at least one token" })
    .optional(),
  requestedBy: z.email({ error: "must be an email address" }),
  notifyWhenCompleted: z.boolean({ error: "must be a boolean" }).optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  timeoutMs: z.number({ error: "must be a number" }).int().positive().optional(),
  restrictRecoveryWindowMs: z.number({ error: "must be a number" }).int().nonnegative().optional(),
  retentionDays: z
    .number({ error: "must be a number" })
    .int()
    .min(7, { error: "must be 7 to 365 (Postmark's retention range)" })
    .max(365, { error: "must be 7 to 365 (Postmark's retention range)" })
    .optional(),
  client: z
    .custom<PostmarkSdk>(
      (v) =>
        typeof v === "object" &&
        v !== null &&
        typeof (v as PostmarkSdk).ServerClient === "function" &&
        typeof (v as PostmarkSdk).AccountClient === "function",
      { error: "must provide ServerClient and AccountClient" },
    )
    .optional(),
});

/** Validated options; throws `ConfigurationError` naming the first missing or invalid option. */
export function parseOptions(options: PostmarkAdapterOptions): z.infer<typeof optionsSchema> {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue?.path.map(String).join(".") || "options";
    throw new ConfigurationError(`postmarkAdapter: option "${option}" ${issue?.message ?? "is invalid"}`, {
      option,
      provider: "postmark",
    });
  }
  return parsed.data;
}
