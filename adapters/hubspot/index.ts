/**
 * HubSpot adapter: a CRM contact and everything the phone integration pushed onto it.
 *
 * - locate: `GET /crm/v3/objects/contacts/{id}` and `GET /crm/v3/objects/contacts/{email}?idProperty=email`
 *   (consistent); by phone, `POST /crm/v3/objects/contacts/search` on `phone`/`mobilephone` with
 *   every stored form of the number (search lags writes: hits are re-read by id).
 * - export: contact properties with history; calls, notes, emails, meetings and tasks through
 *   associations v4 + batch read; files attached to them (metadata); email subscription statuses.
 * - restrict: unsubscribe from all email (communication preferences v4). No automatic unrestrict:
 *   re-subscribing someone needs a lawful basis, which software cannot assert.
 * - delete: GDPR-delete the attached files, archive the calls and tasks and the notes, emails and
 *   meetings also associated with another record (they all outlive a contact's GDPR delete;
 *   archiving destroys call recordings at once), then GDPR-delete the contact (purged within 30
 *   days; its email is blocklisted). Outcome `scheduled`; the archived engagements are reported as
 *   `restorable` residuals until the recycle bin's 90 days are over.
 *
 * @see https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/guide
 * @see https://developers.hubspot.com/docs/api-reference/crm-calls-v3/guide
 * @see https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide
 * @see https://developers.hubspot.com/docs/api-reference/files-files-v3/guide
 * @see https://developers.hubspot.com/docs/api-reference/communication-preferences-subscriptions-v4/guide
 * @see https://knowledge.hubspot.com/privacy-and-consent/how-do-i-perform-a-gdpr-delete-in-hubspot
 * @see docs/adapters/hubspot.md
 */
import { createHash } from "node:crypto";
import type { Client } from "@hubspot/api-client";
import { z } from "zod";
import type {
  ExportRecord,
  IdentifierKind,
  OperationContext,
  RecordRef,
  RestrictResult,
  SubprocessorAdapter,
} from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import { withIntegrationScope } from "../../src/integration-scope.js";
import { phoneFormats, samePhone } from "../../src/phone.js";
import { subjectIdentifiers } from "../../src/subject.js";
import { createClient, ENGAGEMENT_TYPES, type EngagementType, HubspotApi, PHONE_PROPERTIES } from "./api.js";
import { deleteContacts } from "./erase.js";
import { expiredContacts, type HubspotSweepOptions, hubspotSweeps } from "./expired.js";
import { hubspotIntegration } from "./integration.js";
import { presentation } from "./labels.js";
import {
  attachmentIds,
  CONTACT_HISTORY_PROPERTIES,
  CONTACT_PROPERTIES,
  contactRecord,
  ENGAGEMENT_PROPERTIES,
  engagementRecord,
  fileRecord,
  preferencesRecord,
  RECORD_TYPE,
  withExtra,
} from "./mapping.js";
import { verifyDeletion } from "./verify.js";

/** Options of {@link hubspotAdapter}. Plain JSON apart from `client`. */
export interface HubspotAdapterOptions {
  /** Private app (or OAuth) access token, sent as `Authorization: Bearer …`. Required unless `client` is given. */
  accessToken?: string;
  /**
   * API origin: the simulator's URL in tests.
   * @default "https://api.hubapi.com"
   */
  baseUrl?: string;
  /** A ready `@hubspot/api-client` `Client` (13.5.x); build it with `numberOfApiCallRetries: 0` and no limiter. */
  client?: Client;
  /**
   * The portal's tier, which sets the declared rate limit: 100 requests per 10 s on free/starter,
   * 190 on professional/enterprise.
   * @default "starter"
   */
  tier?: "free" | "starter" | "professional" | "enterprise";
  /**
   * Engagement types archived before the contact's GDPR delete, because that delete leaves them in
   * place (HubSpot's knowledge base: "calls and tasks will still appear").
   * @default ["calls", "tasks"]
   */
  archiveEngagements?: EngagementType[];
  /** Extra properties to export per object type (custom properties your integration writes). */
  extraProperties?: Partial<Record<"contacts" | EngagementType, string[]>>;
  /** Retention sweeps: which lifecycle stages mean customer and former customer (docs/sweeps.md). */
  sweep?: HubspotSweepOptions;
  /**
   * Integration scope (docs/tenants.md): the id of your app, which HubSpot records on what it wrote
   * (`hs_object_source_id`). Required for requests in integration scope; see integration.ts.
   */
  integration?: { appId: string };
}

