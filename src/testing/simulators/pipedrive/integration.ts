/**
 * Integration scope in the Pipedrive simulator (docs/tenants.md): a caller of the company, the
 * person the company keeps of them with an activity and a note its users entered by hand, and the
 * call logs a phone integration wrote through its users' tokens, each with the activity Pipedrive
 * makes for it and, for some, a recording. The oracle counts the integration's records apart from
 * the company's.
 *
 * Provenance, as Pipedrive records it: a call log belongs to the user whose token wrote it
 * (`GET /v1/callLogs` lists "the call logs of the authorized user", developers.pipedrive.com/docs/
 * api/v1/CallLogs) and is written only through the API by a telephony integration; its activity
 * (`activity_id`) is made with it. ASSUMPTION [U]: a call log carries no mark of which app wrote
 * it, so two integrations on one user's token cannot be told apart.
 */
import { phoneFormats } from "../../../phone.js";
import type {
  IntegrationOracleView,
  IntegrationSeed,
  IntegrationSeedOptions,
  SimCaller,
} from "../../simulator.js";
import { callerKey, IntegrationLedger } from "../integration-ledger.js";
import type { PipedriveState } from "./model.js";
import type { SimActivity } from "./records.js";

/** The company's line: the other end of every call. */
const COMPANY_LINE = "+44 20 3000 0000";

export { IntegrationLedger };

function activity(
  state: PipedriveState,
  personId: number | null,
  subject: string,
  owner: number,
): SimActivity {
  const now = state.iso();
  return state.add(state.activities, {
    id: state.id(),
    subject,
    type: "call",
    owner_id: owner,
    person_id: personId,
    participants: personId === null ? [] : [{ person_id: personId, primary: true }],
    deal_id: null,
    done: true,
    due_date: now.slice(0, 10),
    note: "",
    add_time: now,
    update_time: now,
  });
}

function hexId(state: PipedriveState): string {
  return Array.from({ length: 4 }, () =>
    ((state.env.random() * 0xffff) >>> 0).toString(16).padStart(4, "0"),
  ).join("");
}

/** Seeds a caller (see the module comment). `users`: the users whose tokens the integration holds. */
export function seedIntegration(
  state: PipedriveState,
  ledger: IntegrationLedger,
  caller: SimCaller,
  options: IntegrationSeedOptions,
): IntegrationSeed {
  const book = ledger.of(caller);
  const key = callerKey(caller);
  const forms = key.startsWith("+") ? phoneFormats(key) : [caller.phone];
  const now = state.iso();
  let personId: number | null = null;
  if (options.contact ?? true) {
    const person = state.add(state.persons, {
      id: state.id(),
      name: caller.name ?? "Sam Caller",
      emails: [],
      phones: [{ value: caller.phone, primary: true, label: "work" }],
      owner_id: state.user(0).id,
      add_time: now,
      update_time: now,
    });
    personId = person.id;
    const byHand = activity(state, person.id, "Called back (logged by hand)", state.user(2).id);
    const note = state.add(state.notes, {
      id: state.id(),
      content: "<p>Prefers to be called in the morning</p>",
      person_id: person.id,
      user_id: state.user(2).id,
      add_time: now,
      update_time: now,
    });
    book.tenant.add(`person:${person.id}`);
    book.tenant.add(`activity:${byHand.id}`);
    book.tenant.add(`note:${note.id}`);
  }
  const calls = options.calls ?? 3;
  const integrationIds: string[] = [];
  for (let i = 0; i < calls; i++) {
    // The integration logs each call with the token of the user who took or made it.
    const user = state.user(i % 2);
    const inbound = i % 2 === 0;
    const number = forms[i % forms.length] ?? caller.phone;
    const act = activity(state, personId, inbound ? "Inbound call" : "Outbound call", user.id);
    const id = hexId(state);
    state.callLogs.set(id, {
      id,
      user_id: user.id,
      activity_id: act.id,
      person_id: personId,
      subject: act.subject,
      duration: String(40 + i * 9),
      outcome: "connected",
      from_phone_number: inbound ? number : COMPANY_LINE,
      to_phone_number: inbound ? COMPANY_LINE : number,
      start_time: state.iso(-(i + 1) * 3_600_000),
      end_time: state.iso(-(i + 1) * 3_600_000 + 60_000),
      note: "Logged by the phone integration",
      recording: i % 2 === 0 ? Buffer.from(`RIFF simulated audio ${id}`) : undefined,
    });
    book.integration.add(`call_log:${id}`);
    book.integration.add(`activity:${act.id}`);
    integrationIds.push(`call_log:${id}`);
  }
  // Another caller's call log: a lookup by number must leave it alone.
  const other = activity(state, null, "Inbound call", state.user(0).id);
  const otherId = hexId(state);
  state.callLogs.set(otherId, {
    id: otherId,
    user_id: state.user(0).id,
    activity_id: other.id,
    person_id: null,
    subject: other.subject,
    duration: "12",
    outcome: "connected",
    from_phone_number: "+44 20 7946 0999",
    to_phone_number: COMPANY_LINE,
    start_time: now,
    end_time: now,
    note: "",
    recording: undefined,
  });
  return { integrationIds, tenantIds: [...book.tenant] };
}

/** The caller's records: the integration's (call logs, their activities, recordings) and the company's. */
export function integrationOracle(
  state: PipedriveState,
  ledger: IntegrationLedger,
  caller: SimCaller,
): IntegrationOracleView {
  state.purge();
  const book = ledger.of(caller);
  const byType: Record<string, { integration: number; tenant: number }> = {};
  const bump = (type: string, side: "integration" | "tenant") => {
    const entry = byType[type] ?? { integration: 0, tenant: 0 };
    entry[side] += 1;
    byType[type] = entry;
  };
  let integration = 0;
  let calls = 0;
  let trashed = 0;
  let tenant = 0;
  for (const key of book.integration) {
    const [type, id = ""] = key.split(":");
    if (type === "call_log") {
      const log = state.callLogs.get(id);
      if (!log) continue;
      integration++;
      calls++;
      bump("call_log", "integration");
      if (log.recording !== undefined) bump("recording", "integration");
      continue;
    }
    const act = state.activities.get(Number(id));
    if (!act) continue;
    if (act.deletedAt !== undefined) trashed++;
    else {
      integration++;
      bump("activity", "integration");
    }
  }
  for (const key of book.tenant) {
    const [type, raw = ""] = key.split(":");
    const id = Number(raw);
    const live =
      type === "person"
        ? state.persons.get(id)?.deletedAt === undefined && state.persons.has(id)
        : type === "activity"
          ? state.activities.get(id)?.deletedAt === undefined && state.activities.has(id)
          : state.notes.has(id);
    if (live) {
      tenant++;
      bump(type ?? "record", "tenant");
    }
  }
  return { integration, calls, integrationTrashed: trashed, tenant, byType };
}
