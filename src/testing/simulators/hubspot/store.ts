/**
 * The HubSpot simulator's state: contacts with property history, the engagements the phone
 * integration pushed (calls, notes, emails, meetings, tasks), files attached to engagements,
 * communication-preference statuses and the GDPR blocklist. Every record remembers the subject it
 * was seeded for, so the oracle still counts a call after HubSpot has unassociated it.
 */
import type { SimEnvironment, SimSubject } from "../../simulator.js";

/** The CRM object types the simulator stores, in HubSpot's plural API names. */
export const ENGAGEMENT_TYPES = ["calls", "notes", "emails", "meetings", "tasks"] as const;
export type EngagementType = (typeof ENGAGEMENT_TYPES)[number];
export type CrmType = "contacts" | EngagementType;

/** Lifecycle of a record: `archived` sits in the recycle bin, `gdpr_deleted` awaits its purge. */
export type RecordState = "live" | "archived" | "gdpr_deleted";

export interface HistoryEntry {
  readonly value: string;
  readonly timestamp: string;
  readonly sourceType: string;
}

export interface CrmRecord {
  readonly id: string;
  readonly type: CrmType;
  /** Seeded for this subject (lower-case email); how the oracle finds it. */
  readonly owner: string;
  properties: Record<string, string>;
  history: Record<string, HistoryEntry[]>;
  readonly createdAt: number;
  updatedAt: number;
  state: RecordState;
  archivedAt?: number;
  /** When the record disappears for good (recycle bin or GDPR purge). */
  purgeAt?: number;
}

export interface FileRecord {
  readonly id: string;
  readonly owner: string;
  readonly name: string;
  readonly extension: string;
  readonly type: string;
  readonly size: number;
  readonly createdAt: number;
  state: "live" | "gdpr_deleted";
}

export interface SubscriptionStatus {
  readonly subscriptionId: number;
  readonly subscriptionName: string;
  status: "SUBSCRIBED" | "UNSUBSCRIBED" | "NOT_SPECIFIED";
  source: string;
  timestamp: number;
  /** Set when an API call (ours) unsubscribed it: what the oracle reports as `restricted`. */
  unsubscribedByApi: boolean;
}

export interface PreferenceRecord {
  statuses: SubscriptionStatus[];
  portalWideUnsubscribed: boolean;
  wideTimestamp: number;
}

/** Subscription types every seeded portal has. */
export const SUBSCRIPTION_DEFINITIONS = [
  { id: 101, name: "Marketing newsletter" },
  { id: 102, name: "Product updates" },
  { id: 103, name: "Billing notices" },
] as const;

/** Days HubSpot keeps records before the purge. */
export const GDPR_PURGE_DAYS = 30;
export const RECYCLE_BIN_DAYS = 90;
export const DAY_MS = 86_400_000;

/** The whole portal. */
export class HubspotStore {
  readonly records = new Map<string, CrmRecord>();
  readonly files = new Map<string, FileRecord>();
  /** Contact→engagement associations: contact id → type → engagement ids in creation order. */
  readonly associations = new Map<string, Map<EngagementType, string[]>>();
  readonly preferences = new Map<string, PreferenceRecord>();
  /** Emails blocklisted by a GDPR delete. */
  readonly blocklist = new Set<string>();
  readonly destructive = new Map<string, number>();
  private nextId = 51_000;

  constructor(private readonly env: SimEnvironment) {}

  newId(): string {
    this.nextId += 1 + Math.floor(this.env.random() * 7);
    return String(this.nextId);
  }

  iso(ms: number): string {
    return new Date(ms).toISOString();
  }

  /** Drops records whose purge time has passed, as HubSpot's background purge would. */
  sweep(): void {
    const now = this.env.now();
    for (const [id, record] of this.records) {
      if (record.state !== "live" && record.purgeAt !== undefined && record.purgeAt <= now) {
        this.records.delete(id);
      }
    }
  }

  /** A record of `type` by id, in any state (callers check the state). */
  get(type: CrmType, id: string): CrmRecord | undefined {
    const record = this.records.get(id);
    return record && record.type === type ? record : undefined;
  }

  /**
   * The contact whose `email` property is `email` (the idProperty lookup: consistent).
   * ASSUMPTION [U]: `hs_additional_emails` are not matched by the idProperty lookup.
   */
  contactByEmail(email: string, state: RecordState = "live"): CrmRecord | undefined {
    const wanted = email.trim().toLowerCase();
    for (const record of this.records.values()) {
      if (record.type === "contacts" && record.state === state && record.properties.email === wanted) {
        return record;
      }
    }
    return undefined;
  }

  countDestructive(key: string): void {
    this.destructive.set(key, (this.destructive.get(key) ?? 0) + 1);
  }

  createContact(owner: string, properties: Record<string, string>): CrmRecord {
    const now = this.env.now();
    const id = this.newId();
    const record: CrmRecord = {
      id,
      type: "contacts",
      owner,
      properties: {
        ...properties,
        hs_object_id: id,
        createdate: this.iso(now),
        lastmodifieddate: this.iso(now),
      },
      history: {},
      createdAt: now,
      updatedAt: now,
      state: "live",
    };
    for (const [name, value] of Object.entries(record.properties)) {
      record.history[name] = [{ value, timestamp: this.iso(now), sourceType: "INTEGRATION" }];
    }
    this.records.set(id, record);
    this.associations.set(id, new Map());
    return record;
  }