const engagementSchema = z.enum(ENGAGEMENT_TYPES);
const optionsSchema = z.object({
  accessToken: z.string().trim().min(1).optional(),
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  client: z.custom<Client>((v) => typeof v === "object" && v !== null).optional(),
  tier: z.enum(["free", "starter", "professional", "enterprise"]).optional(),
  archiveEngagements: z.array(engagementSchema).optional(),
  extraProperties: z
    .partialRecord(z.enum(["contacts", ...ENGAGEMENT_TYPES]), z.array(z.string().min(1)))
    .optional(),
  sweep: z
    .object({
      customerStages: z.array(z.string().trim().min(1)).optional(),
      formerCustomerStages: z.array(z.string().trim().min(1)).optional(),
    })
    .strict()
    .optional(),
  integration: z.object({ appId: z.string().regex(/^\d{1,20}$/) }).optional(),
});

const CONTACT_TYPE = "contact";
/** The record types the adapter looks for, exports and erases (the receipt's coverage). */
const COVERED_TYPES = [
  CONTACT_TYPE,
  ...ENGAGEMENT_TYPES.map((type) => RECORD_TYPE[type]),
  "file",
  "communication-preferences",
];

/**
 * The live contacts whose `phone` or `mobilephone` is the subject's number, in any of the forms it
 * may be stored in. Search is eventually consistent, so every hit is re-read by id (consistent)
 * and its stored numbers compared again; a contact written in the last moments may be missed,
 * which the saga's relocate step, after the wait, makes up for.
 */
async function findByPhone(
  api: HubspotApi,
  phone: string,
  redact: readonly string[],
  ctx: OperationContext,
): Promise<string[]> {
  const out: string[] = [];
  // The library's forms, plus the spaced international one with a 00 prefix ("0044 20 7946 0000").
  const forms = phoneFormats(phone);
  for (const form of [...forms]) {
    if (form.startsWith("+") && form.includes(" ")) forms.push(`00${form.slice(1)}`);
  }
  for (const hit of await api.searchContactsByPhone(ctx, forms, redact)) {
    const contact = await api.contact(ctx, { id: hit.id }, [...PHONE_PROPERTIES], [], redact);
    const numbers = PHONE_PROPERTIES.map((name) => contact?.properties[name] ?? "");
    if (contact && numbers.some((stored) => samePhone(stored, phone))) out.push(contact.id);
  }
  return out;
}

