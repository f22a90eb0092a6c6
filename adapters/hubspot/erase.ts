/**
 * HubSpot erasure.
 *
 * Order matters. A contact's GDPR delete leaves some of its activities in place (HubSpot's knowledge
 * base, "Understand restorable and permanent contact deletions"): calls and tasks are only
 * unassociated, and a note, email or meeting also associated with another record (a company, a
 * deal, a ticket, another contact) stays on that record's timeline. Once the contact is gone its
 * associations can no longer be listed, and attachments are found through the engagements that
 * list them. So, per contact: list its engagements and their files, find which notes, emails and
 * meetings are shared with another record, GDPR-delete the files, archive the calls, the tasks and
 * the shared engagements (one batch archive per type), and only then GDPR-delete the contact,
 * which takes the rest with it.
 * Each step treats "already gone" (404) as done, so a re-run after a crash finishes the job
 * without repeating a deletion.
 *
 * "The subject's" engagements are those associated with one of the subject's contacts (the
 * contacts `locate` found): an engagement shared with a company or another person is still about
 * the subject, and the GDPR delete would leave it readable on the other record.
 */
import type { DeleteResult, JsonValue, OperationContext, RecordRef } from "../../src/adapter.js";
import { subjectIdentifiers } from "../../src/subject.js";
import { ENGAGEMENT_TYPES, type EngagementType, type HubspotApi, SHARED_WITH_TYPES } from "./api.js";
import { ATTACHMENTS_PROPERTY, attachmentIds } from "./mapping.js";
import { restorableResiduals } from "./residuals.js";

const DAY_MS = 86_400_000;
/** HubSpot purges a GDPR-deleted contact "up to 30 days" after the request. */
export const GDPR_PURGE_DAYS = 30;
/** Archived records stay restorable in the recycle bin for 90 days. */
export const RECYCLE_BIN_DAYS = 90;

/** What `delete` keeps for `status`: ids and dates only. */
export interface DeletionState {
  contacts: string[];
  files: string[];
  /** Engagements archived explicitly (in the recycle bin until `recycleBinPurgeBy`). */
  archived: Partial<Record<EngagementType, string[]>>;
  /** Engagements left to the contact's GDPR delete: `status` checks they are no longer readable. */
  cascaded: Partial<Record<EngagementType, string[]>>;
  contactPurgeBy: string;
  recycleBinPurgeBy?: string;
}

/** Erases every contact in `refs` with its files and the engagements its GDPR delete would leave. */
export async function deleteContacts(
  api: HubspotApi,
  refs: readonly RecordRef[],
  archiveTypes: readonly EngagementType[],
  ctx: OperationContext,
): Promise<DeleteResult> {
  if (refs.length === 0) return { outcome: "not_found", deleted: 0 };
  const redact = subjectIdentifiers(ctx.subject);
  const subjectContacts = new Set(refs.map((r) => r.id));
  const state: DeletionState = { contacts: [], files: [], archived: {}, cascaded: {}, contactPurgeBy: "" };
  let deleted = 0;
  let alreadyGone = 0;
  let shared = 0;
  for (const ref of refs) {
    const contact = await api.contact(ctx, { id: ref.id }, ["hs_object_id"], [], redact);
    if (!contact) {
      alreadyGone += 1;
      continue;
    }
    const toArchive = new Map<EngagementType, string[]>();
    /** Engagements read live just now: what an archive of them erases. */
    const live = new Set<string>();
    const fileIds = new Set<string>();
    for (const type of ENGAGEMENT_TYPES) {
      const ids = (await api.associatedIds(ctx, contact.id, type)) ?? [];
      for (const object of await api.batchRead(ctx, type, ids, [ATTACHMENTS_PROPERTY], redact)) {
        live.add(`${type}:${object.id}`);
        for (const fileId of attachmentIds(object)) fileIds.add(fileId);
      }
      if (archiveTypes.includes(type)) {
        toArchive.set(type, ids);
        continue;
      }
      const survivors = await sharedEngagements(api, ctx, type, ids, subjectContacts);
      shared += survivors.size;
      toArchive.set(type, [...survivors]);
      const cascaded = ids.filter((id) => !survivors.has(id));
      if (cascaded.length > 0) state.cascaded[type] = [...(state.cascaded[type] ?? []), ...cascaded];
    }
    for (const fileId of fileIds) {
      if (await api.gdprDeleteFile(ctx, fileId)) deleted += 1;
      state.files.push(fileId);
    }
    for (const [type, ids] of toArchive) {
      if (ids.length === 0) continue;
      // One batch archive per type (100 ids a call) instead of one DELETE per engagement.
      await api.archiveBatch(ctx, type, ids);
      deleted += ids.filter((id) => live.has(`${type}:${id}`)).length;
      state.archived[type] = [...(state.archived[type] ?? []), ...ids];
    }
    if (await api.gdprDeleteContact(ctx, contact.id)) deleted += 1;
    else alreadyGone += 1;
    state.contacts.push(contact.id);
  }
  const now = ctx.now().getTime();
  state.contactPurgeBy = new Date(now + GDPR_PURGE_DAYS * DAY_MS).toISOString();
  const archivedCount = Object.values(state.archived).reduce((n, ids) => n + ids.length, 0);
  if (archivedCount > 0) state.recycleBinPurgeBy = new Date(now + RECYCLE_BIN_DAYS * DAY_MS).toISOString();
  const eta = state.recycleBinPurgeBy ?? state.contactPurgeBy;
  const parts = [`contact GDPR delete accepted; purge within ${GDPR_PURGE_DAYS} days`];
  if (state.files.length > 0) parts.push(`${state.files.length} attached file(s) GDPR-deleted`);
  if (archivedCount > 0) {
    parts.push(
      `${archivedCount} engagement(s) archived (calls and tasks, and ${shared} note(s), email(s) or ` +
        `meeting(s) also associated with another record): call recordings deleted now, records ` +
        `restorable from the recycle bin until purged within ${RECYCLE_BIN_DAYS} days`,
    );
  }
  if (alreadyGone > 0) parts.push(`${alreadyGone} contact(s) were already deleted`);
  const residual = restorableResiduals(
    Object.entries(state.archived).map(([type, ids]) => [type as EngagementType, ids.length]),
    state.recycleBinPurgeBy,
  );
  return {
    outcome: "scheduled",
    deleted,
    eta,
    detail: parts.join("; "),
    state: state as unknown as JsonValue,
    ...(residual.length > 0 ? { residual } : {}),
  };
}

/**
 * The engagements among `ids` that are also associated with a record other than the subject's
 * contacts: those a contact GDPR delete leaves on the other record's timeline.
 */
async function sharedEngagements(
  api: HubspotApi,
  ctx: OperationContext,
  type: EngagementType,
  ids: readonly string[],
  subjectContacts: ReadonlySet<string>,
): Promise<Set<string>> {
  const shared = new Set<string>();
  for (const toType of SHARED_WITH_TYPES) {
    const unknown = ids.filter((id) => !shared.has(id));
    if (unknown.length === 0) break;
    for (const [id, targets] of await api.associatedWith(ctx, type, toType, unknown)) {
      const others = toType === "contacts" ? targets.filter((t) => !subjectContacts.has(t)) : targets;
      if (others.length > 0) shared.add(id);
    }
  }
  return shared;
}
