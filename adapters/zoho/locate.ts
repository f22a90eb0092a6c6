/**
 * Locate: the subject's Contacts and Leads (ids first, then search by email and by phone), and the
 * records linked to them (Calls, Tasks, Events, Cases, Deals). Ids given for records that are no
 * longer live but in the recycle bin (restricted by an open erasure) are located too: they are
 * still the subject's data, and an export must include them.
 */
import type { IdentifierKind, LocateResult, OperationContext, RecordRef } from "../../src/adapter.js";
import { phoneFormats, samePhone } from "../../src/phone.js";
import type { Subject } from "../../src/subject.js";
import type { ZohoApi, ZohoRecordJson } from "./api.js";
import {
  asModule,
  FIELDS,
  idOf,
  isPerson,
  LINKED_LISTS,
  MODULES,
  moduleOf,
  type PersonModule,
  ref,
  TYPE_OF_MODULE,
  type ZohoModule,
} from "./mapping.js";

/** Record types the adapter covers: what it locates, and the children it exports with them. */
export const COVERED_TYPES: readonly string[] = [
  ...MODULES.map((m) => TYPE_OF_MODULE[m]),
  "note",
  "attachment",
  "email",
];

/** Phone fields of Contacts (Leads have Phone and Mobile). */
const PHONE_FIELDS = ["Phone", "Mobile", "Home_Phone", "Other_Phone", "Asst_Phone"] as const;

/** Parses an id from `subject.ids.zoho`: `Contacts:123`, `Deals/123` or a bare `123`. */
function parseGivenId(raw: string): { module?: ZohoModule; id: string } {
  const match = /^([A-Za-z_]+)[:/](.+)$/.exec(raw.trim());
  const module = asModule(match?.[1]);
  if (match && module) return { module, id: match[2] ?? "" };
  return { id: raw.trim() };
}

function matchesEmail(record: ZohoRecordJson, email: string): boolean {
  return [record.Email, record.Secondary_Email].some(
    (v) => typeof v === "string" && v.trim().toLowerCase() === email,
  );
}

function matchesPhone(record: ZohoRecordJson, phone: string): boolean {
  return PHONE_FIELDS.some((field) => typeof record[field] === "string" && samePhone(record[field], phone));
}

/** Finds the subject's person records, the records linked to them, and given ids in the bin. */
export async function locate(
  api: ZohoApi,
  modules: readonly PersonModule[],
  adapterId: string,
  subject: Subject,
  ctx: OperationContext,
): Promise<LocateResult> {
  const given = subject.ids[adapterId] ?? [];
  const searchedBy: IdentifierKind[] = [];
  if (subject.email) searchedBy.push("email");
  if (subject.phone) searchedBy.push("phone");
  if (given.length > 0) searchedBy.push("id");
  const refs = new Map<string, RecordRef>();
  const binned = new Set<string>();
  const add = (module: ZohoModule, id: string) => refs.set(id, ref(module, id));

  const notLive: { module?: ZohoModule; id: string }[] = [];
  for (const raw of given) {
    const wanted = parseGivenId(raw);
    if (!wanted.id) continue;
    let found = false;
    for (const module of wanted.module ? [wanted.module] : modules) {
      if (await api.getRecord(ctx, module, wanted.id)) {
        add(module, wanted.id);
        found = true;
        break;
      }
    }
    if (!found) notLive.push(wanted);
  }
  if (notLive.length > 0) {
    // A restricted subject's records are in the recycle bin; its entry names the module.
    const entries = await api.binEntries(
      ctx,
      notLive.map((w) => w.id),
    );
    for (const wanted of notLive) {
      const module = asModule(entries.get(wanted.id)?.module?.api_name);
      if (!module || (wanted.module && wanted.module !== module)) continue;
      add(module, wanted.id);
      binned.add(wanted.id);
    }
  }

  for (const module of modules) {
    // Search can behave like "contains" (v8 search docs), so every hit is re-checked exactly.
    if (subject.email) {
      const email = subject.email.toLowerCase();
      for (const r of await api.search(ctx, module, { email })) {
        const id = idOf(r);
        if (id && matchesEmail(r, email)) add(module, id);
      }
    }
    if (subject.phone) {
      // How Zoho's phone search compares numbers is not documented: ask for every form the number
      // may be stored in (E.164, spaced, 00-prefixed, national) and keep the exact matches.
      for (const form of phoneFormats(subject.phone)) {
        for (const r of await api.search(ctx, module, { phone: form })) {
          const id = idOf(r);
          if (id && matchesPhone(r, subject.phone)) add(module, id);
        }
      }
    }
  }

  for (const person of [...refs.values()]) {
    const module = moduleOf(person);
    if (!isPerson(module) || binned.has(person.id)) continue;
    for (const list of LINKED_LISTS[module]) {
      for (const r of await api.related(ctx, module, person.id, list, FIELDS[list])) {
        const id = idOf(r);
        if (id && !refs.has(id)) add(list, id);
      }
    }
  }
  return { refs: [...refs.values()], coverage: { searchedBy, types: COVERED_TYPES } };
}
