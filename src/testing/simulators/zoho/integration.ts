import type {
  IntegrationOracleView,
  IntegrationSeed,
  IntegrationSeedOptions,
  SimCaller,
  SimRequest,
  SimResponse,
} from "../../simulator.js";
import { callerKey, IntegrationLedger } from "../integration-ledger.js";
import { zohoError } from "./responses.js";
import { MODULE_IDS, OWNER, type ZohoRecord, type ZohoState } from "./state.js";

/** The token's user: the integration writes as this user (the seeds' record owner). */
export const INTEGRATION_USER = OWNER;
/** A person of the org who enters records by hand. */
export const ORG_USER = { name: "Sam Seller", id: "4150868000000225099", email: "sam.seller@example.test" };

export { IntegrationLedger };

const user = (u: { name: string; id: string; email: string }) => ({ name: u.name, id: u.id, email: u.email });

/** Seeds a caller (see the module comment). */
export function seedIntegration(
  state: ZohoState,
  ledger: IntegrationLedger,
  caller: SimCaller,
  options: IntegrationSeedOptions,
): IntegrationSeed {
  const book = ledger.of(caller);
  const key = `caller:${callerKey(caller)}`;
  const [first = "Sam", last = "Caller"] = (caller.name ?? "Sam Caller").split(" ");
  let contact: ZohoRecord | undefined;
  const child = (
    parent: ZohoRecord,
    module: "Notes" | "Attachments",
    by: typeof ORG_USER,
    fields: Record<string, unknown>,
  ) =>
    state.add({
      id: state.newId(),
      module,
      subject: key,
      parentId: parent.id,
      ...(module === "Attachments"
        ? { bytes: new TextEncoder().encode(`ID3 recording ${parent.id}`), contentType: "audio/mpeg" }
        : {}),
      fields: {
        ...fields,
        Parent_Id: { module: { api_name: parent.module, id: MODULE_IDS[parent.module] }, id: parent.id },
        Owner: user(by),
        Created_By: user(by),
        Created_Time: state.iso(1),
      },
    });
  const call = (by: typeof ORG_USER, i: number, parent: ZohoRecord | undefined) =>
    state.add({
      id: state.newId(),
      module: "Calls",
      subject: key,
      ...(parent ? { parentId: parent.id } : {}),
      fields: {
        Subject:
          by === ORG_USER ? "Called back (logged by hand)" : i % 2 === 0 ? "Inbound call" : "Outbound call",
        Call_Type: i % 2 === 0 ? "Inbound" : "Outbound",
        Call_Start_Time: state.iso(2 + i),
        Call_Duration: "01:05",
        Call_Duration_in_seconds: 65,
        Description: by === ORG_USER ? "Customer asked for a quote" : "Logged by the phone integration",
        Who_Id: parent ? { name: `${first} ${last}`, id: parent.id } : null,
        $se_module: "Contacts",
        Owner: user(by),
        Created_By: user(by),
        Created_Time: state.iso(2 + i),
      },
    });
  if (options.contact ?? true) {
    contact = state.add({
      id: state.newId(),
      module: "Contacts",
      subject: key,
      fields: {
        First_Name: first,
        Last_Name: last,
        Full_Name: `${first} ${last}`,
        Email: null,
        Phone: caller.phone,
        Owner: user(ORG_USER),
        Created_By: user(ORG_USER),
        Created_Time: state.iso(90),
      },
    });
    const own = call(ORG_USER, 0, contact);
    const note = child(contact, "Notes", ORG_USER, {
      Note_Title: "Met at the fair",
      Note_Content: "Wants a quote",
    });
    book.tenant.add(`Contacts:${contact.id}`);
    book.tenant.add(`Calls:${own.id}`);
    book.tenant.add(`Notes:${note.id}`);
  }
  const integrationIds: string[] = [];
  for (let i = 0; i < (options.calls ?? 3); i++) {
    const c = call(INTEGRATION_USER, i, contact);
    const recording = child(c, "Attachments", INTEGRATION_USER, {
      File_Name: `recording-${i + 1}.mp3`,
      Size: "21",
      $file_id: `fid_${c.id.slice(-6)}`,
      $type: "Attachment",
      $se_module: "Calls",
    });
    book.integration.add(`Calls:${c.id}`);
    book.integration.add(`Attachments:${recording.id}`);
    if (i === 0) {
      const note = child(c, "Notes", INTEGRATION_USER, {
        Note_Title: "Voicemail transcript",
        Note_Content: "Transcribed by the phone integration",
      });
      book.integration.add(`Notes:${note.id}`);
    }
    integrationIds.push(`Calls:${c.id}`);
  }
  // Another caller's contact and integration call: a lookup by number must leave them alone.
  const other = state.add({
    id: state.newId(),
    module: "Contacts",
    subject: "caller:other",
    fields: { First_Name: "Max", Last_Name: "Other", Phone: "+44 20 7946 0999", Created_By: user(ORG_USER) },
  });
  call(INTEGRATION_USER, 0, other);
  return { integrationIds, tenantIds: [...book.tenant] };
}

