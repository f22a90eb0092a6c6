/**
 * The state of one simulated Pipedrive company: users (each with its own API token), persons and
 * everything hanging off them (activities with participants, deals, notes, files, mail messages,
 * call logs with recordings), plus the 30-day trash that soft deletes go to.
 */
import type { SimEnvironment } from "../../simulator.js";

/** A Pipedrive user (seat) of the company. */
export interface SimUser {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  /** Personal API token, sent as `x-api-token`. */
  readonly apiToken: string;
  /** OAuth access token of an app installed by this user, sent as `Authorization: Bearer`. */
  readonly oauthToken: string;
  /** Admin users ("account settings" permission) may delete persons. */
  readonly admin: boolean;
}

/** What every record that goes to the trash carries. */
interface Trashable {
  /** Epoch ms of the soft delete; absent while live. */
  deletedAt?: number;
}

export interface SimPerson extends Trashable {
  readonly id: number;
  name: string;
  emails: { value: string; primary: boolean; label: string }[];
  phones: { value: string; primary: boolean; label: string }[];
  owner_id: number;
  add_time: string;
  update_time: string;
}

export interface SimActivity extends Trashable {
  readonly id: number;
  subject: string;
  type: string;
  owner_id: number;
  /** The primary participant. */
  person_id: number | null;
  participants: { person_id: number; primary: boolean }[];
  deal_id: number | null;
  done: boolean;
  due_date: string;
  note: string;
  add_time: string;
  update_time: string;
}

export interface SimDeal extends Trashable {
  readonly id: number;
  title: string;
  value: number;
  currency: string;
  person_id: number | null;
  owner_id: number;
  status: "open" | "won" | "lost";
  add_time: string;
  update_time: string;
}

export interface SimNote {
  readonly id: number;
  content: string;
  person_id: number | null;
  user_id: number;
  add_time: string;
  update_time: string;
}

export interface SimFile extends Trashable {
  readonly id: number;
  name: string;
  file_type: string;
  content_type: string;
  person_id: number | null;
  user_id: number;
  bytes: Buffer;
  add_time: string;
}

export interface SimMailMessage {
  readonly id: number;
  subject: string;
  snippet: string;
  from_email: string;
  to_email: string;
  person_id: number | null;
  user_id: number;
  message_time: string;
}

export interface SimCallLog {
  readonly id: string;
  user_id: number;
  activity_id: number | null;
  person_id: number | null;
  subject: string;
  duration: string;
  outcome: string;
  from_phone_number: string;
  to_phone_number: string;
  start_time: string;
  end_time: string;
  note: string;
  /** The audio recording, when one was attached. Deleted together with the call log. */
  recording: Buffer | undefined;
}

/** The 30-day trash window of Pipedrive soft deletes. */
export const TRASH_MS = 30 * 24 * 60 * 60 * 1000;

const FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Eva", "Femi", "Greta", "Hiro"];
const LAST = ["Novak", "Okafor", "Lind", "Moreau", "Tanaka", "Silva", "Weber", "Quinn"];
const OUTCOMES = ["connected", "no_answer", "left_message", "busy"];

/** The company's data and the operations that change it. */
export class PipedriveState {
  readonly users: SimUser[] = [];
  readonly persons = new Map<number, SimPerson>();
  readonly activities = new Map<number, SimActivity>();
  readonly deals = new Map<number, SimDeal>();
  readonly notes = new Map<number, SimNote>();
  readonly files = new Map<number, SimFile>();
  readonly mail = new Map<number, SimMailMessage>();
  readonly callLogs = new Map<string, SimCallLog>();
  /** Irreversible operations per `type:id`. */
  readonly destructive = new Map<string, number>();
  private nextId = 1000;

  constructor(readonly env: SimEnvironment) {
    const names = ["Owner Admin", "Sales Rep One", "Sales Rep Two"];
    names.forEach((name, i) => {
      const hex = (env.random() * 0xffffffff) >>> 0;
      this.users.push({
        id: 100 + i,
        name,
        email: `user${i + 1}@crm-customer.test`,
        apiToken: `pd_sim_${i + 1}_${hex.toString(16).padStart(8, "0")}${"0".repeat(24)}`,
        oauthToken: `v1u:sim-oauth-${i + 1}-${hex.toString(36)}`,
        admin: i === 0,
      });
    });
    // Other people's data in the same company, so filters are exercised.
    for (let i = 0; i < 3; i++) this.seedPerson(`colleague${i}@elsewhere.test`, undefined, undefined, 2);
  }

  id(): number {
    this.nextId += 1 + Math.floor(this.env.random() * 3);
    return this.nextId;
  }

