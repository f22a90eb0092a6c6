/**
 * The Zoho CRM simulator's data: module records (Contacts, Leads, Calls), their child records
 * (Notes, Attachments, Emails), and the recycle bin. A record is live, in the recycle bin, or gone.
 */
import type { OracleView, SimEnvironment, SimSubject } from "../../simulator.js";

/** Modules whose records are deleted to (and restored from) the recycle bin one by one. */
export type TopModule = "Contacts" | "Leads" | "Calls";
/** Records that hang off a module record and follow it into the bin and out of it. */
export type ChildKind = "Notes" | "Attachments" | "Emails";

/** One record. `parentId` is set on child records; Calls point at their contact through `Who_Id`. */
export interface ZohoRecord {
  readonly id: string;
  readonly module: TopModule | ChildKind;
  /** Lower-cased email of the data subject the record belongs to (for the oracle). */
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
  Notes: "note",
  Attachments: "attachment",
  Emails: "email",
};

/** Zoho keeps deleted records in the recycle bin for 60 days, then purges them. */
export const RECYCLE_BIN_RETENTION_MS = 60 * 86_400_000;

const OWNER = { name: "Integration User", id: "4150868000000225013", email: "crm-owner@example.test" };

/** The whole org: every record by id. */
export class ZohoState {
  readonly records = new Map<string, ZohoRecord>();
  readonly destructive = new Map<string, number>();
  private nextId: bigint;

  constructor(private readonly env: SimEnvironment) {
    this.nextId = 4_150_868_000_001_000_000n + BigInt(Math.floor(env.random() * 1_000_000)) * 1000n;
  }

  private newId(): string {
    this.nextId += 1n + BigInt(Math.floor(this.env.random() * 7));
    return this.nextId.toString();
  }

  private iso(offsetDays: number): string {
    return new Date(this.env.now() - offsetDays * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "+00:00");
  }

  private add(record: ZohoRecord): ZohoRecord {
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
    if (record.module === "Notes" || record.module === "Attachments" || record.module === "Emails") {
      const parent = this.parentOf(record);
      if (parent) return this.stateOf(parent);
    }
    // ASSUMPTION [U]: Calls do not cascade with their contact (PROVIDERS.md §8): a call whose
    // contact is in the recycle bin stays live until it is deleted itself.
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
    record.deletedAt = this.env.now();
  }

  restore(record: ZohoRecord): void {
    delete record.deletedAt;
  }

  /** Permanently deletes a binned record and its children; `count` marks it an API purge. */
  purge(record: ZohoRecord, count: boolean): void {
    const doomed = [record, ...this.children(record.id).filter((c) => c.module !== "Calls")];
    for (const r of doomed) {
      this.records.delete(r.id);
      if (count) {
        const key = `${TYPE_OF[r.module]}:${r.id}`;
        this.destructive.set(key, (this.destructive.get(key) ?? 0) + 1);
      }
    }
  }

  /** Purges what has been in the bin longer than the retention period (Zoho's own job). */
  expire(): void {
    const limit = this.env.now() - this.env.scale(RECYCLE_BIN_RETENTION_MS);
    for (const r of this.binEntries()) if ((r.deletedAt ?? 0) <= limit) this.purge(r, false);
  }

  /** Display summary of a recycle-bin entry, shaped like the OAS `Response_Wrapper` item. */
  binEntry(record: ZohoRecord): Record<string, unknown> {
    const f = record.fields;
    const display =
      record.module === "Calls"
        ? String(f.Subject ?? "Call")
        : [f.First_Name, f.Last_Name].filter(Boolean).join(" ") || String(f.Email ?? record.id);
    return {
      display_name: display,
      deleted_time: new Date(record.deletedAt ?? 0).toISOString().replace(/\.\d{3}Z$/, "+00:00"),
      owner: { name: OWNER.name, id: OWNER.id },
      module: { api_name: record.module, id: MODULE_IDS[record.module] },
      deleted_by: { name: OWNER.name, id: OWNER.id },
      id: record.id,
    };
  }

