/**
 * Pipedrive adapter: finds a subject's persons (by id, then by exact email and phone search),
 * exports the person with their activities (also those where they are not the primary
 * participant), deals, leads, notes, files, mail messages and the call logs every listed user
 * logged against them, and erases the call logs (with their recordings), activities, notes, files,
 * leads and mail threads, then the person. Pipedrive keeps deleted persons, activities, files and
 * leads in its trash for 30 days before purging them, so a deletion ends `scheduled`, with the
 * trash as a residual; users whose token is not configured are reported as not covered.
 *
 * Built on the official `pipedrive` SDK (v1 and v2 namespaces, axios underneath), imported lazily.
 *
 * @see https://developers.pipedrive.com/docs/api/v1
 * @see https://developers.pipedrive.com/docs/api/v1/CallLogs
 * @see https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting
 * @see docs/adapters/pipedrive.md
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { ExportFile, ExportRecord, SubprocessorAdapter } from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import { phoneFormats } from "../../src/phone.js";
import { subjectIdentifiers } from "../../src/subject.js";
import { loadSdk, type PipedriveCredential, type PipedriveSdk, PipedriveSession } from "./api.js";
import {
  activitiesOf,
  callLogsOf,
  dealsOf,
  filesOf,
  GONE,
  getPerson,
  leadsOf,
  mailOf,
  notesOf,
} from "./collect.js";
import { erase, verify } from "./erase.js";
import { findPersons } from "./find.js";
import { presentation } from "./labels.js";
import { idOf, mailRecord, type PipedriveRecordType, toExportFile, toRecord } from "./mapping.js";

export type { PipedriveSdk } from "./api.js";

/** Options of {@link pipedriveAdapter}. Give exactly one of `apiToken` and `oauth`. */
export interface PipedriveAdapterOptions {
  /**
   * Personal API token of an **admin** user of the company (sent as `x-api-token`). Admin rights
   * are needed to delete persons. Its user's call logs are searched too.
   */
  apiToken?: string;
  /** OAuth 2.0 access of an installed app, instead of `apiToken`. */
  oauth?: {
    /** Access token (sent as `Authorization: Bearer`); refreshing it is the caller's job. */
    accessToken: string;
    /** The company domain from the token response (`api_domain`), e.g. `https://acme.pipedrive.com`. */
    apiDomain: string;
  };
  /**
   * API tokens of the other users whose call logs and mail must be found. Pipedrive lists only the
   * authorizing user's own call logs, so a user whose token is missing keeps their call logs (and
   * mail threads): `delete` reports such users as a `not_covered` residual, by user id.
   * @default []
   */
  userTokens?: string[];
  /**
   * Origin of the API (sandbox, simulator). v1 is called under `/v1` (`/api/v1` with OAuth),
   * v2 under `/api/v2`.
   * @default "https://api.pipedrive.com", or `oauth.apiDomain`
   */
  baseUrl?: string;
  /** The SDK modules to use instead of importing `pipedrive/v1` and `pipedrive/v2`. */
  client?: PipedriveSdk;
  /**
   * Read every activity of the company to find those where the subject is a participant but not
   * the primary one (Pipedrive's `person_id` filter matches the primary participant only).
   * Costs one list request per 500 activities.
   * @default true
   */
  scanActivities?: boolean;
  /**
   * Also delete the deals linked to the person. Deals are usually the CRM owner's business records,
   * so they are exported but kept by default.
   * @default false
   */
  deleteDeals?: boolean;
  /**
   * Per-request timeout in milliseconds.
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Requests per 2 seconds the adapter allows itself (Pipedrive's burst limit per token depends
   * on the plan: 20–120 for API tokens, 80–480 for OAuth).
   * @default 20 with an API token, 80 with OAuth (the lowest plan's)
   */
  requestsPer2s?: number;
}

const token = z.string().trim().min(8, { error: "must be a Pipedrive token" });
const url = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const schema = z.strictObject({
  apiToken: token.optional(),
  oauth: z.strictObject({ accessToken: token, apiDomain: url }).optional(),
  userTokens: z.array(token).max(500).optional(),
  baseUrl: url.optional(),
  client: z
    .custom<PipedriveSdk>((v) => typeof v === "object" && v !== null && "v1" in v && "v2" in v)
    .optional(),
  scanActivities: z.boolean().optional(),
  deleteDeals: z.boolean().optional(),
  timeoutMs: z.number().int().positive().optional(),
  requestsPer2s: z.number().int().positive().optional(),
});

function parseOptions(options: unknown): z.infer<typeof schema> {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const option = issue?.path.length ? issue.path.map(String).join(".") : "options";
    const problem =
      issue?.code === "unrecognized_keys" ? "has an unknown option" : (issue?.message ?? "is invalid");
    throw new ConfigurationError(`pipedriveAdapter: ${option} ${problem}`, { option, provider: "pipedrive" });
  }
  const value = parsed.data;
  if ((value.apiToken === undefined) === (value.oauth === undefined)) {
    throw new ConfigurationError("pipedriveAdapter: give exactly one of apiToken and oauth", {
      option: "apiToken",
      provider: "pipedrive",
    });
  }
  return value;
}

/**
 * The record types the adapter looks for. Call logs are covered for the users whose token is
 * configured; the others are reported as a `not_covered` residual by `delete`.
 */
