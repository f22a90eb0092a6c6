/**
 * The data a Capsule simulator holds: parties, entries (notes, emails, call notes), attachments,
 * opportunities, projects (`kases`), tag definitions, long-running jobs and the deleted-party log.
 * Seeding, the cascade of a party delete and the oracle live here; HTTP lives in `routes.ts`.
 */
import type { OracleView, SeedOptions, SimEnvironment, SimSubject } from "../../simulator.js";

/** Built-in activity types, ids as Capsule's activity-type listing shows them. */
export const ACTIVITY_TYPES: Readonly<Record<number, { id: number; name: string }>> = {
  [-1]: { id: -1, name: "Note" },
  [-2]: { id: -2, name: "Meeting" },
  [-3]: { id: -3, name: "Call" },
};

export interface SimParty {
  id: number;
  subject: string | undefined;
  firstName: string;
  lastName: string;
  jobTitle: string | null;
  about: string | null;
  emailAddresses: { id: number; type: string | null; address: string }[];
  phoneNumbers: { id: number; type: string | null; number: string }[];
  tagIds: number[];
  createdAt: string;
  updatedAt: string;
}

export interface SimEntry {
  id: number;
  partyId: number;
  subject: string | undefined;
  type: "note" | "email";
  activityTypeId: number | null;
  content: string;
  emailSubject: string | null;
  creator: { id: number; username: string; name: string };
  createdAt: string;
  attachmentIds: number[];
}

export interface SimAttachment {
  id: number;
  entryId: number;
  subject: string | undefined;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export interface SimOpportunity {
  id: number;
  partyId: number;
  subject: string | undefined;
  name: string;
  value: { amount: number; currency: string };
  milestone: string;
}

export interface SimKase {
  id: number;
  partyId: number;
  subject: string | undefined;
  name: string;
  status: "OPEN" | "CLOSED";
}

export interface SimJob {
  id: string;
  action: string;
  partyId: number;
  createdAt: number;
  completesAt: number;
  done: boolean;
}

/** The integration's user, creator of the call notes it pushed. */
export const INTEGRATION_USER = { id: 7001, username: "phone-integration", name: "Phone integration" };
const STAFF_USER = { id: 7002, username: "sam", name: "Sam Staff" };

/** Mutable store of one simulator instance. */
export class CapsuleState {
  readonly parties = new Map<number, SimParty>();
  readonly entries = new Map<number, SimEntry>();
  readonly attachments = new Map<number, SimAttachment>();
  readonly opportunities = new Map<number, SimOpportunity>();
  readonly kases = new Map<number, SimKase>();
  readonly tags = new Map<number, { id: number; name: string; dataTag: boolean }>();
  readonly jobs = new Map<string, SimJob>();
  readonly deleted: { id: number; deletedAt: number }[] = [];
  readonly destructive = new Map<string, number>();
  private nextId = 1000;
  private nextJob = 1;

  constructor(private readonly env: SimEnvironment) {}

  id(): number {
    this.nextId += 1 + Math.floor(this.env.random() * 3);
    return this.nextId;
  }