  /** Seeds a contact and a lead for the subject, with notes, attachments, e-mails and calls. */
  seed(subject: SimSubject, perKind: number): string[] {
    const email = subject.email.toLowerCase();
    const [first, ...rest] = (subject.name ?? "Jane Doe").split(/\s+/);
    const last = rest.join(" ") || "Doe";
    const ids: string[] = [];
    const person = (module: "Contacts" | "Leads"): ZohoRecord => {
      const record = this.add({
        id: this.newId(),
        module,
        subject: email,
        fields: {
          Owner: { name: OWNER.name, id: OWNER.id, email: OWNER.email },
          First_Name: first ?? "Jane",
          Last_Name: last,
          Full_Name: `${first ?? "Jane"} ${last}`,
          Email: subject.email,
          Phone: subject.phone ?? null,
          Mobile: null,
          ...(module === "Leads" ? { Company: "Acme", Lead_Status: "Contacted" } : { Title: "CTO" }),
          Created_Time: this.iso(120),
          Modified_Time: this.iso(3),
        },
      });
      ids.push(record.id);
      return record;
    };
    const contact = person("Contacts");
    const lead = person("Leads");
    const attach = (parent: ZohoRecord, name: string, type: string, text: string) => {
      const bytes = new TextEncoder().encode(text);
      this.add({
        id: this.newId(),
        module: "Attachments",
        subject: email,
        parentId: parent.id,
        bytes,
        contentType: type,
        fields: {
          File_Name: name,
          Size: String(bytes.length),
          $file_id: `fid_${parent.id.slice(-6)}_${this.records.size}`,
          $type: "Attachment",
          $se_module: parent.module,
          $state: "save",
          $editable: true,
          $link_url: null,
          Parent_Id: { module: { api_name: parent.module, id: MODULE_IDS[parent.module] }, id: parent.id },
          Owner: { name: OWNER.name, id: OWNER.id },
          Created_By: { name: OWNER.name, id: OWNER.id },
          Modified_By: { name: OWNER.name, id: OWNER.id },
          Created_Time: this.iso(30),
          Modified_Time: this.iso(30),
        },
      });
    };
    const note = (parent: ZohoRecord, i: number) =>
      this.add({
        id: this.newId(),
        module: "Notes",
        subject: email,
        parentId: parent.id,
        fields: {
          Note_Title: `Call summary ${i + 1}`,
          Note_Content: `Spoke with ${subject.name ?? "the customer"} about their plan (${i + 1}).`,
          Parent_Id: { module: { api_name: parent.module, id: MODULE_IDS[parent.module] }, id: parent.id },
          Owner: { name: OWNER.name, id: OWNER.id },
          Created_Time: this.iso(20 - i),
        },
      });
    for (let i = 0; i < perKind; i++) {
      note(contact, i);
      attach(contact, `contract-${i + 1}.pdf`, "application/pdf", `%PDF-1.4 contract ${i + 1} for ${email}`);
      this.add({
        id: this.newId(),
        module: "Emails",
        subject: email,
        parentId: contact.id,
        fields: {
          message_id: `m${contact.id.slice(-5)}${i}`,
          subject: `Your invoice ${i + 1}`,
          from: { user_name: OWNER.name, email: OWNER.email },
          to: [{ user_name: subject.name ?? "", email: subject.email }],
          sent_time: this.iso(10 - i),
          status: [{ type: "sent" }],
        },
      });
      const call = this.add({
        id: this.newId(),
        module: "Calls",
        subject: email,
        parentId: contact.id,
        fields: {
          Subject: `Inbound call ${i + 1}`,
          Call_Type: i % 2 === 0 ? "Inbound" : "Outbound",
          Call_Start_Time: this.iso(15 - i),
          Call_Duration: `0${i % 10}:3${i % 6}`,
          Call_Duration_in_seconds: 30 + i * 60,
          Description: `Recorded call with ${subject.phone ?? "the customer"}`,
          Who_Id: { name: `${first ?? "Jane"} ${last}`, id: contact.id },
          $se_module: "Contacts",
          Owner: { name: OWNER.name, id: OWNER.id },
          Created_Time: this.iso(15 - i),
        },
      });
      attach(call, `recording-${i + 1}.mp3`, "audio/mpeg", `ID3 recording ${i + 1} of ${email}`);
    }
    for (let i = 0; i < Math.max(1, Math.ceil(perKind / 2)); i++) note(lead, i);
    attach(lead, "business-card.png", "image/png", `PNG card of ${email}`);
    // Someone else in the same org, so look-ups must not match on anything but the subject.
    const other = `other.${this.records.size}@example.test`;
    this.add({
      id: this.newId(),
      module: "Contacts",
      subject: other,
      fields: { First_Name: "Max", Last_Name: "Other", Email: other, Phone: null },
    });
    return ids;
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
  Notes: "4150868000000002191",
  Attachments: "4150868000000002195",
  Emails: "4150868000000002213",
};