  iso(offsetMs = 0): string {
    return new Date(this.env.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.env.random() * items.length)] as T;
  }

  private user(index: number): SimUser {
    return this.users[index % this.users.length] as SimUser;
  }

  /** Creates a person with `records` records of each kind; returns the person id. */
  seedPerson(email: string, phone: string | undefined, name: string | undefined, records: number): number {
    const now = this.iso();
    const personName = name ?? `${this.pick(FIRST)} ${this.pick(LAST)}`;
    const person: SimPerson = {
      id: this.id(),
      name: personName,
      emails: [{ value: email, primary: true, label: "work" }],
      phones: [
        {
          value: phone ?? `+44 20 7946 ${String(this.nextId % 10_000).padStart(4, "0")}`,
          primary: true,
          label: "work",
        },
      ],
      owner_id: this.user(0).id,
      add_time: now,
      update_time: now,
    };
    this.persons.set(person.id, person);
    // A second person (a colleague of the subject) to be primary on shared meetings.
    const other = Array.from(this.persons.values()).find(
      (p) => p.id !== person.id && p.deletedAt === undefined,
    );
    for (let i = 0; i < records; i++) {
      const owner = this.user(i);
      const deal = this.add(this.deals, {
        id: this.id(),
        title: `${personName} — ${i + 1} seats`,
        value: 100 * (i + 1),
        currency: "EUR",
        person_id: person.id,
        owner_id: owner.id,
        status: "open",
        add_time: now,
        update_time: now,
      });
      this.addActivity(person.id, [], "meeting", `Meeting with ${personName}`, owner.id, deal.id);
      if (other) {
        // The subject takes part, but another person is the primary participant.
        this.addActivity(other.id, [person.id], "meeting", `Group demo ${i + 1}`, owner.id, null);
      }
      this.add(this.notes, {
        id: this.id(),
        content: `<p>Call summary for ${personName}: follow up ${i + 1}</p>`,
        person_id: person.id,
        user_id: owner.id,
        add_time: now,
        update_time: now,
      });
      this.add(this.files, {
        id: this.id(),
        name: `contract-${i + 1}.pdf`,
        file_type: "pdf",
        content_type: "application/pdf",
        person_id: person.id,
        user_id: owner.id,
        bytes: Buffer.from(`%PDF-1.4 simulated contract ${i + 1} for person ${person.id}\n`),
        add_time: now,
      });
      this.add(this.mail, {
        id: this.id(),
        subject: `Re: your quote ${i + 1}`,
        snippet: `Hello ${personName}, thanks for the call`,
        from_email: owner.email,
        to_email: email,
        person_id: person.id,
        user_id: owner.id,
        message_time: now,
      });
      // Call logs are spread over the users: each one is visible only with its user's token.
      const activity = this.addActivity(person.id, [], "call", `Call with ${personName}`, owner.id, null);
      const hex = Array.from({ length: 4 }, () =>
        ((this.env.random() * 0xffff) >>> 0).toString(16).padStart(4, "0"),
      ).join("");
      this.callLogs.set(hex, {
        id: hex,
        user_id: owner.id,
        activity_id: activity.id,
        person_id: person.id,
        subject: activity.subject,
        duration: String(30 + i * 7),
        outcome: this.pick(OUTCOMES),
        from_phone_number: "+44 20 3000 0000",
        to_phone_number: person.phones[0]?.value ?? "",
        start_time: this.iso(-3_600_000),
        end_time: this.iso(-3_500_000),
        note: `Caller asked about pricing (${i + 1})`,
        recording: i % 2 === 0 ? Buffer.from(`RIFF simulated audio ${hex}`) : undefined,
      });
    }
    return person.id;
  }

  private add<T extends { id: number }>(map: Map<number, T>, value: T): T {
    map.set(value.id, value);
    return value;
  }

  private addActivity(
    primary: number,
    others: number[],
    type: string,
    subject: string,
    owner: number,
    deal: number | null,
  ): SimActivity {
    const now = this.iso();
    return this.add(this.activities, {
      id: this.id(),
      subject,
      type,
      owner_id: owner,
      person_id: primary,
      participants: [
        { person_id: primary, primary: true },
        ...others.map((p) => ({ person_id: p, primary: false })),
      ],
      deal_id: deal,
      done: true,
      due_date: now.slice(0, 10),
      note: "",
      add_time: now,
      update_time: now,
    });
  }

  /** Records one irreversible operation on `key` (`type:id`). */
  destroyed(key: string): void {
    this.destructive.set(key, (this.destructive.get(key) ?? 0) + 1);
  }

  /** Soft-deletes a person. */
  trashPerson(person: SimPerson): void {
    if (!this.env.deleteTakes("person")) return;
    person.deletedAt = this.env.now();
    this.destroyed(`person:${person.id}`);
    // ASSUMPTION [U]: deleting a person unlinks it from its deals and linked mail messages (they
    // stay in the company without the person); activities, notes, files and call logs keep their
    // person_id, so an adapter has to remove those itself.
    for (const deal of this.deals.values()) if (deal.person_id === person.id) deal.person_id = null;
    for (const message of this.mail.values()) if (message.person_id === person.id) message.person_id = null;
  }

  /** Permanently removes whatever has been in the trash for 30 days (scaled). */
  purge(): void {
    const cutoff = this.env.now() - this.env.scale(TRASH_MS);
    for (const map of [this.persons, this.activities, this.deals, this.files] as Map<number, Trashable>[]) {
      for (const [id, record] of map)
        if (record.deletedAt !== undefined && record.deletedAt <= cutoff) map.delete(id);
    }
  }

  /** Ids of all persons (live or trashed) having `email` (case-insensitive). */
  personIdsByEmail(email: string): Set<number> {
    const needle = email.trim().toLowerCase();
    const ids = new Set<number>();
    for (const person of this.persons.values()) {
      if (person.emails.some((e) => e.value.toLowerCase() === needle)) ids.add(person.id);
    }
    return ids;
  }
}
