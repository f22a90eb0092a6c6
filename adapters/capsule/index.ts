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
import type {
  ExportFile,
  ExportRecord,
  IdentifierKind,
  OperationContext,
  RecordRef,
  SubprocessorAdapter,
} from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import { phoneFormats, samePhone } from "../../src/phone.js";
import { type CapsuleApi, type CapsuleTask, createCapsuleApi } from "./api.js";
import { deleteParties } from "./erase.js";
import { presentation } from "./labels.js";
import {
  attachmentFile,
  attachmentRecord,
  entryRecord,
  opportunityRecord,
  partyRecord,
  partyTasks,
  projectRecord,
  taskRecord,
} from "./mapping.js";
import { restrictParties, unrestrictParties } from "./restrict.js";
import { erasureStatus } from "./verify.js";

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

/** The record types the adapter looks for, exports and erases (the receipt's coverage). */
const COVERED_TYPES = [
  "party",
  "call",
  "note",
  "email",
  "task",
  "entry",
  "attachment",
  "opportunity",
  "project",
];

/**
 * The parties with one of their phone numbers the subject's. Capsule's `phone` filter compares the
 * number as it was typed, so each form it may be stored in is one filter request (the conditions
 * of one filter must all hold); every hit is checked again with `samePhone`.
 */
async function findByPhone(api: CapsuleApi, phone: string, ctx: OperationContext): Promise<string[]> {
  const forms = phoneFormats(phone);
  // The library's forms, plus the spaced international one with a 00 prefix ("0044 20 7946 0000").
  for (const form of [...forms]) {
    if (form.startsWith("+") && form.includes(" ")) forms.push(`00${form.slice(1)}`);
  }
  const found = new Set<string>();
  for (const form of forms) {
    for (const party of await api.findPartiesByPhone(ctx, form)) {
      const numbers = (party.phoneNumbers as { number?: unknown }[] | undefined) ?? [];
      if (numbers.some((n) => typeof n.number === "string" && samePhone(n.number, phone))) {
        found.add(String(party.id));
      }
    }
  }
  return [...found];
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
    presentation,
    capabilities: {
      export: true,
      restrict: true,
      unrestrict: true,
      asyncDelete: true,
      softDelete: false,
      lookup: ["email", "phone", "id"],
    },
    // 4,000 requests per hour per user (bearer token).
    rateLimit: { requests: 4000, intervalMs: 3_600_000 },
    rateLimitKey: `capsule:${tokenKey}`,

    async locate(subject, ctx) {
      const refs: RecordRef[] = [];
      const seen = new Set<string>();
      const searchedBy: IdentifierKind[] = [];
      const add = (id: string) => {
        if (seen.has(id)) return;
        seen.add(id);
        refs.push({ type: "party", id });
      };
      const given = subject.ids.capsule ?? [];
      if (given.length > 0) searchedBy.push("id");
      for (const id of given) {
        if (/^\d+$/.test(id) && !seen.has(id) && (await api.exists(ctx, "parties", id))) add(id);
      }
      if (subject.email) {
        searchedBy.push("email");
        for (const party of await api.findPartiesByEmail(ctx, subject.email)) add(String(party.id));
      }
      if (subject.phone) {
        searchedBy.push("phone");
        for (const id of await findByPhone(api, subject.phone, ctx)) add(id);
      }
      return { refs, coverage: { searchedBy, types: COVERED_TYPES } };
    },

    async export(refs, ctx) {
      const records: ExportRecord[] = [];
      const files: ExportFile[] = [];
      let tasks: CapsuleTask[] | undefined;
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
        const opportunities = await api.opportunities(ctx, ref.id);
        const projects = await api.kases(ctx, ref.id);
        for (const o of opportunities) records.push(opportunityRecord(o));
        for (const k of projects) records.push(projectRecord(k));
        tasks ??= await api.openTasks(ctx);
        for (const t of partyTasks(tasks, ref.id, opportunities, projects)) records.push(taskRecord(t));
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
