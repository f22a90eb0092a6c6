/**
 * The Zoho CRM simulator's data: module records (Contacts, Leads, Calls, Tasks, Events, Cases,
 * Deals), their child records (Notes, Attachments, Emails), and the recycle bin. A record is live,
 * in the recycle bin, or gone.
 */
import type { OracleView, SimEnvironment, SimSubject } from "../../simulator.js";

/** Modules whose records are deleted to (and restored from) the recycle bin one by one. */
export type TopModule = "Contacts" | "Leads" | "Calls" | "Tasks" | "Events" | "Cases" | "Deals";
/** Modules whose records hang off a person through a lookup (their related lists of a person). */
export type LinkedModule = "Calls" | "Tasks" | "Events" | "Cases" | "Deals";
/** Records that hang off a module record and follow it into the bin and out of it. */
export type ChildKind = "Notes" | "Attachments" | "Emails";

/**
 * One record. `parentId` is set on child records and on linked records (Calls, Tasks, Events,
 * Cases, Deals: the person whose related list shows them; their lookup fields say the same).
 */
export interface ZohoRecord {
  readonly id: string;
  readonly module: TopModule | ChildKind;
  /**
   * Lower-cased email of the data subject the record is about (for the oracle). A deal or task of
   * the subject that also belongs to an account is still about the subject: it counts as theirs.
   */
  readonly subject: string;
  readonly parentId?: string;
  readonly fields: Record<string, unknown>;
  /** Attachment content. */
  readonly bytes?: Uint8Array;
  readonly contentType?: string;
  /** Epoch ms when the record was moved to the recycle bin itself (top-level records only). */
  deletedAt?: number;
}

/** RecordRef-style type names used by the oracle and `destructiveApplications()`. */
export const TYPE_OF: Readonly<Record<ZohoRecord["module"], string>> = {
  Contacts: "contact",
  Leads: "lead",
  Calls: "call",
  Tasks: "task",
  Events: "event",
  Cases: "case",
  Deals: "deal",
  Notes: "note",
  Attachments: "attachment",
  Emails: "email",
};

/**
 * Zoho keeps deleted records in the recycle bin for 60 days, then purges them: "You can restore the
 * records from the recycle bin within 60 days, after which they will be permanently deleted"
 * (https://help.zoho.com/portal/en/kb/crm/manage-crm-data/recycle-bin/articles/recycle-bin, and
 * https://www.zoho.com/crm/help/miscellaneous/recycle-bin.html). Counted from each record's own
 * deletion time: a record restored and deleted again starts a fresh 60 days.
 */
export const RECYCLE_BIN_RETENTION_MS = 60 * 86_400_000;

/** Child records: they follow their parent into the bin, out of it, and into the purge. */
export function isChild(module: ZohoRecord["module"]): module is ChildKind {
  return module === "Notes" || module === "Attachments" || module === "Emails";
}

/** The CRM user owning the seeded records. */
export const OWNER = { name: "Integration User", id: "4150868000000225013", email: "crm-owner@example.test" };

/** The whole org: every record by id. */
export class ZohoState {
  readonly records = new Map<string, ZohoRecord>();
  readonly destructive = new Map<string, number>();
  private nextId: bigint;

  constructor(private readonly env: SimEnvironment) {
    this.nextId = 4_150_868_000_001_000_000n + BigInt(Math.floor(env.random() * 1_000_000)) * 1000n;
  }

  /** A fresh Zoho-style numeric id. */
  newId(): string {
    this.nextId += 1n + BigInt(Math.floor(this.env.random() * 7));
    return this.nextId.toString();
  }

