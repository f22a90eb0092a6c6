/**
 * Seeding of the Capsule simulator: a person with an email (and phone, as given), notes, emails and
 * call notes (with recordings attached), opportunities, projects and the party's open and pending
 * tasks.
 */
import type { SeedOptions, SimEnvironment, SimSubject } from "../../simulator.js";
import {
  type CapsuleState,
  INTEGRATION_USER,
  type SimAttachment,
  type SimEntry,
  type SimKase,
  type SimOpportunity,
  type SimParty,
  STAFF_USER,
} from "./state.js";

export function seedSubject(
  state: CapsuleState,
  env: SimEnvironment,
  subject: SimSubject,
  options: SeedOptions,
  existingTags: readonly string[],
): string[] {
  const n = Math.max(1, options.records ?? 5);
  const key = subject.email.toLowerCase();
  const [first, ...rest] = (subject.name ?? "Jane Doe").split(" ");
  const now = env.now();
  const party: SimParty = {
    id: state.id(),
    subject: key,
    firstName: first ?? "Jane",
    lastName: rest.join(" ") || "Doe",
    jobTitle: "Operations Manager",
    about: "Customer of the phone service",
    emailAddresses: [{ id: state.id(), type: "Work", address: subject.email }],
    phoneNumbers: subject.phone ? [{ id: state.id(), type: "Mobile", number: subject.phone }] : [],
    tagIds: existingTags.map((t) => state.tagId(t)),
    createdAt: state.iso(now - 86_400_000 * 30),
    updatedAt: state.iso(now - 86_400_000),
  };
  state.parties.set(party.id, party);
  for (let i = 0; i < n; i++) {
    const at = now - 86_400_000 * (n - i);
    addEntry(state, party, "note", -1, `Follow-up note ${i + 1}`, STAFF_USER, at, null);
    addEntry(
      state,
      party,
      "email",
      null,
      `Re: your invoice ${i + 1}`,
      STAFF_USER,
      at + 1000,
      `Invoice ${i + 1}`,
    );
    const call = addEntry(
      state,
      party,
      "note",
      -3,
      `Inbound call, ${60 + i * 7}s, from the customer's mobile`,
      INTEGRATION_USER,
      at + 2000,
      null,
    );
    const attachment: SimAttachment = {
      id: state.id(),
      entryId: call.id,
      subject: key,
      filename: `call-recording-${i + 1}.mp3`,
      contentType: "audio/mpeg",
      bytes: Buffer.from(`ID3 recording ${party.id}/${call.id} ${"x".repeat(16 + i)}`),
    };
    state.attachments.set(attachment.id, attachment);
    call.attachmentIds.push(attachment.id);
    const opp: SimOpportunity = {
      id: state.id(),
      partyId: party.id,
      subject: key,
      name: `Phone system upgrade ${i + 1}`,
      value: { amount: 100 * (i + 1), currency: "GBP" },
      milestone: "Proposal",
    };
    state.opportunities.set(opp.id, opp);
    const kase: SimKase = {
      id: state.id(),
      partyId: party.id,
      subject: key,
      name: `Number port ${i + 1}`,
      status: "OPEN",
    };
    state.kases.set(kase.id, kase);
  }
  seedTasks(state, party, key);
  return [String(party.id)];
}

function addEntry(
  state: CapsuleState,
  party: SimParty,
  type: SimEntry["type"],
  activityTypeId: number | null,
  content: string,
  creator: SimEntry["creator"],
  at: number,
  emailSubject: string | null,
): SimEntry {
  const entry: SimEntry = {
    id: state.id(),
    partyId: party.id,
    subject: party.subject,
    type,
    activityTypeId,
    content,
    emailSubject,
    creator,
    createdAt: state.iso(at),
    attachmentIds: [],
  };
  state.entries.set(entry.id, entry);
  return entry;
}

/**
 * Two tasks still to do: an open one on the party (a callback the integration scheduled) and a
 * pending one on the party's first opportunity (a later step of a track). Capsule links a task to
 * one party, opportunity or project (the v1 API documented `partyId`/`opportunityId`/`caseId`
 * "included on tasks created for a party/opportunity/case"; v2's Task model has `party`,
 * `opportunity` and `kase`); a completed task becomes a `task` entry of the party's history.
 */
function seedTasks(state: CapsuleState, party: SimParty, key: string): void {
  const opportunity = [...state.opportunities.values()].find((o) => o.partyId === party.id);
  state.addTask({
    partyId: party.id,
    opportunityId: null,
    subject: key,
    description: "Call the customer back about their number port",
    status: "OPEN",
    owner: INTEGRATION_USER,
  });
  if (opportunity) {
    state.addTask({
      partyId: null,
      opportunityId: opportunity.id,
      subject: key,
      description: "Send the signed upgrade quote",
      status: "PENDING",
      owner: STAFF_USER,
    });
  }
}
