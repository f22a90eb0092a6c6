/**
 * Export: every located record with its Notes, Attachments (downloaded), Emails and linked records
 * (calls with their recordings, tasks, meetings, cases, deals). A record in the recycle bin (a
 * restriction is in place) is exported as the bin's entry for it: Zoho's API returns no field
 * values of a deleted record (`GET /{module}/{id}` answers 204; the recycle-bin API gives only a
 * display name, module, owner and deletion time), so that is all an export can hold until the
 * restriction is lifted.
 */
import type {
  ExportFile,
  ExportRecord,
  ExportResult,
  OperationContext,
  RecordRef,
} from "../../src/adapter.js";
import type { ZohoApi, ZohoRecordJson } from "./api.js";
import { readEmails } from "./emails.js";
import {
  exportRecord,
  FIELDS,
  fileName,
  idOf,
  isPerson,
  LINKED_LISTS,
  type LinkedModule,
  moduleOf,
  TYPE_OF_MODULE,
  type ZohoModule,
} from "./mapping.js";

/** Reads the refs' records, related lists and attachments. */
export async function exportRefs(
  api: ZohoApi,
  refs: readonly RecordRef[],
  ctx: OperationContext,
): Promise<ExportResult> {
  const records: ExportRecord[] = [];
  const files: ExportFile[] = [];
  const exported = new Set<string>();
  const notLive: { module: ZohoModule; id: string }[] = [];

  const attachments = async (module: ZohoModule, id: string, kind: string) => {
    for (const att of await api.related(ctx, module, id, "Attachments", FIELDS.Attachments)) {
      const attId = idOf(att);
      if (!attId) continue;
      records.push(exportRecord(`${kind}_attachment`, att));
      const file = await api.download(ctx, module, id, attId);
      if (file) files.push({ name: fileName(kind, attId, att.File_Name), ...file });
    }
  };
  const linked = async (module: LinkedModule, record: ZohoRecordJson) => {
    const id = idOf(record);
    if (!id || exported.has(id)) return;
    exported.add(id);
    records.push(exportRecord(TYPE_OF_MODULE[module], record));
    // The integration's calls carry their recordings as attachments.
    if (module === "Calls") await attachments("Calls", id, "call");
  };

  for (const r of refs) {
    const module = moduleOf(r);
    if (!isPerson(module) || exported.has(r.id)) continue;
    const record = await api.getRecord(ctx, module, r.id);
    if (!record) {
      notLive.push({ module, id: r.id });
      continue;
    }
    exported.add(r.id);
    const type = TYPE_OF_MODULE[module];
    records.push(exportRecord(type, record));
    for (const note of await api.related(ctx, module, r.id, "Notes", FIELDS.Notes)) {
      records.push(exportRecord("note", note));
    }
    await attachments(module, r.id, type);
    for (const email of await readEmails(api, ctx, module, r.id)) records.push(exportRecord("email", email));
    for (const list of LINKED_LISTS[module]) {
      for (const item of await api.related(ctx, module, r.id, list, FIELDS[list])) await linked(list, item);
    }
  }
  for (const r of refs) {
    const module = moduleOf(r);
    if (!module || isPerson(module) || exported.has(r.id)) continue;
    const record = await api.getRecord(ctx, module, r.id);
    if (record) await linked(module, record);
    else notLive.push({ module, id: r.id });
  }

  if (notLive.length > 0) {
    const entries = await api.binEntries(
      ctx,
      notLive.map((n) => n.id),
    );
    for (const n of notLive) {
      const entry = entries.get(n.id);
      if (!entry || exported.has(n.id)) continue; // purged or deleted since locate: nothing to read
      exported.add(n.id);
      records.push({
        type: TYPE_OF_MODULE[n.module],
        id: n.id,
        data: {
          in_recycle_bin: true,
          note: "In the Zoho CRM recycle bin (restricted): Zoho's API exposes only this entry, not the record's fields",
          recycle_bin_entry: JSON.parse(JSON.stringify(entry)),
        },
      });
    }
  }
  return { records, files };
}
