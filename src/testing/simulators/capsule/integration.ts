import type {
  IntegrationOracleView,
  IntegrationSeed,
  IntegrationSeedOptions,
  SimCaller,
  SimRequest,
  SimResponse,
} from "../../simulator.js";
import { callerKey, IntegrationLedger } from "../integration-ledger.js";
import type { RouteContext } from "./routes.js";
import { type CapsuleState, INTEGRATION_USER, type SimEntry, STAFF_USER } from "./state.js";

export { IntegrationLedger };

/** Seeds a caller (see the module comment). */
export function seedIntegration(
  state: CapsuleState,
  ledger: IntegrationLedger,
  caller: SimCaller,
  options: IntegrationSeedOptions,
): IntegrationSeed {
  const book = ledger.of(caller);
  const key = `caller:${callerKey(caller)}`;
  const [firstName = "Sam", lastName = "Caller"] = (caller.name ?? "Sam Caller").split(" ");
  const now = state.iso();
  const party = {
    id: state.id(),
    subject: key,
    firstName,
    lastName,
    jobTitle: null,
    about: null,
    emailAddresses: [],
    phoneNumbers: [{ id: state.id(), type: "Work", number: caller.phone }],
    tagIds: [],
    createdAt: now,
    updatedAt: now,
  };
  state.parties.set(party.id, party);
  const entry = (by: SimEntry["creator"], activityTypeId: number, content: string): SimEntry => {
    const e: SimEntry = {
      id: state.id(),
      partyId: party.id,
      subject: key,
      type: "note",
      activityTypeId,
      content,
      emailSubject: null,
      creator: by,
      createdAt: now,
      attachmentIds: [],
    };
    state.entries.set(e.id, e);
    return e;
  };
  book.tenant.add(`party:${party.id}`);
  book.tenant.add(`entry:${entry(STAFF_USER, -1, "Met at the trade fair").id}`);
  book.tenant.add(`entry:${entry(STAFF_USER, -3, "Called back (logged by hand)").id}`);
  const integrationIds: string[] = [];
  for (let i = 0; i < (options.calls ?? 3); i++) {
    const call = entry(
      INTEGRATION_USER,
      -3,
      `${i % 2 === 0 ? "Inbound" : "Outbound"} call, logged by the phone integration`,
    );
    if (i % 2 === 0) {
      const attachment = {
        id: state.id(),
        entryId: call.id,
        subject: key,
        filename: `recording-${i + 1}.mp3`,
        contentType: "audio/mpeg",
        bytes: Buffer.from(`ID3 recording ${call.id}`),
      };
      state.attachments.set(attachment.id, attachment);
      call.attachmentIds.push(attachment.id);
    }
    book.integration.add(`entry:${call.id}`);
    integrationIds.push(`entry:${call.id}`);
  }
  const voicemail = entry(INTEGRATION_USER, -1, "Voicemail transcript (phone integration)");
  book.integration.add(`entry:${voicemail.id}`);
  integrationIds.push(`entry:${voicemail.id}`);
  return { integrationIds, tenantIds: [...book.tenant] };
}

/** The caller's records: the integration's entries (and their recordings) apart from the account's. */
export function integrationOracle(
  state: CapsuleState,
  ledger: IntegrationLedger,
  caller: SimCaller,
): IntegrationOracleView {
  state.settleJobs();
  const book = ledger.of(caller);
  const byType: Record<string, { integration: number; tenant: number }> = {};
  const bump = (type: string, side: "integration" | "tenant") => {
    const entry = byType[type] ?? { integration: 0, tenant: 0 };
    entry[side] += 1;
    byType[type] = entry;
  };
  let integration = 0;
  let calls = 0;
  let tenant = 0;
  for (const key of book.integration) {
    const e = state.entries.get(Number(key.split(":")[1]));
    if (!e) continue;
    integration++;
    const call = e.activityTypeId === -3;
    if (call) calls++;
    bump(call ? "call" : "note", "integration");
    for (const a of e.attachmentIds) if (state.attachments.has(a)) bump("recording", "integration");
  }
  for (const key of book.tenant) {
    const [type, raw] = key.split(":");
    const id = Number(raw);
    const e = state.entries.get(id);
    const live = type === "party" ? state.parties.has(id) : e !== undefined;
    if (!live) continue;
    tenant++;
    bump(type === "party" ? "party" : e?.activityTypeId === -3 ? "call" : "note", "tenant");
  }
  return { integration, calls, integrationTrashed: 0, tenant, byType };
}

/** `GET /api/v2/users/current`: the token's user (the integration's, for every token here). */
export function currentUser(_req: SimRequest, _ctx: RouteContext): SimResponse {
  return {
    status: 200,
    body: {
      user: {
        id: INTEGRATION_USER.id,
        username: INTEGRATION_USER.username,
        name: INTEGRATION_USER.name,
        status: "ACTIVE",
        locale: "en_GB",
        currency: "GBP",
        timezone: "Europe/London",
      },
    },
  };
}
