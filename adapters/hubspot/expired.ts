/**
 * HubSpot retention sweeps: contacts whose retention ran out, found with CRM search and checked
 * again with a consistent read.
 *
 * - prospect: `lifecyclestage` not one of `customerStages` or `formerCustomerStages` (or unset),
 *   `createdate` and `lastmodifieddate` before the cut-off, and `notes_last_updated` ("Last
 *   Activity Date") before it or unset.
 * - inactive (only with `formerCustomerStages`): `lifecyclestage` one of them, `lastmodifieddate`
 *   before the cut-off (so the stage was set before it) and no activity since.
 *
 * Search is keyset-paged: sorted by `hs_object_id` ascending, each page asks for ids above the last
 * one seen. HubSpot refuses to page past 10,000 results of one query, which a backlog exceeds; a
 * fresh query per page never reaches that, and deletions made meanwhile cannot shift it. Search
 * lags writes, so each page's ids are re-read with a batch read (consistent) and the policy is
 * checked again on what that read returns.
 *
 * @see https://developers.hubspot.com/docs/api-reference/search/guide (filterGroups, sorts, limits)
 * @see https://knowledge.hubspot.com/contacts/use-lifecycle-stages (the stages)
 * @see docs/adapters/hubspot.md#retention-sweeps
 */
import type { Client } from "@hubspot/api-client";
import type { ExpiredRecord, SweepContext, SweepPolicy } from "../../src/adapter.js";
import { ConfigurationError, FanoutError } from "../../src/errors.js";
import { toFanoutError } from "../../src/http/classify.js";
import { PHONE_PROPERTIES, SEARCH_BUDGET } from "./api.js";
import { abortable, PROVIDER, parseJson, toError } from "./errors.js";

/** What a HubSpot user configures for sweeps (`hubspotAdapter({ sweep })`). */
export interface HubspotSweepOptions {
  /**
   * Lifecycle stages (internal values) of people who are or were customers: never prospects.
   * @default ["customer", "evangelist"]
   */
  customerStages?: string[];
  /**
   * Lifecycle stages that mean "former customer, account closed" (HubSpot has none by default:
   * `other`, or a custom stage's internal id). Without them the `inactive` policy is not offered.
   */
  formerCustomerStages?: string[];
}

/** The options as validated (zod leaves absent keys `undefined`). */
type SweepConfig = { [K in keyof HubspotSweepOptions]?: HubspotSweepOptions[K] | undefined };

const PAGE = 100;
const CHECK_PROPERTIES = ["lifecyclestage", "createdate", "lastmodifieddate", "notes_last_updated"];
/**
 * Read in the same batch read (no extra call): the identifiers the sweep checks subject holds
 * against (`ExpiredRecord.email`/`phone`); kept in memory only.
 */
const IDENTIFIER_PROPERTIES = ["email", "hs_additional_emails", ...PHONE_PROPERTIES];

type Filter = { propertyName: string; operator: string; value?: string; values?: string[] };
type Contact = { id: string; properties: Record<string, string | null | undefined> };

/** The policies a configuration answers. */
export function hubspotSweeps(options: SweepConfig | undefined): ("prospect" | "inactive")[] {
  return (options?.formerCustomerStages?.length ?? 0) > 0 ? ["prospect", "inactive"] : ["prospect"];
}

/** Epoch ms of a HubSpot datetime value (ISO text or ms); `undefined` when unset. */
function time(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(n) ? n : Number.NaN;
}

/** The filter groups of one page (OR between groups, AND within one). */
function filterGroups(
  policy: SweepPolicy,
  stages: Stages,
  after: string | undefined,
): { filters: Filter[] }[] {
  const cut = String(policy.olderThan.getTime());
  const common: Filter[] = [
    { propertyName: "lastmodifieddate", operator: "LT", value: cut },
    ...(after ? [{ propertyName: "hs_object_id", operator: "GT", value: after }] : []),
  ];
  const activity: Filter[][] = [
    [{ propertyName: "notes_last_updated", operator: "LT", value: cut }],
    [{ propertyName: "notes_last_updated", operator: "NOT_HAS_PROPERTY" }],
  ];
  if (policy.kind === "inactive") {
    const stage = { propertyName: "lifecyclestage", operator: "IN", values: stages.former };
    return activity.map((a) => ({ filters: [stage, ...a, ...common] }));
  }
  // Whether NOT_IN matches a contact without a stage is not documented [U]: ask for both.
  const stageGroups: Filter[] = [
    { propertyName: "lifecyclestage", operator: "NOT_IN", values: [...stages.customer, ...stages.former] },
    { propertyName: "lifecyclestage", operator: "NOT_HAS_PROPERTY" },
  ];
  const created = { propertyName: "createdate", operator: "LT", value: cut };
  return stageGroups.flatMap((stage) =>
    activity.map((a) => ({ filters: [stage, created, ...a, ...common] })),
  );
}

