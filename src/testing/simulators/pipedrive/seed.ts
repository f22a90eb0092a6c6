/**
 * Realistic seeded data for the Pipedrive simulator: a person with deals, meetings (also shared
 * ones where another person is the primary participant), notes, files, leads (one archived), mail
 * threads and call logs spread over the company's users.
 */
import type { PipedriveState } from "./model.js";
import type { SimPerson } from "./records.js";

const FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Eva", "Femi", "Greta", "Hiro"];
const LAST = ["Novak", "Okafor", "Lind", "Moreau", "Tanaka", "Silva", "Weber", "Quinn"];
const OUTCOMES = ["connected", "no_answer", "left_message", "busy"];

/** Creates a person with `records` records of each kind (leads: half as many); returns its id. */
export function seedPerson(
  state: PipedriveState,
  email: string,
  phone: string | undefined,
  name: string | undefined,
  records: number,
): number {
  const now = state.iso();
  const personName = name ?? `${state.pick(FIRST)} ${state.pick(LAST)}`;
  const id = state.id();
  const person: SimPerson = {
    id,
    name: personName,
    emails: [{ value: email, primary: true, label: "work" }],
    phones: [
      {
        value: phone ?? `+44 20 7946 ${String(id % 10_000).padStart(4, "0")}`,
        primary: true,
        label: "work",
      },
    ],
    owner_id: state.user(0).id,
    add_time: now,
    update_time: now,
  };
  state.persons.set(person.id, person);
  // A second person (a colleague of the subject) to be primary on shared meetings.
  const other = Array.from(state.persons.values()).find(
    (p) => p.id !== person.id && p.deletedAt === undefined,
  );
  for (let i = 0; i < records; i++) {
    const owner = state.user(i);
    const deal = state.add(state.deals, {
      id: state.id(),
      title: `${personName} — ${i + 1} seats`,
      value: 100 * (i + 1),
      currency: "EUR",
      person_id: person.id,
      owner_id: owner.id,
      status: "open",
      add_time: now,
      update_time: now,
    });
    state.addActivity(person.id, [], "meeting", `Meeting with ${personName}`, owner.id, deal.id);
    if (other) {
      // The subject takes part, but another person is the primary participant.
      state.addActivity(other.id, [person.id], "meeting", `Group demo ${i + 1}`, owner.id, null);
    }
    state.add(state.notes, {
      id: state.id(),
      content: `<p>Call summary for ${personName}: follow up ${i + 1}</p>`,
      person_id: person.id,
      user_id: owner.id,
      add_time: now,
      update_time: now,
    });
    state.add(state.files, {
      id: state.id(),
      name: `contract-${i + 1}.pdf`,
      file_type: "pdf",
      content_type: "application/pdf",
      person_id: person.id,
      user_id: owner.id,
      bytes: Buffer.from(`%PDF-1.4 simulated contract ${i + 1} for person ${person.id}\n`),
      add_time: now,
    });
    // One thread per message, in the mailbox of the user who wrote it.
    const thread = state.add(state.mailThreads, {
      id: state.id(),
      user_id: owner.id,
      subject: `Re: your quote ${i + 1}`,
    });
    state.add(state.mail, {
      id: state.id(),
      thread_id: thread.id,
      subject: thread.subject,
      snippet: `Hello ${personName}, thanks for the call`,
      from_email: owner.email,
      to_email: email,
      person_id: person.id,
      subject_person_id: person.id,
      user_id: owner.id,
      message_time: now,
    });
    // Call logs are spread over the users: each one is visible only with its user's token.
    const activity = state.addActivity(person.id, [], "call", `Call with ${personName}`, owner.id, null);
    const hex = Array.from({ length: 4 }, () =>
      ((state.env.random() * 0xffff) >>> 0).toString(16).padStart(4, "0"),
    ).join("");
    state.callLogs.set(hex, {
      id: hex,
      user_id: owner.id,
      activity_id: activity.id,
      person_id: person.id,
      subject: activity.subject,
      duration: String(30 + i * 7),
      outcome: state.pick(OUTCOMES),
      from_phone_number: "+44 20 3000 0000",
      to_phone_number: person.phones[0]?.value ?? "",
      start_time: state.iso(-3_600_000),
      end_time: state.iso(-3_500_000),
      note: `Caller asked about pricing (${i + 1})`,
      recording: i % 2 === 0 ? Buffer.from(`RIFF simulated audio ${hex}`) : undefined,
    });
  }
  // Leads linked to the person, the last one archived (listed by `GET /v1/leads/archived` only).
  const leads = Math.ceil(records / 2);
  for (let i = 0; i < leads; i++) {
    const owner = state.user(i + 1);
    state.add(state.leads, {
      id: state.uuid(),
      title: `${personName} lead ${i + 1}`,
      owner_id: owner.id,
      creator_id: owner.id,
      person_id: person.id,
      is_archived: i === leads - 1 && leads > 1,
      add_time: now,
      update_time: now,
    });
  }
  return person.id;
}