const COVERED_TYPES: readonly PipedriveRecordType[] = [
  "person",
  "activity",
  "deal",
  "lead",
  "note",
  "file",
  "mail_message",
  "call_log",
];

/** Creates the Pipedrive adapter. */
export function pipedriveAdapter(options: PipedriveAdapterOptions): SubprocessorAdapter {
  const opts = parseOptions(options);
  const main: PipedriveCredential = opts.oauth
    ? { kind: "oauth", token: opts.oauth.accessToken }
    : { kind: "api_token", token: opts.apiToken as string };
  const credentials: PipedriveCredential[] = [main];
  for (const t of opts.userTokens ?? []) {
    if (!credentials.some((c) => c.token === t)) credentials.push({ kind: "api_token", token: t });
  }
  const origin = (opts.baseUrl ?? opts.oauth?.apiDomain ?? "https://api.pipedrive.com").replace(/\/+$/, "");
  const bases = { v1: `${origin}${opts.oauth ? "/api/v1" : "/v1"}`, v2: `${origin}/api/v2` };
  const secrets = credentials.map((c) => c.token);
  const settings = {
    main,
    credentials,
    scanActivities: opts.scanActivities ?? true,
    deleteDeals: opts.deleteDeals ?? false,
  };
  let sdk: Promise<PipedriveSdk> | undefined;
  const session = async (ctx: Parameters<SubprocessorAdapter["locate"]>[1]): Promise<PipedriveSession> => {
    if (!sdk) {
      sdk = loadSdk(opts.client);
      // A failed import is not cached: installing the package fixes the next attempt.
      sdk.catch(() => {
        sdk = undefined;
      });
    }
    // Every form the phone is searched in is an identifier that must never reach an error.
    const identifiers = [
      ...subjectIdentifiers(ctx.subject),
      ...(ctx.subject.phone === undefined ? [] : phoneFormats(ctx.subject.phone)),
    ];
    return new PipedriveSession(await sdk, bases, ctx, secrets, identifiers, opts.timeoutMs ?? 30_000);
  };
  const personIds = (refs: Parameters<SubprocessorAdapter["export"]>[0]): number[] =>
    refs.filter((r) => r.type === "person" && /^\d+$/.test(r.id)).map((r) => Number(r.id));

  return Object.freeze({
    id: "pipedrive",
    presentation,
    capabilities: {
      export: true,
      // Pipedrive has no reversible first phase: no suppression or processing flag, and deleted
      // records cannot be restored through the API (only recreated, with new ids).
      restrict: false,
      unrestrict: false,
      asyncDelete: false,
      softDelete: true,
      lookup: ["email", "phone", "id"],
    },
    rateLimit: { requests: opts.requestsPer2s ?? (opts.oauth ? 80 : 20), intervalMs: 2_000 },
    rateLimitKey: `pipedrive:${createHash("sha256").update(main.token).digest("hex").slice(0, 16)}`,

    async locate(subject, ctx) {
      const s = await session(ctx);
      const found = await findPersons(s, main, subject, "pipedrive");
      return {
        refs: found.ids.map((id) => ({ type: "person", id: String(id) })),
        coverage: { searchedBy: found.searchedBy, types: COVERED_TYPES },
      };
    },

    async export(refs, ctx) {
      const s = await session(ctx);
      const records: ExportRecord[] = [];
      const files: ExportFile[] = [];
      const push = (record: ExportRecord | undefined): void => {
        if (record) records.push(record);
      };
      const persons: number[] = [];
      for (const id of personIds(refs)) {
        const person = await getPerson(s, main, id);
        if (!person) continue;
        persons.push(id);
        push(toRecord("person", person));
      }
      if (persons.length === 0) return { records };
      for (const activity of (await activitiesOf(s, main, persons, settings.scanActivities)).values()) {
        push(toRecord("activity", activity));
      }
      for (const deal of await dealsOf(s, main, persons)) push(toRecord("deal", deal));
      for (const lead of await leadsOf(s, main, persons)) push(toRecord("lead", lead));
      for (const note of await notesOf(s, main, persons)) push(toRecord("note", note));
      for (const message of await mailOf(s, main, persons)) push(mailRecord(message));
      for (const file of await filesOf(s, main, persons)) {
        const record = toRecord("file", file);
        if (!record) continue;
        push(record);
        const fileId = Number(record.id);
        const bytes = await s.call(
          "files.download",
          () => s.as(main).files.downloadFile({ id: fileId }) as Promise<unknown>,
          GONE,
        );
        if (bytes instanceof Uint8Array) files.push(toExportFile(file, bytes));
        else if (typeof bytes === "string") files.push(toExportFile(file, new TextEncoder().encode(bytes)));
      }
      for (const { log } of await callLogsOf(s, credentials, persons)) {
        const id = idOf(log);
        if (id !== undefined) records.push({ type: "call_log", id, data: log as ExportRecord["data"] });
      }
      return files.length > 0 ? { records, files } : { records };
    },

    async delete(refs, ctx) {
      return erase(await session(ctx), settings, personIds(refs), ctx);
    },

    async status(refs, deletion, ctx) {
      return verify(await session(ctx), settings, personIds(refs), deletion, ctx.now());
    },
    check: (ctx) => import("./check.js").then((m) => m.check(session, main, opts, ctx)),
  } satisfies SubprocessorAdapter);
}
