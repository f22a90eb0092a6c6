/**
 * The HubSpot simulator's state: contacts with property history, the engagements the phone
 * integration pushed (calls, notes, emails, meetings, tasks), the companies, deals and tickets
 * engagements can also be associated with, files attached to engagements, communication-preference
 * statuses and the GDPR blocklist. Every record remembers the subject it was seeded for, so the
 * oracle still counts a call after HubSpot has unassociated it. Seeding lives in `seed.ts`.
 */
import type { SimEnvironment } from "../../simulator.js";

/** The CRM object types the simulator stores, in HubSpot's plural API names. */
export const ENGAGEMENT_TYPES = ["calls", "notes", "emails", "meetings", "tasks"] as const;
export type EngagementType = (typeof ENGAGEMENT_TYPES)[number];
export type CrmType = "contacts" | EngagementType;
/** Records other than contacts that an engagement can also be associated with. */
export const OTHER_TYPES = ["companies", "deals", "tickets"] as const;
export type OtherType = (typeof OTHER_TYPES)[number];

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
  /**
   * When the record entered the search index (its properties as they are now). Records the seed
   * creates predate the test and are indexed already; records created through the API are indexed
   * at creation and found by search only after the index lag (see `contact-routes.ts`).
   */
  indexedAt: number;
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
  /** Companies, deals and tickets (name only: the subject's data is not in them). */
  readonly others = new Map<string, { id: string; type: OtherType; name: string }>();
  /** Engagement→company/deal/ticket associations: engagement id → type → record ids. */
  readonly engagementLinks = new Map<string, Map<OtherType, string[]>>();
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
      indexedAt: now,
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

  /** A company, deal or ticket. */
  createOther(type: OtherType, name: string): string {
    const id = this.newId();
    this.others.set(id, { id, type, name });
    return id;
  }

  /** Associates an engagement with a company, deal or ticket. */
  link(engagementId: string, type: OtherType, otherId: string): void {
    const links = this.engagementLinks.get(engagementId) ?? new Map<OtherType, string[]>();
    this.engagementLinks.set(engagementId, links);
    const ids = links.get(type) ?? [];
    if (!ids.includes(otherId)) ids.push(otherId);
    links.set(type, ids);
  }

  /** The contacts an engagement is associated with. */
  contactsOf(type: EngagementType, engagementId: string): string[] {
    const out: string[] = [];
    for (const [contactId, links] of this.associations) {
      if (links.get(type)?.includes(engagementId)) out.push(contactId);
    }
    return out;
  }

  /** Whether an engagement is associated with a record other than `contactId` (its timeline keeps it). */
  sharedBeyond(type: EngagementType, engagementId: string, contactId: string): boolean {
    const links = this.engagementLinks.get(engagementId);
    if (links && [...links.values()].some((ids) => ids.length > 0)) return true;
    return this.contactsOf(type, engagementId).some((id) => id !== contactId);
  }
}
