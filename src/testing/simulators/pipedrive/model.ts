/**
 * The state of one simulated Pipedrive company: users (each with its own API token), persons and
 * everything hanging off them (activities with participants, deals, leads, notes, files, mail
 * threads and messages, call logs with recordings), plus the 30-day trash that soft deletes go to.
 */
import type { SimEnvironment } from "../../simulator.js";
import type {
  SimActivity,
  SimCallLog,
  SimDeal,
  SimFile,
  SimLead,
  SimMailMessage,
  SimMailThread,
  SimNote,
  SimPerson,
  SimUser,
  Trashable,
} from "./records.js";
import { seedPerson } from "./seed.js";

export type {
  SimActivity,
  SimCallLog,
  SimDeal,
  SimFile,
  SimLead,
  SimMailMessage,
  SimMailThread,
  SimNote,
  SimPerson,
  SimUser,
} from "./records.js";

/** The 30-day trash window of Pipedrive soft deletes. */
export const TRASH_MS = 30 * 24 * 60 * 60 * 1000;

/** The company's data and the operations that change it. */
export class PipedriveState {
  readonly users: SimUser[] = [];
  readonly persons = new Map<number, SimPerson>();
  readonly activities = new Map<number, SimActivity>();
  readonly deals = new Map<number, SimDeal>();
  readonly notes = new Map<number, SimNote>();
  readonly files = new Map<number, SimFile>();
  readonly mail = new Map<number, SimMailMessage>();
  readonly mailThreads = new Map<number, SimMailThread>();
  readonly leads = new Map<string, SimLead>();
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

  /** Creates a person with `records` records of each kind; returns the person id. */
  seedPerson(email: string, phone: string | undefined, name: string | undefined, records: number): number {
    return seedPerson(this, email, phone, name, records);
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.env.random() * items.length)] as T;
  }

  /** The `index`-th user, round robin. */
  user(index: number): SimUser {
    return this.users[index % this.users.length] as SimUser;
  }

  add<K extends number | string, T extends { id: K }>(map: Map<K, T>, value: T): T {
    map.set(value.id, value);
    return value;
  }

  /** A lead id, in the UUID form Pipedrive uses (version 4 layout, from the seeded random source). */
  uuid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.env.random() * 16).toString(16)).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  addActivity(
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

  /**
   * Permanently removes whatever has been in the trash for 30 days (scaled): persons, activities,
   * deals, files and leads. ASSUMPTION [U]: mail threads marked deleted are purged on the same
   * schedule (Pipedrive does not document what it keeps of them).
   */
  purge(): void {
    const cutoff = this.env.now() - this.env.scale(TRASH_MS);
    const maps = [this.persons, this.activities, this.deals, this.files, this.leads, this.mailThreads];
    for (const map of maps as Map<number | string, Trashable>[]) {
      for (const [id, record] of map)
        if (record.deletedAt !== undefined && record.deletedAt <= cutoff) map.delete(id);
    }
    for (const [id, message] of this.mail) if (!this.mailThreads.has(message.thread_id)) this.mail.delete(id);
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
