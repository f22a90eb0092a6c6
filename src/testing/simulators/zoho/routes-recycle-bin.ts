/**
 * `/crm/v8/settings/recycle_bin…` routes: list, get, permanent delete and restore.
 *
 * Restore (`POST /settings/recycle_bin/{record_id}/actions/restore`) is documented on zoho.com
 * (restore-recycle-bin-records) but absent from the `zoho/crm-oas` v8 spec.
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { itemError, itemSuccess, multiStatus, pageResponse, zohoError } from "./responses.js";
import type { ZohoState } from "./state.js";

const notInBin = (id: string) => itemError(id, "INVALID_DATA", "the id given seems to be invalid");

/** Handles a request whose path after `/crm/v8/settings/recycle_bin` is `segments`. */
export function handleRecycleBin(
  state: ZohoState,
  env: SimEnvironment,
  request: SimRequest,
  segments: readonly string[],
): SimResponse | undefined {
  const [id, action, verb, ...rest] = segments;
  if (rest.length > 0) return undefined;
  const inBin = (recordId: string) => {
    const record = state.records.get(recordId);
    return record?.deletedAt !== undefined ? record : undefined;
  };

  if (id === undefined) {
    const idsParam = request.query.get("ids");
    const ids = idsParam === null ? undefined : idsParam.split(",").filter(Boolean);
    if (request.method === "GET") {
      // ASSUMPTION [U]: `ids` filters the listing to those records; `filters` is accepted but ignored.
      const entries = state
        .binEntries()
        .filter((r) => ids === undefined || ids.includes(r.id))
        .map((r) => state.binEntry(r));
      return pageResponse(entries, request, env, "recycle_bin");
    }
    if (request.method === "DELETE") {
      if (ids === undefined || ids.length === 0) {
        return zohoError(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", {
          param_name: "ids",
        });
      }
      // "You can specify up to 100 records IDs to be deleted"
      // (https://zoho.com/crm/developer/docs/api/v7/del-recycle-bin-records.html).
      if (ids.length > 100) return zohoError(400, "LIMIT_EXCEEDED", "Record count exceeded", { limit: 100 });
      const items = ids.map((recordId) => {
        const record = inBin(recordId);
        if (!record) return notInBin(recordId);
        state.purge(record, true);
        return itemSuccess(recordId, "record deleted permanently");
      });
      return { status: multiStatus(items), body: { recycle_bin: items } };
    }
    return undefined;
  }

  if (action === undefined) {
    const record = inBin(id);
    if (request.method === "GET") {
      if (!record) return { status: 204 };
      return { status: 200, body: { recycle_bin: [state.binEntry(record)] } };
    }
    if (request.method === "DELETE") {
      if (!record) return { status: 400, body: { recycle_bin: [notInBin(id)] } };
      state.purge(record, true);
      return { status: 200, body: { recycle_bin: [itemSuccess(id, "record deleted permanently")] } };
    }
    return undefined;
  }

  if (request.method === "POST" && action === "actions" && verb === "restore") {
    // ASSUMPTION [U]: the restore answer mirrors the recycle-bin delete answer (`recycle_bin[]` of
    // per-item statuses); a record not in the bin is a per-item INVALID_DATA with HTTP 400. Children
    // (notes, attachments, e-mails) come back with their parent, as zoho.com documents.
    const record = inBin(id);
    if (!record) return { status: 400, body: { recycle_bin: [notInBin(id)] } };
    state.restore(record);
    return { status: 200, body: { recycle_bin: [itemSuccess(id, "record restored successfully")] } };
  }
  return undefined;
}
