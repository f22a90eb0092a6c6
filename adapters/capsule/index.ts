/**
 * Capsule CRM adapter. Maps a data subject to Capsule *parties* (people) found by email with the
 * parties filter; exports the party with its entries (notes, emails, call notes), the entries'
 * attachments (call recordings), opportunities and projects; restricts with a tag on the party;
 * erases the integration's call notes and their attachments, then the party (204, or 202 and a job
 * that `status` polls), verified with the party lookup and the deleted-parties log.
 *
 * Capsule has no SDK and no official spec: this adapter uses the shared fetch client. Behaviour the
 * docs do not state is listed in docs/adapters/capsule.md.
 *
 * @see https://developer.capsulecrm.com/v2/overview/authentication
 * @see https://developer.capsulecrm.com/v2/operations/Party
 * @see https://developer.capsulecrm.com/v2/operations/Entry
 * @see https://developer.capsulecrm.com/v2/overview/handling-api-responses
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { ExportFile, ExportRecord, RecordRef, SubprocessorAdapter } from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import { type CapsuleApi, createCapsuleApi } from "./api.js";
import { deleteParties, erasureStatus } from "./erase.js";
import {
  attachmentFile,
  attachmentRecord,
  entryRecord,
  opportunityRecord,
  partyRecord,
  projectRecord,
} from "./mapping.js";
import { restrictParties, unrestrictParties } from "./restrict.js";

/** Options of {@link capsuleAdapter}. Plain JSON. */
export interface CapsuleAdapterOptions {
  /**
   * A Capsule bearer token: a personal access token (My Preferences › API Authentication Tokens)
   * or an OAuth 2 access token, of a user who can read and delete parties.
   */
  apiToken: string;
  /**
   * API origin (a simulator or a proxy); paths `/api/v2/…` are appended.
   * @default "https://api.capsulecrm.com"
   */
  baseUrl?: string;
  /**
   * Name of the tag that marks a party as restricted. A second tag, `"<restrictTag> (gdpr-fanout)"`,
   * records that this integration added it, so a restriction someone set by hand is never lifted.
   * @default "gdpr-restricted"
   */
  restrictTag?: string;
  /**
   * Also delete the party's opportunities and projects explicitly before the party. When false they
   * are left to the party delete (Capsule's cascade is undocumented) and `status` checks they are gone.
   * @default false
   */
  deleteOpportunities?: boolean;
  /**
   * Activity types of the entries the integration wrote, deleted explicitly (with their attachments)
   * before the party. `["*"]` deletes every entry on the party explicitly.
   * @default ["Call"]
   */
  entryActivityTypes?: string[];
  /** Only entries created by this Capsule username count as the integration's. @default any creator */
  entryCreator?: string;
  /** Per-request timeout in milliseconds. @default 30000 */
  timeoutMs?: number;
}

const optionsSchema = z.object({
  apiToken: z.string().trim().min(1),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  restrictTag: z.string().trim().min(1).max(100).optional(),
  deleteOpportunities: z.boolean().optional(),
  entryActivityTypes: z.array(z.string().trim().min(1)).min(1).optional(),
  entryCreator: z.string().trim().min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
});

function parseOptions(input: unknown) {
  const parsed = optionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue?.path.map(String).join(".") || "options";
    // The message names the option, never its value (it may be the token).
    throw new ConfigurationError(`capsuleAdapter: option "${option}" is missing or invalid`, { option });
  }
  return parsed.data;
}

/** Creates the Capsule adapter. Throws `ConfigurationError` naming a missing or invalid option. */
export function capsuleAdapter(options: CapsuleAdapterOptions): SubprocessorAdapter {
  const o = parseOptions(options);
  const restrictTag = o.restrictTag ?? "gdpr-restricted";
  const scope = {
    activityTypes: (o.entryActivityTypes ?? ["Call"]).map((t) => t.toLowerCase()),
    ...(o.entryCreator === undefined ? {} : { creator: o.entryCreator.toLowerCase() }),
  };
  const api: CapsuleApi = createCapsuleApi({
    apiToken: o.apiToken,
    baseUrl: o.baseUrl ?? "https://api.capsulecrm.com",
    ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
  });
  const tokenKey = createHash("sha256").update(o.apiToken).digest("hex").slice(0, 16);

  return {
    id: "capsule",
    capabilities: {
      export: true,
      restrict: true,
      unrestrict: true,
      asyncDelete: true,
      softDelete: false,
      lookup: ["email", "id"],
    },
    // 4,000 requests per hour per user (bearer token).
    rateLimit: { requests: 4000, intervalMs: 3_600_000 },
    rateLimitKey: `capsule:${tokenKey}`,

    async locate(subject, ctx) {
      const refs: RecordRef[] = [];
      const seen = new Set<string>();
      for (const id of subject.ids.capsule ?? []) {
        if (!/^\d+$/.test(id) || seen.has(id)) continue;
        if (await api.exists(ctx, "parties", id)) {
          seen.add(id);
          refs.push({ type: "party", id });
        }
      }
      if (subject.email) {
        for (const party of await api.findPartiesByEmail(ctx, subject.email)) {
          const id = String(party.id);
          if (seen.has(id)) continue;
          seen.add(id);
          refs.push({ type: "party", id });
        }
      }
      return { refs };
    },

    async export(refs, ctx) {
      const records: ExportRecord[] = [];
      const files: ExportFile[] = [];
      for (const ref of refs) {
        if (ref.type !== "party") continue;
        const party = await api.getParty(ctx, ref.id);
        if (!party) continue;
        records.push(partyRecord(party));
        for (const entry of await api.entries(ctx, ref.id)) {
          records.push(entryRecord(entry));
          for (const meta of entry.attachments ?? []) {
            const download = await api.attachment(ctx, meta.id);
            const file = download
              ? attachmentFile(
                  entry.id,
                  meta.id,
                  download.filename ?? meta.filename,
                  download.contentType,
                  download.bytes,
                )
              : undefined;
            if (file) files.push(file);
            records.push(attachmentRecord(entry.id, meta, file));
          }
        }
        for (const o of await api.opportunities(ctx, ref.id)) records.push(opportunityRecord(o));
        for (const k of await api.kases(ctx, ref.id)) records.push(projectRecord(k));
      }
      return files.length > 0 ? { records, files } : { records };
    },

    restrict: (refs, ctx) => restrictParties(api, restrictTag, refs, ctx),
    unrestrict: (refs, undo, ctx) => unrestrictParties(api, restrictTag, refs, undo, ctx),
    delete: (refs, ctx) =>
      deleteParties(api, { scope, deleteOpportunities: o.deleteOpportunities ?? false }, refs, ctx),
    status: (refs, deletion, ctx) => erasureStatus(api, refs, deletion, ctx),
    check: (ctx) => import("./check.js").then((m) => m.check(api, ctx)),
  };
}