  /** Seeds a contact and `count` records of each engagement kind for `subject`. */
  seed(subject: SimSubject, count: number): string {
    const email = subject.email.trim().toLowerCase();
    const now = this.env.now();
    const [first = "Jane", last = "Doe"] = (subject.name ?? "Jane Doe").split(" ");
    let contact = this.contactByEmail(email);
    if (!contact) {
      contact = this.createContact(email, {
        email,
        firstname: first,
        lastname: last,
        phone: subject.phone ?? "+442079460000",
        lifecyclestage: "customer",
        company: "Acme Telecom customer",
      });
      // Property history: an older value for the fields people change.
      const earlier = this.iso(now - 400 * DAY_MS);
      contact.history.lifecyclestage = [
        { value: "customer", timestamp: this.iso(now), sourceType: "CRM_UI" },
        { value: "lead", timestamp: earlier, sourceType: "FORM" },
      ];
      contact.history.phone = [
        { value: contact.properties.phone ?? "", timestamp: this.iso(now), sourceType: "INTEGRATION" },
        { value: "+442079460999", timestamp: earlier, sourceType: "IMPORT" },
      ];
    }
    const links = this.associations.get(contact.id) ?? new Map<EngagementType, string[]>();
    this.associations.set(contact.id, links);
    const phone = contact.properties.phone ?? "+442079460000";
    for (const type of ENGAGEMENT_TYPES) {
      const ids = links.get(type) ?? [];
      links.set(type, ids);
      for (let i = 0; i < count; i++) {
        const at = now - (i + 1) * 3_600_000;
        const properties = this.engagementProperties(type, i, at, phone, email);
        const record: CrmRecord = {
          id: this.newId(),
          type,
          owner: email,
          properties: { ...properties, hs_timestamp: this.iso(at), hs_createdate: this.iso(at) },
          history: {},
          createdAt: at,
          updatedAt: at,
          state: "live",
        };
        record.properties.hs_object_id = record.id;
        this.records.set(record.id, record);
        ids.push(record.id);
      }
    }
    if (!this.preferences.has(email)) {
      this.preferences.set(email, {
        statuses: SUBSCRIPTION_DEFINITIONS.map((d) => ({
          subscriptionId: d.id,
          subscriptionName: d.name,
          status: "SUBSCRIBED",
          source: "Self Service Resubscription",
          timestamp: now - 200 * DAY_MS,
          unsubscribedByApi: false,
        })),
        portalWideUnsubscribed: false,
        wideTimestamp: now - 200 * DAY_MS,
      });
    }
    return contact.id;
  }

  private engagementProperties(
    type: EngagementType,
    i: number,
    at: number,
    phone: string,
    email: string,
  ): Record<string, string> {
    switch (type) {
      case "calls":
        // Call property names checked against HubSpot's calls guide (developers.hubspot.com
        // /docs/guides/api/crm/engagements/calls): hs_call_title, _body, _duration (ms),
        // _from_number, _to_number, _recording_url, _status, _direction. PROVIDERS.md has them [U].
        return {
          hs_call_title: `Support call ${i + 1}`,
          hs_call_body: `Customer called about their line; callback on ${phone}`,
          hs_call_duration: String(60_000 + i * 15_000),
          hs_call_from_number: phone,
          hs_call_to_number: "+442071234567",
          hs_call_recording_url: `https://recordings.acme-telecom.test/rec/${at}.mp3`,
          hs_call_status: "COMPLETED",
          hs_call_direction: "INBOUND",
          // ASSUMPTION [U]: calls and emails carry `hs_attachment_ids` the way notes do.
          hs_attachment_ids: i % 2 === 0 ? this.attach(email, `call-${i + 1}-transcript`, "txt") : "",
        };
      case "notes":
        return {
          hs_note_body: `Agent note ${i + 1}: customer asked about roaming`,
          // Notes list attachments in `hs_attachment_ids`, ids joined by ";" (notes guide).
          hs_attachment_ids: i % 2 === 0 ? this.attach(email, `note-${i + 1}-scan`, "pdf") : "",
        };
      case "emails":
        return {
          hs_email_subject: `Your invoice ${i + 1}`,
          hs_email_text: `Hello, your invoice for ${email} is attached.`,
          hs_email_direction: "EMAIL",
          hs_attachment_ids: i % 3 === 0 ? this.attach(email, `invoice-${i + 1}`, "pdf") : "",
        };
      case "meetings":
        return {
          hs_meeting_title: `Onboarding ${i + 1}`,
          hs_meeting_body: "Walked through the handset setup",
          hs_meeting_start_time: this.iso(at),
        };
      case "tasks":
        return {
          hs_task_subject: `Call back ${phone}`,
          hs_task_body: "Customer asked for a callback",
          hs_task_status: "NOT_STARTED",
        };
    }
  }

  private attach(owner: string, name: string, extension: string): string {
    const file: FileRecord = {
      id: String(180_000_000 + this.files.size * 13 + Math.floor(this.env.random() * 10)),
      owner,
      name,
      extension,
      type: "DOCUMENT",
      size: 2_048 + Math.floor(this.env.random() * 50_000),
      createdAt: this.env.now(),
      state: "live",
    };
    this.files.set(file.id, file);
    return file.id;
  }
}