  /** `offsetDays` before now, as Zoho writes times. */
  iso(offsetDays: number): string {
    return new Date(this.env.now() - offsetDays * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
  }

  add(record: ZohoRecord): ZohoRecord {
    this.records.set(record.id, record);
    return record;
  }

  /** The record a child or a call hangs off, if any. */
  parentOf(record: ZohoRecord): ZohoRecord | undefined {
    return record.parentId === undefined ? undefined : this.records.get(record.parentId);
  }

  /**
   * `live`, `bin` or `gone`. A child follows its parent: deleting a contact moves its notes,
   * attachments and e-mails with it and restoring it brings them back.
   */
  stateOf(record: ZohoRecord): "live" | "bin" {
    if (record.deletedAt !== undefined) return "bin";
    if (isChild(record.module)) {
      const parent = this.parentOf(record);
      if (parent) return this.stateOf(parent);
    }
    // ASSUMPTION [U]: Calls, Tasks, Events, Cases and Deals do not cascade with their contact
    // (PROVIDERS.md §8): one whose contact is in the recycle bin stays live until deleted itself.
    return "live";
  }

  /** Live records of a module, optionally filtered. */
  live(module: ZohoRecord["module"], filter: (r: ZohoRecord) => boolean = () => true): ZohoRecord[] {
    return [...this.records.values()].filter(
      (r) => r.module === module && this.stateOf(r) === "live" && filter(r),
    );
  }

  /** Children of a record (notes, attachments, e-mails) and, for a person, the calls linked to it. */
  children(id: string): ZohoRecord[] {
    return [...this.records.values()].filter((r) => r.parentId === id);
  }

  /**
   * Records in the recycle bin in their own right (what `GET /settings/recycle_bin` lists).
   * ASSUMPTION [U]: children moved with their parent (notes, attachments, e-mails) are not listed as
   * entries of their own; they come back and go away with the parent (zoho.com documents this for
   * notes and attachments on restore and purge; for e-mails it is assumed).
   */
  binEntries(): ZohoRecord[] {
    return [...this.records.values()]
      .filter((r) => r.deletedAt !== undefined)
      .sort((a, b) => (b.deletedAt ?? 0) - (a.deletedAt ?? 0) || a.id.localeCompare(b.id));
  }

  /** Moves a live top-level record to the recycle bin. */
  moveToBin(record: ZohoRecord): void {
    if (!this.env.deleteTakes(TYPE_OF[record.module])) return;
    record.deletedAt = this.env.now();
  }

  restore(record: ZohoRecord): void {
    delete record.deletedAt;
  }

  /** Permanently deletes a binned record and its children; `count` marks it an API purge. */
  purge(record: ZohoRecord, count: boolean): void {
    const doomed = [record, ...this.children(record.id).filter((c) => isChild(c.module))];
    for (const r of doomed) {
      this.records.delete(r.id);
      if (count) {
        const key = `${TYPE_OF[r.module]}:${r.id}`;
        this.destructive.set(key, (this.destructive.get(key) ?? 0) + 1);
      }
    }
  }

  /**
   * Purges what has been in the bin longer than the retention period (Zoho's own job), on the
   * shared clock (`env.now()`) and unscaled: the adapter declares the same 60 days as
   * `restrictionExpiresAfter`, and the engine renews restrictions against that figure.
   */
  expire(): void {
    const limit = this.env.now() - RECYCLE_BIN_RETENTION_MS;
    for (const r of this.binEntries()) if ((r.deletedAt ?? 0) <= limit) this.purge(r, false);
  }

  /** Display summary of a recycle-bin entry, shaped like the OAS `Response_Wrapper` item. */
  binEntry(record: ZohoRecord): Record<string, unknown> {
    const f = record.fields;
    const display =
      record.module === "Contacts" || record.module === "Leads"
        ? [f.First_Name, f.Last_Name].filter(Boolean).join(" ") || String(f.Email ?? record.id)
        : String(f.Subject ?? f.Deal_Name ?? record.module);
    return {
      display_name: display,
      deleted_time: new Date(record.deletedAt ?? 0).toISOString().replace(/\.\d{3}Z$/, "+00:00"),
      owner: { name: OWNER.name, id: OWNER.id },
      module: { api_name: record.module, id: MODULE_IDS[record.module] },
      deleted_by: { name: OWNER.name, id: OWNER.id },
      id: record.id,
    };
  }

  /** What the subject has: live records, records in the recycle bin, and what restrict moved there. */
  oracle(subject: SimSubject): OracleView {
    const email = subject.email.toLowerCase();
    const byType: Record<string, { live: number; trashed: number }> = {};
    let live = 0;
    let trashed = 0;
    let restricted = 0;
    for (const r of this.records.values()) {
      if (r.subject !== email) continue;
      const type = TYPE_OF[r.module];
      const bucket = byType[type] ?? { live: 0, trashed: 0 };
      byType[type] = bucket;
      if (this.stateOf(r) === "live") {
        live++;
        bucket.live++;
      } else {
        trashed++;
        bucket.trashed++;
        if (r.deletedAt !== undefined) restricted++;
      }
    }
    return { live, trashed, restricted, byType };
  }
}

/** Module ids as Zoho reports them in `module` objects (arbitrary but stable). */
export const MODULE_IDS: Readonly<Record<ZohoRecord["module"], string>> = {
  Contacts: "4150868000000002179",
  Leads: "4150868000000002175",
  Calls: "4150868000000002201",
  Tasks: "4150868000000002203",
  Events: "4150868000000002205",
  Cases: "4150868000000002207",
  Deals: "4150868000000002181",
  Notes: "4150868000000002191",
  Attachments: "4150868000000002195",
  Emails: "4150868000000002213",
};