/** Creates the HubSpot adapter. Throws `CONFIGURATION` naming the option when options are invalid. */
export function hubspotAdapter(options: HubspotAdapterOptions): SubprocessorAdapter {
  const parsed = optionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const option = parsed.error.issues[0]?.path.map(String).join(".") || "options";
    throw new ConfigurationError(`hubspot: option ${option} is invalid`, { option: `hubspot.${option}` });
  }
  const config = parsed.data;
  if (!config.accessToken && !config.client) {
    throw new ConfigurationError("hubspot: accessToken is required (a private app access token)", {
      option: "hubspot.accessToken",
    });
  }
  const token = config.accessToken ?? "";
  const baseUrl = config.baseUrl ?? "https://api.hubapi.com";
  let client: Promise<Client> | undefined = config.client ? Promise.resolve(config.client) : undefined;
  const getClient = () => {
    client ??= createClient(token, baseUrl);
    return client;
  };
  const secrets = token ? [token] : [];
  const api = new HubspotApi(getClient, secrets);
  const extra = config.extraProperties ?? {};
  const archiveTypes = config.archiveEngagements ?? ["calls", "tasks"];
  const tenSecondly = config.tier === "professional" || config.tier === "enterprise" ? 190 : 100;

  const identifiers = (ctx: OperationContext) => subjectIdentifiers(ctx.subject);
  const contactRefs = (refs: readonly RecordRef[]) => refs.filter((r) => r.type === CONTACT_TYPE);

  const adapter: SubprocessorAdapter = {
    id: "hubspot",
    presentation,
    capabilities: {
      export: true,
      restrict: true,
      unrestrict: false,
      asyncDelete: false,
      softDelete: true,
      lookup: ["email", "phone", "id"],
      sweeps: hubspotSweeps(config.sweep),
    },
    rateLimit: { requests: tenSecondly, intervalMs: 10_000 },
    rateLimitKey: `hubspot:${createHash("sha256")
      .update(token || baseUrl)
      .digest("hex")
      .slice(0, 16)}`,

    async locate(subject, ctx) {
      const redact = identifiers(ctx);
      const ids = new Set<string>();
      const searchedBy: IdentifierKind[] = [];
      const given = subject.ids.hubspot ?? [];
      if (given.length > 0) searchedBy.push("id");
      /** A given contact whose primary email is the subject's: the email lookup would return it again. */
      let emailOwnerRead = false;
      for (const id of given) {
        const found = await api.contact(ctx, { id }, ["hs_object_id", "email"], [], redact);
        if (!found) continue;
        ids.add(found.id);
        if (subject.email && found.properties.email?.toLowerCase() === subject.email) emailOwnerRead = true;
      }
      if (subject.email) {
        searchedBy.push("email");
        // A primary email belongs to one contact, so `idProperty=email` can only answer the contact
        // read above: that read is the lookup (one request saved, nothing less searched).
        if (!emailOwnerRead) {
          const found = await api.contact(ctx, { email: subject.email }, ["hs_object_id"], [], redact);
          if (found) ids.add(found.id);
        }
      }
      if (subject.phone) {
        searchedBy.push("phone");
        for (const id of await findByPhone(api, subject.phone, redact, ctx)) ids.add(id);
      }
      return {
        refs: [...ids].map((id) => ({ type: CONTACT_TYPE, id })),
        coverage: { searchedBy, types: COVERED_TYPES },
      };
    },

    async export(refs, ctx) {
      const redact = identifiers(ctx);
      const records: ExportRecord[] = [];
      for (const ref of contactRefs(refs)) {
        const contact = await api.contact(
          ctx,
          { id: ref.id },
          withExtra(CONTACT_PROPERTIES, extra.contacts),
          CONTACT_HISTORY_PROPERTIES,
          redact,
        );
        if (!contact) continue;
        records.push(contactRecord(contact));
        const fileIds = new Set<string>();
        for (const type of ENGAGEMENT_TYPES) {
          const ids = (await api.associatedIds(ctx, contact.id, type)) ?? [];
          const objects = await api.batchRead(
            ctx,
            type,
            ids,
            withExtra(ENGAGEMENT_PROPERTIES[type], extra[type]),
            redact,
          );
          for (const object of objects) {
            records.push(engagementRecord(type, object));
            for (const fileId of attachmentIds(object)) fileIds.add(fileId);
          }
        }
        for (const fileId of fileIds) {
          const file = await api.file(ctx, fileId);
          if (file) records.push(fileRecord(file));
        }
        const email = contact.properties.email;
        if (email) {
          const statuses = await api.preferenceStatuses(ctx, email);
          if (statuses) records.push(preferencesRecord(contact.id, statuses));
        }
      }
      return { records };
    },

    async restrict(refs, ctx): Promise<RestrictResult> {
      const redact = identifiers(ctx);
      const unsubscribed: string[] = [];
      for (const ref of contactRefs(refs)) {
        const contact = await api.contact(ctx, { id: ref.id }, ["email"], [], redact);
        const email = contact?.properties.email;
        if (!contact || !email) continue;
        await api.unsubscribeAll(ctx, email);
        unsubscribed.push(contact.id);
      }
      // Ids only; there is no unrestrict to feed (re-subscribing needs a lawful basis).
      return { undo: { unsubscribedContacts: unsubscribed }, restricted: unsubscribed.length };
    },

    delete: (refs, ctx) => deleteContacts(api, contactRefs(refs), archiveTypes, ctx),
    status: (refs, deletion, ctx) => verifyDeletion(api, contactRefs(refs), deletion, ctx),
    expired: (policy, ctx) => expiredContacts(getClient, secrets, config.sweep, policy, ctx),
    check: (ctx) => import("./check.js").then((m) => m.check(api, config, ctx)),
  };
  return withIntegrationScope(adapter, hubspotIntegration(api, config.integration?.appId));
}