interface Stages {
  readonly customer: readonly string[];
  readonly former: string[];
}

/** The policy, checked on a consistent read of the contact. */
function stillExpired(policy: SweepPolicy, stages: Stages, c: Contact): boolean {
  const cut = policy.olderThan.getTime();
  const p = c.properties;
  const before = (name: string, unsetOk: boolean) => {
    const t = time(p[name]);
    return t === undefined ? unsetOk : t < cut;
  };
  const stage = (p.lifecyclestage ?? "").toLowerCase();
  if (!before("lastmodifieddate", false) || !before("notes_last_updated", true)) return false;
  if (policy.kind === "inactive") return stages.former.includes(stage);
  return before("createdate", false) && !stages.customer.includes(stage) && !stages.former.includes(stage);
}

/**
 * The contact's email addresses (`email`, and `hs_additional_emails`, which HubSpot keeps as one
 * `;`-separated value) and phone numbers, as the batch read returned them.
 */
function identifiers(c: Contact): { email?: string[]; phone?: string[] } {
  const p = c.properties;
  const values = (names: readonly string[], split: boolean) =>
    names
      .flatMap((n) => (split ? (p[n] ?? "").split(";") : [p[n] ?? ""]))
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
  const email = [...values(["email"], false), ...values(["hs_additional_emails"], true)];
  const phone = values(PHONE_PROPERTIES, false);
  return { ...(email.length ? { email } : {}), ...(phone.length ? { phone } : {}) };
}

/** The records `expired` yields for HubSpot. */
export async function* expiredContacts(
  client: () => Promise<Client>,
  secrets: readonly string[],
  options: SweepConfig | undefined,
  policy: SweepPolicy,
  ctx: SweepContext,
): AsyncIterable<ExpiredRecord> {
  const stages: Stages = {
    customer: (options?.customerStages ?? ["customer", "evangelist"]).map((s) => s.toLowerCase()),
    former: (options?.formerCustomerStages ?? []).map((s) => s.toLowerCase()),
  };
  if (policy.kind === "inactive" && stages.former.length === 0) {
    throw new ConfigurationError(
      "hubspot: the inactive policy needs sweep.formerCustomerStages (the lifecycle stages of closed accounts)",
      { option: "hubspot.sweep.formerCustomerStages" },
    );
  }
  const request = async (operation: string, path: string, body: unknown, search: boolean) => {
    ctx.signal.throwIfAborted();
    await ctx.rateLimit(search ? SEARCH_BUDGET : undefined);
    try {
      const c = await client();
      const response = await abortable(c.apiRequest({ method: "POST", path, body }), ctx.signal);
      const text = await response.text();
      const json = parseJson(text);
      if (response.status >= 200 && response.status < 300 && json) return json;
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      if (response.status < 300) {
        throw new FanoutError("PROVIDER_RESPONSE", `${PROVIDER} ${operation} returned malformed JSON`, {
          provider: PROVIDER,
          operation,
          status: response.status,
          retryable: true,
        });
      }
      throw toError(response.status, headers, json, new Error(`HTTP ${response.status}`), operation, secrets);
    } catch (error) {
      throw toFanoutError(error, { provider: PROVIDER, operation, redact: secrets, signal: ctx.signal });
    }
  };
  let after = ctx.cursor;
  for (;;) {
    const page = await request(
      "contacts.searchExpired",
      "/crm/v3/objects/contacts/search",
      {
        filterGroups: filterGroups(policy, stages, after),
        sorts: [{ propertyName: "hs_object_id", direction: "ASCENDING" }],
        properties: ["hs_object_id"],
        limit: PAGE,
      },
      true,
    );
    const ids = ((page.results ?? []) as Contact[]).map((r) => String(r.id));
    if (ids.length === 0) return;
    // Search lags writes: read the page again (consistent) and keep what still matches.
    const read = await request(
      "contacts.batchRead",
      "/crm/v3/objects/contacts/batch/read",
      {
        inputs: ids.map((id) => ({ id })),
        properties: [...CHECK_PROPERTIES, ...IDENTIFIER_PROPERTIES],
        propertiesWithHistory: [],
      },
      false,
    );
    const fresh = new Map(((read.results ?? []) as Contact[]).map((c) => [String(c.id), c]));
    for (const id of ids) {
      const contact = fresh.get(id);
      if (contact && stillExpired(policy, stages, contact))
        yield { type: "contact", id, cursor: id, ...identifiers(contact) };
    }
    after = ids[ids.length - 1];
    if (!(page.paging as { next?: unknown } | undefined)?.next) return;
  }
}
