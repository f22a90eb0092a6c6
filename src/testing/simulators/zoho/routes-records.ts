/**
 * `/crm/v8/{module}…` routes: search, get, related lists, attachment download, delete to the
 * recycle bin.
 */
import { contentDisposition } from "../../content-disposition.js";
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { itemError, itemSuccess, multiStatus, pageResponse, zohoError } from "./responses.js";
import type { TopModule, ZohoRecord, ZohoState } from "./state.js";

const MODULES: readonly TopModule[] = ["Contacts", "Leads", "Calls", "Tasks", "Events", "Cases", "Deals"];

/**
 * Related lists per module. API names as in Zoho's standard layouts (Notes, Attachments, Emails,
 * Calls, Tasks, Events, Cases, Deals); ASSUMPTION [U]: an org's related lists are listed by
 * `GET /settings/related_lists?module=` and their names can differ with customisation.
 */
const RELATED: Readonly<Record<TopModule, readonly string[]>> = {
  Contacts: ["Notes", "Attachments", "Emails", "Calls", "Tasks", "Events", "Cases", "Deals"],
  Leads: ["Notes", "Attachments", "Emails", "Calls", "Tasks", "Events"],
  Calls: ["Notes", "Attachments"],
  Tasks: ["Notes", "Attachments"],
  Events: ["Notes", "Attachments"],
  Cases: ["Notes", "Attachments"],
  Deals: ["Notes", "Attachments"],
};

/**
 * ASSUMPTION [U]: how many e-mails one call of the Emails related list returns. Zoho's "Get Emails
 * of a Record" pages (v4–v6) say "This API returns ten emails per API call"; the v8 OAS
 * (`email_related_records.json`) has no `per_page` parameter.
 */
const EMAILS_PER_CALL = 10;

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
    const phone = request.query.get("phone")?.trim();
    if (!email && !phone && !request.query.get("criteria") && !request.query.get("word")) {
      return zohoError(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is missing", {
        param_name: "criteria",
      });
    }
    // ASSUMPTION [U]: email search matches Email or Secondary_Email case-insensitively and exactly
    // (the v8 page warns `equals` may act like *contains*; the adapter re-checks either way). Phone
    // search: how Zoho compares numbers is not documented, so the strictest reading is modelled:
    // the stored text of a phone field, exactly as typed ("+44 20 7946 0018" is not found by
    // "+442079460018"). An adapter must search the forms a number may be stored in. Search is
    // consistent (no index lag modelled).
    const found = state
      .live(module, (r) => {
        const f = r.fields;
        if (email)
          return [f.Email, f.Secondary_Email].some((v) => typeof v === "string" && v.toLowerCase() === email);
        return PHONE_FIELDS.some((k) => typeof f[k] === "string" && (f[k] as string).trim() === phone);
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
    // "A maximum of 100 records can be deleted per API call"
    // (https://zoho.com/crm/developer/docs/api/v2.1/delete-records.html; v8 keeps `ids`, record.json).
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
    // Content. Zoho's status-codes page (v8) gives 204 as "There is no content available for the
    // request"; the OAS lists only 200 for Get Record (and 204 for Notes, Attachments and the
    // recycle bin by id). Adapters accept exactly 204 here and fail on anything else.
    if (!isLive) return { status: 204 };
    return { status: 200, body: { data: [recordJson(record)] } };
  }

  if (request.method !== "GET" || third === undefined) return undefined;
  if (!RELATED[module].includes(third)) {
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

/** Phone fields searched by `?phone=` (Contacts and Leads; Home_Phone etc. only on Contacts). */
const PHONE_FIELDS = ["Phone", "Mobile", "Home_Phone", "Other_Phone", "Asst_Phone"] as const;

/**
 * The Emails related list as zoho/crm-oas v8 `email_related_records.json` describes it: the key is
 * `Emails` (schema `wrapper`, required `Emails` and `info`), `info` carries `count`, `per_page`,
 * `more_records` and `next_index`/`prev_index` as strings (or null); the next page is asked with
 * `index` = the `next_index` received (a string, used as it is). No parameter sets the page size.
 * `owner_id` is `required: true` in that OAS, but Zoho's "Get Emails of a Record" pages (v5, v6)
 * and the TypeScript SDK 8.0 (`EmailRelatedRecordsOperations`, `ownerId?`) make it optional and
 * meant for `type=user_emails` only. ASSUMPTION [U]: without `owner_id` Zoho answers the e-mails
 * sent from CRM and the user's own; modelled so. ASSUMPTION [U]: an `index` Zoho did not hand out
 * (a page number, say) is refused with 400 INVALID_DATA.
 */
function emailsPage(emails: readonly ZohoRecord[], request: SimRequest, env: SimEnvironment): SimResponse {
  const perCall = env.pageSize === undefined ? EMAILS_PER_CALL : Math.min(EMAILS_PER_CALL, env.pageSize);
  const index = request.query.get("index");
  let start = 0;
  if (index !== null) {
    // ASSUMPTION [U]: the index token's format is Zoho's own; here an opaque "m<offset>" string.
    const match = /^m(\d+)$/.exec(index);
    if (!match) return zohoError(400, "INVALID_DATA", "invalid data", { param_name: "index" });
    start = Number(match[1]);
  }
  const slice = emails.slice(start, start + perCall);
  if (slice.length === 0) return { status: 204 };
  const more = start + perCall < emails.length;
  return {
    status: 200,
    body: {
      Emails: slice.map((e) => ({ ...e.fields })),
      info: {
        count: slice.length,
        per_page: perCall,
        more_records: more,
        next_index: more ? `m${start + perCall}` : null,
        prev_index: start > 0 ? `m${Math.max(0, start - perCall)}` : null,
      },
    },
  };
}
