/**
 * HubSpot erasure and its verification.
 *
 * Order matters. A contact's GDPR delete unassociates calls and tasks without removing them, and
 * once the contact is gone its associations can no longer be listed; attachments are found through
 * the engagements that list them. So, per contact: list its engagements, GDPR-delete their files,
 * archive the calls and tasks, and only then GDPR-delete the contact. Each step treats "already
 * gone" (404) as done, so a re-run after a crash finishes the job without repeating a deletion.
 */
import type {
  DeleteResult,
  JsonValue,
  OperationContext,
  RecordRef,
  StatusResult,
} from "../../src/adapter.js";
import { subjectIdentifiers } from "../../src/subject.js";
import { ENGAGEMENT_TYPES, type EngagementType, type HubspotApi } from "./api.js";
import { ATTACHMENTS_PROPERTY, attachmentIds } from "./mapping.js";

const DAY_MS = 86_400_000;
/** HubSpot purges a GDPR-deleted contact "up to 30 days" after the request. */
export const GDPR_PURGE_DAYS = 30;
/** Archived records stay restorable in the recycle bin for 90 days. */
export const RECYCLE_BIN_DAYS = 90;

interface DeletionState {
  contacts: string[];
  files: string[];
  archived: Partial<Record<EngagementType, string[]>>;
  contactPurgeBy: string;
  recycleBinPurgeBy?: string;
}

/** Erases every contact in `refs` with its files and outliving engagements. */
export async function deleteContacts(
  api: HubspotApi,
  refs: readonly RecordRef[],
  archiveTypes: readonly EngagementType[],
  ctx: OperationContext,
): Promise<DeleteResult> {
  if (refs.length === 0) return { outcome: "not_found", deleted: 0 };
  const redact = subjectIdentifiers(ctx.subject);
  const state: DeletionState = { contacts: [], files: [], archived: {}, contactPurgeBy: "" };
  let deleted = 0;
  let alreadyGone = 0;
  for (const ref of refs) {
    const contact = await api.contact(ctx, { id: ref.id }, ["hs_object_id"], [], redact);
    if (!contact) {
      alreadyGone += 1;
      continue;
    }
    const engagements = new Map<EngagementType, string[]>();
    const fileIds = new Set<string>();
    for (const type of ENGAGEMENT_TYPES) {
      const ids = (await api.associatedIds(ctx, contact.id, type)) ?? [];
      engagements.set(type, ids);
      for (const object of await api.batchRead(ctx, type, ids, [ATTACHMENTS_PROPERTY], redact)) {
        for (const fileId of attachmentIds(object)) fileIds.add(fileId);
      }
    }
    for (const fileId of fileIds) {
      if (await api.gdprDeleteFile(ctx, fileId)) deleted += 1;
      state.files.push(fileId);
    }
    for (const type of archiveTypes) {
      const ids = engagements.get(type) ?? [];
      for (const id of ids) {
        if (await api.archive(ctx, type, id)) deleted += 1;
      }
      if (ids.length > 0) state.archived[type] = [...ids];
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
      `${archivedCount} call/task engagement(s) archived: call recordings deleted now, ` +
        `records purged from the recycle bin within ${RECYCLE_BIN_DAYS} days`,
    );
  }
  if (alreadyGone > 0) parts.push(`${alreadyGone} contact(s) were already deleted`);
  return {
    outcome: "scheduled",
    deleted,
    eta,
    detail: parts.join("; "),
    state: state as unknown as JsonValue,
  };
}

function readState(deletion: DeleteResult): Partial<DeletionState> {
  const state = deletion.state;
  return state && typeof state === "object" && !Array.isArray(state) ? (state as Partial<DeletionState>) : {};
}

/** Re-checks that nothing erased is still readable: contacts by id and email, engagements, files. */
export async function verifyDeletion(
  api: HubspotApi,
  refs: readonly RecordRef[],
  deletion: DeleteResult,
  ctx: OperationContext,
): Promise<StatusResult> {
  if (deletion.outcome === "not_found") return { state: "done", remaining: 0 };
  const redact = subjectIdentifiers(ctx.subject);
  const state = readState(deletion);
  let remaining = 0;
  const contactIds = new Set([...refs.map((r) => r.id), ...(state.contacts ?? [])]);
  for (const id of contactIds) {
    if (await api.contact(ctx, { id }, ["hs_object_id"], [], redact)) remaining += 1;
  }
  if (ctx.subject.email) {
    // The consistent lookup: a GDPR-deleted contact no longer answers to its email.
    if (await api.contact(ctx, { email: ctx.subject.email }, ["hs_object_id"], [], redact)) remaining += 1;
  }
  for (const [type, ids] of Object.entries(state.archived ?? {}) as [EngagementType, string[]][]) {
    remaining += (await api.batchRead(ctx, type, ids, ["hs_object_id"], redact)).length;
  }
  for (const fileId of state.files ?? []) {
    if (await api.file(ctx, fileId)) remaining += 1;
  }
  if (remaining > 0) {
    return { state: "remaining", remaining, detail: `${remaining} HubSpot record(s) still readable` };
  }
  const eta = deletion.eta;
  if (eta !== undefined && Date.parse(eta) <= ctx.now().getTime()) return { state: "done", remaining: 0 };
  return {
    state: "scheduled",
    remaining: 0,
    ...(eta !== undefined ? { eta } : {}),
    detail: "nothing readable remains; HubSpot purges by the ETA",
  };
}