  iso(at: number = this.env.now()): string {
    return new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  tagId(name: string): number {
    for (const tag of this.tags.values()) if (tag.name.toLowerCase() === name.toLowerCase()) return tag.id;
    const id = this.id();
    this.tags.set(id, { id, name, dataTag: false });
    return id;
  }

  countDestructive(key: string): void {
    this.destructive.set(key, (this.destructive.get(key) ?? 0) + 1);
  }

  entriesOf(partyId: number): SimEntry[] {
    return [...this.entries.values()].filter((e) => e.partyId === partyId);
  }

  /** Removes an entry and its attachments (Capsule deletes an entry's attachments with it). */
  removeEntry(id: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    for (const a of entry.attachmentIds) this.attachments.delete(a);
    this.entries.delete(id);
  }

  // ASSUMPTION [U]: deleting a party removes its entries (with their attachments), and the
  // opportunities and projects whose party it is; Capsule documents no restore, so it is hard.
  removeParty(id: number): void {
    if (!this.env.deleteTakes("party")) return;
    if (!this.parties.delete(id)) return;
    for (const entry of this.entriesOf(id)) this.removeEntry(entry.id);
    for (const o of this.opportunities.values()) if (o.partyId === id) this.opportunities.delete(o.id);
    for (const k of this.kases.values()) if (k.partyId === id) this.kases.delete(k.id);
    this.deleted.push({ id, deletedAt: this.env.now() });
  }

  createJob(action: string, partyId: number, delayMs: number): SimJob {
    const now = this.env.now();
    const id = `0000${this.nextJob++}-9199-426c-9984-6362b08f8555`.slice(-36);
    const job: SimJob = { id, action, partyId, createdAt: now, completesAt: now + delayMs, done: false };
    this.jobs.set(id, job);
    return job;
  }

  /** Runs the jobs whose time has come (lazily, on every request and oracle call). */
  settleJobs(): void {
    const now = this.env.now();
    for (const job of this.jobs.values()) {
      if (job.done || now < job.completesAt) continue;
      job.done = true;
      this.removeParty(job.partyId);
    }
  }

  pendingJobFor(partyId: number): SimJob | undefined {
    for (const job of this.jobs.values()) if (!job.done && job.partyId === partyId) return job;
    return undefined;
  }

  seed(subject: SimSubject, options: SeedOptions, existingTags: readonly string[]): string[] {
    const n = Math.max(1, options.records ?? 5);
    const key = subject.email.toLowerCase();
    const [first, ...rest] = (subject.name ?? "Jane Doe").split(" ");
    const now = this.env.now();
    const party: SimParty = {
      id: this.id(),
      subject: key,
      firstName: first ?? "Jane",
      lastName: rest.join(" ") || "Doe",
      jobTitle: "Operations Manager",
      about: "Customer of the phone service",
      emailAddresses: [{ id: this.id(), type: "Work", address: subject.email }],
      phoneNumbers: subject.phone ? [{ id: this.id(), type: "Mobile", number: subject.phone }] : [],
      tagIds: existingTags.map((t) => this.tagId(t)),
      createdAt: this.iso(now - 86_400_000 * 30),
      updatedAt: this.iso(now - 86_400_000),
    };
    this.parties.set(party.id, party);
    for (let i = 0; i < n; i++) {
      const at = now - 86_400_000 * (n - i);
      this.addEntry(party, "note", -1, `Follow-up note ${i + 1}`, STAFF_USER, at, null);
      this.addEntry(
        party,
        "email",
        null,
        `Re: your invoice ${i + 1}`,
        STAFF_USER,
        at + 1000,
        `Invoice ${i + 1}`,
      );
      const call = this.addEntry(
        party,
        "note",
        -3,
        `Inbound call, ${60 + i * 7}s, from the customer's mobile`,
        INTEGRATION_USER,
        at + 2000,
        null,
      );
      const attachment: SimAttachment = {
        id: this.id(),
        entryId: call.id,
        subject: key,
        filename: `call-recording-${i + 1}.mp3`,
        contentType: "audio/mpeg",
        bytes: Buffer.from(`ID3 recording ${party.id}/${call.id} ${"x".repeat(16 + i)}`),
      };
      this.attachments.set(attachment.id, attachment);
      call.attachmentIds.push(attachment.id);
      const opp: SimOpportunity = {
        id: this.id(),
        partyId: party.id,
        subject: key,
        name: `Phone system upgrade ${i + 1}`,
        value: { amount: 100 * (i + 1), currency: "GBP" },
        milestone: "Proposal",
      };
      this.opportunities.set(opp.id, opp);
      const kase: SimKase = {
        id: this.id(),
        partyId: party.id,
        subject: key,
        name: `Number port ${i + 1}`,
        status: "OPEN",
      };
      this.kases.set(kase.id, kase);
    }
    return [String(party.id)];
  }

  private addEntry(
    party: SimParty,
    type: SimEntry["type"],
    activityTypeId: number | null,
    content: string,
    creator: SimEntry["creator"],
    at: number,
    emailSubject: string | null,
  ): SimEntry {
    const entry: SimEntry = {
      id: this.id(),
      partyId: party.id,
      subject: party.subject,
      type,
      activityTypeId,
      content,
      emailSubject,
      creator,
      createdAt: this.iso(at),
      attachmentIds: [],
    };
    this.entries.set(entry.id, entry);
    return entry;
  }

  oracle(subject: SimSubject, restrictTag: string): OracleView {
    this.settleJobs();
    const key = subject.email.toLowerCase();
    const count = <T extends { subject: string | undefined }>(m: Map<unknown, T>) =>
      [...m.values()].filter((r) => r.subject === key).length;
    const byType = {
      party: { live: count(this.parties), trashed: 0 },
      entry: { live: count(this.entries), trashed: 0 },
      attachment: { live: count(this.attachments), trashed: 0 },
      opportunity: { live: count(this.opportunities), trashed: 0 },
      kase: { live: count(this.kases), trashed: 0 },
    };
    const live = Object.values(byType).reduce((sum, t) => sum + t.live, 0);
    const restricted = [...this.parties.values()].filter(
      (p) =>
        p.subject === key &&
        p.tagIds.some((id) => this.tags.get(id)?.name.toLowerCase() === restrictTag.toLowerCase()),
    ).length;
    return { live, trashed: 0, restricted, byType };
  }
}
