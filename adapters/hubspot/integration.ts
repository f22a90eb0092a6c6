/**
 * HubSpot in integration scope (`ctx.scope === "integration"`, docs/tenants.md): only the call
 * engagements a phone integration wrote into a customer's portal, their recordings and attached
 * files, and the notes it wrote — never the portal owner's contact nor anything the owner's users
 * entered.
 *
 * What marks the integration's records: HubSpot sets read-only "Record source" properties on every
 * CRM object (knowledge.hubspot.com/properties/view-and-use-the-record-source-property):
 * `hs_object_source` is `INTEGRATION` for an app's API writes and `hs_object_source_id` the app's
 * id; a user's entry is `CRM_UI` with `hs_object_source_user_id`. [S] The property names and the
 * app id as their value are seen in objects the API returns (public repositories), not stated on a
 * HubSpot reference page; the app id of an OAuth token is in its metadata
 * (`GET /oauth/v1/access-tokens/{token}`, developers.hubspot.com/docs/api/oauth/tokens). So the
 * adapter is given the app id (`integration.appId`) and touches a record only when its
 * `hs_object_source_id` is that id — also when the caller passed the record's id.
 *
 * Finding them: ids the integration stored when it wrote them (`subject.ids.hubspot`: `call:123`,
 * `note:456`, or a bare call id), read by id (consistent); by number, the calls search
 * (`POST /crm/v3/objects/calls/search`, in specs/hubspot/calls-v3.json) on `hs_call_from_number` and
 * `hs_call_to_number` (property names from developers.hubspot.com/docs/api/crm/calls) with every
 * form the number may be stored in, and `hs_object_source_id` equal to the app id; search lags
 * writes, so every hit is read again by id and checked (number with `samePhone`, source id). Notes
 * carry no number: they are erased when their ids are given.
 *
 * Erasing: attached files are GDPR-deleted, calls and notes archived. Archiving a call deletes its
 * recording at once ("call recordings will be permanently deleted", calls v3 spec, archive); the
 * archived records stay restorable from the recycle bin for 90 days (residuals.ts), so the outcome
 * is `scheduled` with that date. There is no GDPR delete for calls in the v3 spec (PROVIDERS.md §4.4).
 */
import type {
  ExportRecord,
  IdentifierKind,
  JsonValue,
  OperationContext,
  RecordRef,
  Residual,
  StatusResult,
} from "../../src/adapter.js";
import { ConfigurationError } from "../../src/errors.js";
import type { IntegrationOperations } from "../../src/integration-scope.js";
import { phoneFormats, samePhone } from "../../src/phone.js";
import { subjectIdentifiers } from "../../src/subject.js";
import { type CrmObject, type HubspotApi, SEARCH_BUDGET } from "./api.js";
import { RECYCLE_BIN_DAYS } from "./erase.js";
import {
  ATTACHMENTS_PROPERTY,
  attachmentIds,
  ENGAGEMENT_PROPERTIES,
  engagementRecord,
  fileRecord,
} from "./mapping.js";
import { restorableResiduals } from "./residuals.js";

/** The integration's records: calls and notes (HubSpot's plural object names). */
type IntegrationType = "calls" | "notes";
const SOURCE = ["hs_object_source", "hs_object_source_id"] as const;
const NUMBERS = ["hs_call_from_number", "hs_call_to_number"] as const;
const DAY_MS = 86_400_000;
const SEARCH_PAGE = 100;

/** What `delete` keeps for `status`: ids and a date. */
interface IntegrationState {
  archived: Partial<Record<IntegrationType, string[]>>;
  files: string[];
  recycleBinPurgeBy?: string;
}

/** Parses `subject.ids.hubspot` in integration scope: `call:123`, `note:456`, a bare id is a call. */
export function parseIntegrationIds(raw: readonly string[]): Record<IntegrationType, string[]> {
  const out: Record<IntegrationType, string[]> = { calls: [], notes: [] };
  for (const value of raw) {
    const match = /^(?:(calls?|notes?)[:/])?(\d{1,30})$/.exec(value.trim());
    if (!match) continue;
    const type: IntegrationType = match[1]?.startsWith("note") ? "notes" : "calls";
    if (!out[type].includes(match[2] ?? "")) out[type].push(match[2] ?? "");
  }
  return out;
}

function typeOf(ref: RecordRef): IntegrationType | undefined {
  return ref.type === "call" ? "calls" : ref.type === "note" ? "notes" : undefined;
}

