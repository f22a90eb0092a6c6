/**
 * The data a Capsule simulator holds: parties, entries (notes, emails, call notes), attachments,
 * opportunities, projects (`kases`), tasks, tag definitions, long-running jobs and the
 * deleted-party log. The cascade of a party delete and the oracle live here; seeding in `seed.ts`,
 * HTTP in `routes.ts`.
 */
import type { OracleView, SimEnvironment, SimSubject } from "../../simulator.js";

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

export interface SimTask {
  id: number;
  /** The party the task is on, or `null` when it is on an opportunity or project. */
  partyId: number | null;
  opportunityId: number | null;
  subject: string | undefined;
  description: string;
  status: "OPEN" | "PENDING" | "COMPLETED";
  owner: { id: number; username: string; name: string };
  dueOn: string;
  createdAt: string;
}

/** What a party delete may leave behind, for tests of a Capsule that does not cascade. */
export type CascadeKind = "entries" | "tasks" | "opportunities" | "kases";

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
export const STAFF_USER = { id: 7002, username: "sam", name: "Sam Staff" };

/** Mutable store of one simulator instance. */
export class CapsuleState {
  readonly parties = new Map<number, SimParty>();
  readonly entries = new Map<number, SimEntry>();
  readonly attachments = new Map<number, SimAttachment>();
  readonly opportunities = new Map<number, SimOpportunity>();
  readonly kases = new Map<number, SimKase>();
  readonly tasks = new Map<number, SimTask>();
  readonly tags = new Map<number, { id: number; name: string; dataTag: boolean }>();
  readonly jobs = new Map<string, SimJob>();
  readonly deleted: { id: number; deletedAt: number }[] = [];
  readonly destructive = new Map<string, number>();
  private nextId = 1000;
  private nextJob = 1;

  constructor(
    private readonly env: SimEnvironment,
    /** Records a party delete leaves in place (none by default: see `removeParty`). */
    private readonly keeps: readonly CascadeKind[] = [],
  ) {}

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

  // ASSUMPTION [U]: deleting a party removes its entries (with their attachments), the
  // opportunities and projects whose party it is, and the tasks on the party and on those
  // opportunities and projects. Capsule's docs say only that the delete "fully deletes" the party
  // (developer.capsulecrm.com/v2/operations/Party, as summarised by withone.ai [S]) and document
  // no restore, so the delete is hard. `keeps` models a Capsule that leaves some of them in place.
  removeParty(id: number): void {
    if (!this.env.deleteTakes("party")) return;
    if (!this.parties.delete(id)) return;
    const opportunities = [...this.opportunities.values()].filter((o) => o.partyId === id).map((o) => o.id);
    const kases = [...this.kases.values()].filter((k) => k.partyId === id).map((k) => k.id);
    if (!this.keeps.includes("entries")) for (const entry of this.entriesOf(id)) this.removeEntry(entry.id);
    if (!this.keeps.includes("tasks")) {
      for (const task of this.tasks.values()) {
        if (
          task.partyId === id ||
          (task.opportunityId !== null && opportunities.includes(task.opportunityId))
        ) {
          this.tasks.delete(task.id);
        }
      }
    }
    if (!this.keeps.includes("opportunities")) for (const o of opportunities) this.opportunities.delete(o);
    if (!this.keeps.includes("kases")) for (const k of kases) this.kases.delete(k);
    this.deleted.push({ id, deletedAt: this.env.now() });
  }

  addTask(task: Omit<SimTask, "id" | "dueOn" | "createdAt">): SimTask {
    const now = this.env.now();
    const full: SimTask = {
      ...task,
      id: this.id(),
      dueOn: this.iso(now + 7 * 86_400_000).slice(0, 10),
      createdAt: this.iso(now - 86_400_000),
    };
    this.tasks.set(full.id, full);
    return full;
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
      task: { live: count(this.tasks), trashed: 0 },
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
