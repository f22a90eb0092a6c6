/**
 * `/crm/v8/{module}…` routes: search, get, related lists, attachment download, delete to the
 * recycle bin.
 */
import { contentDisposition } from "../../content-disposition.js";
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { itemError, itemSuccess, multiStatus, pageResponse, zohoError } from "./responses.js";
import type { TopModule, ZohoRecord, ZohoState } from "./state.js";

const MODULES: readonly TopModule[] = ["Contacts", "Leads", "Calls"];
const RELATED = ["Notes", "Attachments", "Calls", "Emails"] as const;

/** Per-record faults a test can plant: the next delete of that id answers this per-item code. */
export type DeleteFaults = Map<string, string>;

function asModule(name: string): TopModule | undefined {
  return (MODULES as readonly string[]).includes(name) ? (name as TopModule) : undefined;
}

const invalidModule = () =>
  zohoError(400, "INVALID_MODULE", "the module name given seems to be invalid", { resource_path_index: 0 });

/** The API shape of a record: its fields plus `id`. Child `Parent_Id` is already in the fields. */
export function recordJson(record: ZohoRecord): Record<string, unknown> {
  return { ...record.fields, id: record.id };
}

function digits(value: unknown): string {
  return typeof value === "string" ? value.replace(/\D/g, "") : "";
}

/** Handles a `/crm/v8/{module}…` request; `segments` is the path after `/crm/v8/`. */
export function handleRecords(
  state: ZohoState,
  env: SimEnvironment,
  faults: DeleteFaults,
  request: SimRequest,
  segments: readonly string[],
): SimResponse | undefined {
  const [moduleName, second, third, fourth, ...rest] = segments;
  if (moduleName === undefined || rest.length > 0) return undefined;
  const module = asModule(moduleName);
  if (!module) return invalidModule();

  if (request.method === "GET" && second === "search" && third === undefined) {
    const email = request.query.get("email")?.toLowerCase();
    const phone = digits(request.query.get("phone"));
    if (!email && !phone && !request.query.get("criteria") && !request.query.get("word")) {
      return zohoError(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", {
        param_name: "criteria",
      });
    }
    // ASSUMPTION [U]: email search matches Email or Secondary_Email case-insensitively and exactly
    // (the v8 page warns `equals` may act like *contains*; the adapter re-checks either way), phone
    // search matches the digits of Phone or Mobile. Search is consistent (no index lag modelled).
    const found = state
      .live(module, (r) => {
        const f = r.fields;
        if (email)
          return [f.Email, f.Secondary_Email].some((v) => typeof v === "string" && v.toLowerCase() === email);
        return [f.Phone, f.Mobile].some((v) => digits(v).length > 0 && digits(v) === phone);
      })
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(recordJson);
    return pageResponse(found, request, env);
  }

  if (request.method === "DELETE" && second === undefined) {
    const ids = (request.query.get("ids") ?? "").split(",").filter(Boolean);
    if (ids.length === 0) {
      return zohoError(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", {
        param_name: "ids",
      });
    }
    if (ids.length > 100) return zohoError(400, "LIMIT_EXCEEDED", "Record count exceeded", { limit: 100 });
    const items = ids.map((id) => {
      const record = state.records.get(id);
      const fault = faults.get(id);
      if (fault !== undefined) {
        faults.delete(id);
        return itemError(id, fault, "record not deleted");
      }
      if (!record || record.module !== module || state.stateOf(record) !== "live") {
        // ASSUMPTION [U]: deleting an id that is not live (already in the bin, purged, unknown) is a
        // per-item INVALID_DATA, not an error of the whole call.
        return itemError(id, "INVALID_DATA", "the id given seems to be invalid");
      }
      state.moveToBin(record);
      return itemSuccess(id, "record deleted");
    });
    return { status: multiStatus(items), body: { data: items } };
  }

  if (second === undefined || second === "search") return undefined;
  const record = state.records.get(second);
  const isLive = record !== undefined && record.module === module && state.stateOf(record) === "live";

  if (request.method === "GET" && third === undefined) {
    // ASSUMPTION [U]: a record that is not live (recycle bin, purged, never existed) answers 204 No
    // Content, as Zoho does for ids with no data.
    if (!isLive) return { status: 204 };
    return { status: 200, body: { data: [recordJson(record)] } };
  }

  if (request.method !== "GET" || third === undefined) return undefined;
  if (!(RELATED as readonly string[]).includes(third)) {
    return zohoError(400, "INVALID_DATA", "the related list given seems to be invalid", {
      api_name: "related_list",
    });
  }
  if (!isLive) {
    // ASSUMPTION [U]: a related list of a record that is not live answers 400 INVALID_DATA.
    return zohoError(400, "INVALID_DATA", "the id given seems to be invalid", { id: second });
  }
  if (third === "Attachments" && fourth !== undefined) {
    const attachment = state.records.get(fourth);
    if (attachment?.module !== "Attachments" || attachment.parentId !== record.id) {
      return { status: 204 };
    }
    const name = String(attachment.fields.File_Name ?? "attachment");
    return {
      status: 200,
      headers: {
        "content-type": attachment.contentType ?? "application/octet-stream",
        // ASSUMPTION [U]: Zoho encodes non-ASCII names as RFC 6266/8187 (`filename*=UTF-8''…`); a
        // raw non-Latin-1 name would not be a valid header at all (ERR_INVALID_CHAR).
        "content-disposition": contentDisposition("attachment", name),
      },
      body: Buffer.from(attachment.bytes ?? new Uint8Array()),
    };
  }
  if (fourth !== undefined) return undefined;
  if (third === "Attachments" && !request.query.get("fields")) {
    return zohoError(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", {
      param_name: "fields",
    });
  }
  const related = state
    .children(record.id)
    .filter((r) => r.module === third && state.stateOf(r) === "live")
    .sort((a, b) => a.id.localeCompare(b.id));
  if (third === "Emails") return emailsPage(related, request, env);
  return pageResponse(related.map(recordJson), request, env);
}

/**
 * ASSUMPTION [U]: the Emails related list answers `{email_related_list, info}` and pages with
 * `index`/`info.next_index` rather than `page` (as Zoho documents it for v3+); `per_page` still sets
 * the page size.
 */
function emailsPage(emails: readonly ZohoRecord[], request: SimRequest, env: SimEnvironment): SimResponse {
  const asked = Math.min(200, Math.max(1, Number(request.query.get("per_page") ?? "200") || 200));
  const perPage = env.pageSize === undefined ? asked : Math.min(asked, env.pageSize);
  const index = Math.max(1, Number(request.query.get("index") ?? "1") || 1);
  const slice = emails.slice(index - 1, index - 1 + perPage);
  if (slice.length === 0) return { status: 204 };
  const more = index - 1 + perPage < emails.length;
  return {
    status: 200,
    body: {
      email_related_list: slice.map((e) => ({ ...e.fields })),
      info: {
        per_page: perPage,
        count: slice.length,
        prev_index: index > 1 ? Math.max(1, index - perPage) : null,
        next_index: more ? index + perPage : null,
      },
    },
  };
}