/** Adds a note by one of the org's users under a record (a call the integration wrote, say). */
export function addOrgNote(
  state: ZohoState,
  ledger: IntegrationLedger,
  caller: SimCaller,
  parentId: string,
): string {
  const parent = state.records.get(parentId);
  if (!parent) throw new RangeError("addOrgNote needs an existing record id");
  const note = state.add({
    id: state.newId(),
    module: "Notes",
    subject: parent.subject,
    parentId,
    fields: {
      Note_Title: "Follow-up",
      Note_Content: "Agreed to send a quote",
      Parent_Id: { module: { api_name: parent.module, id: MODULE_IDS[parent.module] }, id: parentId },
      Owner: user(ORG_USER),
      Created_By: user(ORG_USER),
      Created_Time: state.iso(0),
    },
  });
  ledger.of(caller).tenant.add(`Notes:${note.id}`);
  return note.id;
}

/** The caller's records: the integration's (calls, recordings, notes) apart from the org's. */
export function integrationOracle(
  state: ZohoState,
  ledger: IntegrationLedger,
  caller: SimCaller,
): IntegrationOracleView {
  state.expire();
  const book = ledger.of(caller);
  const byType: Record<string, { integration: number; tenant: number }> = {};
  const bump = (type: string, side: "integration" | "tenant") => {
    const entry = byType[type] ?? { integration: 0, tenant: 0 };
    entry[side] += 1;
    byType[type] = entry;
  };
  const typeOf = (module: string) =>
    module === "Attachments" ? "recording" : module.replace(/s$/, "").toLowerCase();
  let integration = 0;
  let calls = 0;
  let trashed = 0;
  let tenant = 0;
  for (const key of book.integration) {
    const [module = "", id = ""] = key.split(":");
    const r = state.records.get(id);
    if (!r) continue;
    if (state.stateOf(r) !== "live") {
      trashed++;
      continue;
    }
    integration++;
    bump(typeOf(module), "integration");
    if (module === "Calls") calls++;
  }
  for (const key of book.tenant) {
    const [module = "", id = ""] = key.split(":");
    const r = state.records.get(id);
    if (r && state.stateOf(r) === "live") {
      tenant++;
      bump(typeOf(module), "tenant");
    }
  }
  return { integration, calls, integrationTrashed: trashed, tenant, byType };
}

/**
 * `GET /crm/v8/users?type=CurrentUser`: the token's user (every token of this simulator is the
 * integration's). ASSUMPTION [U]: other `type` values and `/users/{id}` are not modelled (404).
 */
export function handleUsers(request: SimRequest, segments: readonly string[]): SimResponse | undefined {
  if (segments[0] !== "users" || segments.length !== 1 || request.method !== "GET") return undefined;
  if (request.query.get("type") !== "CurrentUser") {
    return zohoError(400, "INVALID_DATA", "the simulator models type=CurrentUser only", {
      param_name: "type",
    });
  }
  return {
    status: 200,
    body: {
      users: [
        {
          id: INTEGRATION_USER.id,
          full_name: INTEGRATION_USER.name,
          email: INTEGRATION_USER.email,
          status: "active",
          confirm: true,
        },
      ],
      info: { per_page: 200, count: 1, page: 1, more_records: false },
    },
  };
}