/** The HubSpot adapter's integration-scope operations; `appId`: the integration's app id. */
export function hubspotIntegration(api: HubspotApi, appId: string | undefined): IntegrationOperations {
  const requireApp = (): string => {
    if (appId) return appId;
    throw new ConfigurationError(
      "hubspot: integration scope needs the integration's app id (option integration.appId)",
      { option: "hubspot.integration.appId" },
    );
  };
  const ours = (object: CrmObject, app: string) => object.properties.hs_object_source_id === app;
  const redactOf = (ctx: OperationContext) => [
    ...subjectIdentifiers(ctx.subject),
    ...(ctx.subject.phone ? phoneFormats(ctx.subject.phone) : []),
  ];
  const byType = (refs: readonly RecordRef[]) => {
    const out: Record<IntegrationType, string[]> = { calls: [], notes: [] };
    for (const ref of refs) {
      const type = typeOf(ref);
      if (type) out[type].push(ref.id);
    }
    return out;
  };

  /** The integration's calls with the subject's number, found by search and confirmed by id. */
  async function callsByNumber(ctx: OperationContext, app: string, phone: string): Promise<string[]> {
    const forms = phoneFormats(phone);
    for (const form of [...forms])
      if (form.startsWith("+") && form.includes(" ")) forms.push(`00${form.slice(1)}`);
    const filterGroups = NUMBERS.map((propertyName) => ({
      filters: [
        { propertyName, operator: "IN" as never, values: [...forms] },
        { propertyName: "hs_object_source_id", operator: "EQ" as never, value: app },
      ],
    }));
    const hits = new Set<string>();
    let after: string | undefined;
    do {
      const page = await api.call(
        ctx,
        "calls.search",
        [...redactOf(ctx), ...forms],
        (c) =>
          c.crm.objects.calls.searchApi.doSearch({
            filterGroups,
            properties: ["hs_object_id"],
            limit: SEARCH_PAGE,
            ...(after ? { after } : {}),
          }),
        false,
        SEARCH_BUDGET,
      );
      for (const result of page?.results ?? []) hits.add(String(result.id));
      after = page?.paging?.next?.after;
    } while (after);
    const confirmed = await api.batchRead(ctx, "calls", [...hits], [...SOURCE, ...NUMBERS], redactOf(ctx));
    return confirmed
      .filter((c) => ours(c, app) && NUMBERS.some((n) => samePhone(c.properties[n] ?? "", phone)))
      .map((c) => c.id);
  }

  return {
    lookup: ["phone", "id"],

    async locate(subject, ctx) {
      const app = requireApp();
      const redact = redactOf(ctx);
      const searchedBy: IdentifierKind[] = [];
      const found: Record<IntegrationType, Set<string>> = { calls: new Set(), notes: new Set() };
      const given = parseIntegrationIds(subject.ids.hubspot ?? []);
      if (given.calls.length + given.notes.length > 0) searchedBy.push("id");
      for (const type of ["calls", "notes"] as const) {
        for (const object of await api.batchRead(ctx, type, given[type], [...SOURCE], redact)) {
          if (ours(object, app)) found[type].add(object.id);
        }
      }
      if (subject.phone) {
        searchedBy.push("phone");
        for (const id of await callsByNumber(ctx, app, subject.phone)) found.calls.add(id);
      }
      const refs: RecordRef[] = [
        ...[...found.calls].map((id) => ({ type: "call", id })),
        ...[...found.notes].map((id) => ({ type: "note", id })),
      ];
      // Notes have no number: they are covered only when their ids were given.
      const types = ["call", "call_recording", "file", ...(given.notes.length > 0 ? ["note"] : [])];
      return { refs, coverage: { searchedBy, types } };
    },

    async export(refs, ctx) {
      const redact = redactOf(ctx);
      const records: ExportRecord[] = [];
      const ids = byType(refs);
      const files = new Set<string>();
      for (const type of ["calls", "notes"] as const) {
        const properties = [...ENGAGEMENT_PROPERTIES[type], ...SOURCE];
        for (const object of await api.batchRead(ctx, type, ids[type], properties, redact)) {
          records.push(engagementRecord(type, object));
          for (const fileId of attachmentIds(object)) files.add(fileId);
        }
      }
      for (const fileId of files) {
        const file = await api.file(ctx, fileId);
        if (file) records.push(fileRecord(file));
      }
      return { records };
    },

    async delete(refs, ctx) {
      const app = requireApp();
      const redact = redactOf(ctx);
      const ids = byType(refs);
      const state: IntegrationState = { archived: {}, files: [] };
      let deleted = 0;
      for (const type of ["calls", "notes"] as const) {
        // Read again: a record is archived only while it is live and still the integration's.
        const live = await api.batchRead(ctx, type, ids[type], [...SOURCE, ATTACHMENTS_PROPERTY], redact);
        const mine = live.filter((o) => ours(o, app));
        for (const object of mine) {
          for (const fileId of attachmentIds(object)) {
            if (await api.gdprDeleteFile(ctx, fileId)) deleted += 1;
            state.files.push(fileId);
          }
        }
        // One batch archive per 100 (api.ts): the ids were read as live just above, so they count.
        await api.archiveBatch(
          ctx,
          type,
          mine.map((o) => o.id),
        );
        deleted += mine.length;
        // Also the ones an earlier attempt archived: the recycle bin is checked by `status`.
        if (ids[type].length > 0) state.archived[type] = [...ids[type]];
      }
      const now = ctx.now().getTime();
      state.recycleBinPurgeBy = new Date(now + RECYCLE_BIN_DAYS * DAY_MS).toISOString();
      const residual: Residual[] = [
        ...restorableResiduals(
          (["calls", "notes"] as const).map((t) => [t, state.archived[t]?.length ?? 0] as const),
          state.recycleBinPurgeBy,
        ),
        ...(await foreignGiven(ctx, app, refs)),
      ];
      const calls = state.archived.calls?.length ?? 0;
      const notes = state.archived.notes?.length ?? 0;
      return {
        outcome: "scheduled",
        deleted,
        eta: state.recycleBinPurgeBy,
        detail:
          `${calls} call(s) and ${notes} note(s) the integration wrote archived (call recordings deleted at once` +
          `${state.files.length > 0 ? `, ${state.files.length} attached file(s) GDPR-deleted` : ""}); ` +
          `restorable from the recycle bin until HubSpot purges them within ${RECYCLE_BIN_DAYS} days; ` +
          "the portal owner's contact and records were left in place",
        state: state as unknown as JsonValue,
        ...(residual.length > 0 ? { residual } : {}),
      };
    },

    async status(refs, deletion, ctx) {
      const redact = redactOf(ctx);
      const state = (deletion.state ?? {}) as Partial<IntegrationState>;
      const ids = byType(refs);
      let remaining = 0;
      for (const type of ["calls", "notes"] as const) {
        const all = [...new Set([...ids[type], ...(state.archived?.[type] ?? [])])];
        remaining += (await api.batchRead(ctx, type, all, ["hs_object_id"], redact)).length;
      }
      for (const fileId of state.files ?? []) if (await api.file(ctx, fileId)) remaining += 1;
      if (remaining > 0) {
        return { state: "remaining", remaining, detail: `${remaining} integration record(s) still readable` };
      }
      const counts: [IntegrationType, number][] = [];
      for (const type of ["calls", "notes"] as const) {
        const inBin = await api.batchRead(
          ctx,
          type,
          state.archived?.[type] ?? [],
          ["hs_object_id"],
          redact,
          true,
        );
        counts.push([type, inBin.length]);
      }
      const kept = (deletion.residual ?? []).filter((r) => r.reason === "not_covered");
      const residual = [...restorableResiduals(counts, state.recycleBinPurgeBy), ...kept];
      const eta = deletion.eta;
      if (counts.every(([, n]) => n === 0) && eta !== undefined && Date.parse(eta) <= ctx.now().getTime()) {
        return { state: "done", remaining: 0, residual };
      }
      return {
        state: "scheduled",
        remaining: 0,
        ...(eta !== undefined ? { eta } : {}),
        detail:
          "nothing is readable; archived calls and notes stay restorable from the recycle bin until purged",
        residual,
      } satisfies StatusResult;
    },
  };

  /** Given ids of live records the integration did not write: left in place, and said so. */
  async function foreignGiven(
    ctx: OperationContext,
    app: string,
    refs: readonly RecordRef[],
  ): Promise<Residual[]> {
    const given = parseIntegrationIds(ctx.subject.ids.hubspot ?? []);
    const located = new Set(refs.map((r) => r.id));
    let foreign = 0;
    for (const type of ["calls", "notes"] as const) {
      const others = given[type].filter((id) => !located.has(id));
      for (const object of await api.batchRead(ctx, type, others, [...SOURCE], redactOf(ctx))) {
        if (!ours(object, app)) foreign += 1;
      }
    }
    if (foreign === 0) return [];
    return [
      {
        type: "engagement",
        count: foreign,
        reason: "not_covered",
        detail:
          `${foreign} HubSpot record(s) given by id were not written by the integration (another record ` +
          "source): left in place for the portal owner, the controller, to decide",
      },
    ];
  }
}
