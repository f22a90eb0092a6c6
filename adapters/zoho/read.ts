/**
 * Locate and export: find the subject's Contacts and Leads (ids first, then search by email and
 * phone), the Calls linked to them, and read everything for the access package.
 */
import type {
  ExportFile,
  ExportRecord,
  ExportResult,
  LocateResult,
  OperationContext,
  RecordRef,
} from "../../src/adapter.js";
import type { Subject } from "../../src/subject.js";
import type { ZohoApi, ZohoRecordJson } from "./api.js";
import {
  exportRecord,
  FIELDS,
  fileName,
  idOf,
  moduleOf,
  ref,
  TYPE_OF_MODULE,
  type ZohoModule,
} from "./mapping.js";

/** The person modules searched. */
export type PersonModule = "Contacts" | "Leads";

function digits(value: unknown): string {
  return typeof value === "string" ? value.replace(/\D/g, "") : "";
}

/** Parses an id from `subject.ids.zoho`: `Contacts:123`, `Leads/123` or a bare `123`. */
function parseGivenId(raw: string): { module?: ZohoModule; id: string } {
  const match = /^(Contacts|Leads|Calls)[:/](.+)$/.exec(raw.trim());
  if (match) return { module: match[1] as ZohoModule, id: match[2] ?? "" };
  return { id: raw.trim() };
}

function matchesEmail(record: ZohoRecordJson, email: string): boolean {
  return [record.Email, record.Secondary_Email].some(
    (v) => typeof v === "string" && v.trim().toLowerCase() === email,
  );
}

function matchesPhone(record: ZohoRecordJson, phone: string): boolean {
  const wanted = digits(phone);
  return [record.Phone, record.Mobile].some((v) => digits(v).length >= 6 && digits(v) === wanted);
}

/** Finds the subject's person records and the calls linked to them. */
export async function locate(
  api: ZohoApi,
  modules: readonly PersonModule[],
  adapterId: string,
  subject: Subject,
  ctx: OperationContext,
): Promise<LocateResult> {
  const refs = new Map<string, RecordRef>();
  const add = (module: ZohoModule, id: string) => refs.set(`${module}:${id}`, ref(module, id));
  for (const raw of subject.ids[adapterId] ?? []) {
    const given = parseGivenId(raw);
    if (!given.id) continue;
    for (const module of given.module ? [given.module] : modules) {
      if (await api.getRecord(ctx, module, given.id)) {
        add(module, given.id);
        break;
      }
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
      for (const r of await api.search(ctx, module, { phone: subject.phone })) {
        const id = idOf(r);
        if (id && matchesPhone(r, subject.phone)) add(module, id);
      }
    }
  }
  for (const person of [...refs.values()]) {
    const module = moduleOf(person);
    if (module !== "Contacts" && module !== "Leads") continue;
    for (const call of await api.related(ctx, module, person.id, "Calls", FIELDS.Calls)) {
      const id = idOf(call);
      if (id) add("Calls", id);
    }
  }
  return { refs: [...refs.values()] };
}

/** Reads the refs' records, related lists and attachments. */
export async function exportRefs(
  api: ZohoApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
): Promise<ExportResult> {
  const records: ExportRecord[] = [];
  const files: ExportFile[] = [];
  const seenCalls = new Set<string>();

  const attachments = async (module: ZohoModule, id: string, kind: string) => {
    for (const att of await api.related(ctx, module, id, "Attachments", FIELDS.Attachments)) {
      const attId = idOf(att);
      if (!attId) continue;
      records.push(exportRecord(`${kind}_attachment`, att));
      const file = await api.download(ctx, module, id, attId);
      if (file) files.push({ name: fileName(kind, attId, att.File_Name), ...file });
    }
  };
  const call = async (record: ZohoRecordJson) => {
    const id = idOf(record);
    if (!id || seenCalls.has(id)) return;
    seenCalls.add(id);
    records.push(exportRecord("call", record));
    await attachments("Calls", id, "call");
  };

  for (const r of refs) {
    const module = moduleOf(r);
    if (module !== "Contacts" && module !== "Leads") continue;
    const record = await api.getRecord(ctx, module, r.id);
    if (!record) continue;
    const type = TYPE_OF_MODULE[module];
    records.push(exportRecord(type, record));
    for (const note of await api.related(ctx, module, r.id, "Notes", FIELDS.Notes)) {
      records.push(exportRecord("note", note));
    }
    await attachments(module, r.id, type);
    for (const email of await api.emails(ctx, module, r.id)) records.push(exportRecord("email", email));
    for (const c of await api.related(ctx, module, r.id, "Calls", FIELDS.Calls)) await call(c);
  }
  for (const r of refs) {
    if (moduleOf(r) !== "Calls" || seenCalls.has(r.id)) continue;
    const record = await api.getRecord(ctx, "Calls", r.id);
    if (record) await call(record);
  }
  return { records, files };
}
