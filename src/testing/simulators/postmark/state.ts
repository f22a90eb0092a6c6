/**
 * The Postmark simulator's account: servers with their tokens and message streams, the messages,
 * bounces and suppressions they hold, data removal requests, and the seeding and oracle over them.
 */
import type { OracleView, SeedOptions, SimEnvironment, SimSubject } from "../../simulator.js";
import { seedSubject } from "./seed.js";

export interface SimStream {
  readonly id: string;
  readonly name: string;
  readonly type: "Transactional" | "Broadcasts" | "Inbound";
  readonly archived: boolean;
  readonly createdAt: number;
}

export interface SimServer {
  readonly id: number;
  readonly name: string;
  readonly token: string;
  readonly streams: SimStream[];
}

export interface SimOutbound {
  readonly id: string;
  readonly serverId: number;
  readonly stream: string;
  readonly to: string;
  readonly toName: string;
  readonly cc: readonly string[];
  readonly from: string;
  readonly subject: string;
  readonly tag: string;
  readonly receivedAt: number;
  readonly textBody: string;
  readonly htmlBody: string;
  readonly events: readonly { type: string; at: number; details: Record<string, string> }[];
}

export interface SimInbound {
  readonly id: string;
  readonly serverId: number;
  readonly stream: string;
  readonly from: string;
  readonly fromName: string;
  readonly to: string;
  readonly subject: string;
  readonly receivedAt: number;
  readonly textBody: string;
}

export interface SimBounce {
  readonly id: number;
  readonly serverId: number;
  readonly stream: string;
  readonly email: string;
  readonly type: "HardBounce" | "SoftBounce" | "SpamComplaint";
  readonly messageId: string;
  readonly subject: string;
  readonly bouncedAt: number;
}

export interface SimSuppression {
  /** Internal only: Postmark suppressions have no id (used for `destructiveApplications` keys). */
  readonly id: number;
  readonly serverId: number;
  readonly stream: string;
  readonly email: string;
  readonly reason: "HardBounce" | "SpamComplaint" | "ManualSuppression";
  readonly origin: "Recipient" | "Customer" | "Admin";
  readonly createdAt: number;
  /** Added through `POST …/suppressions` during the run (what the oracle counts as restricted). */
  readonly viaApi: boolean;
}

export interface SimRemoval {
  readonly id: number;
  readonly requestedFor: string;
  readonly requestedBy: string;
  readonly createdAt: number;
  done: boolean;
}

const DAY = 86_400_000;

/** The whole account. */
export class PostmarkAccount {
  readonly servers: SimServer[] = [];
  outbound: SimOutbound[] = [];
  inbound: SimInbound[] = [];
  bounces: SimBounce[] = [];
  suppressions: SimSuppression[] = [];
  readonly removals: SimRemoval[] = [];
  readonly applications = new Map<string, number>();
  private nextId = 1000;

  constructor(
    private readonly env: SimEnvironment,
    readonly accountToken: string,
    serverCount: number,
    private readonly retentionDays: number,
    private readonly removalDelayMs: number,
    private readonly removalKeeps: readonly ("bounce" | "compliance-suppression")[] = [],
  ) {
    for (let i = 0; i < serverCount; i++) {
      const created = env.now() - 400 * DAY;
      const streams: SimStream[] = [
        {
          id: "outbound",
          name: "Default Transactional Stream",
          type: "Transactional",
          archived: false,
          createdAt: created,
        },
        {
          id: "inbound",
          name: "Default Inbound Stream",
          type: "Inbound",
          archived: false,
          createdAt: created,
        },
      ];
      if (i % 2 === 0) {
        streams.push({
          id: "broadcast",
          name: "Newsletters",
          type: "Broadcasts",
          archived: false,
          createdAt: created,
        });
      }
      // ASSUMPTION [U]: an archived stream keeps its suppressions until Postmark purges it.
      if (i === 1) {
        streams.push({
          id: "onboarding",
          name: "Onboarding (old)",
          type: "Transactional",
          archived: true,
          createdAt: created,
        });
      }
      this.servers.push({
        id: 11_000 + i,
        name: `Server ${i + 1}`,
        token: `sim-server-token-${i + 1}-${Math.floor(env.random() * 1e9).toString(36)}`,
        streams,
      });
    }
  }

  id(): number {
    this.nextId += 1 + Math.floor(this.env.random() * 7);
    return this.nextId;
  }

  uuid(): string {
    const hex = () =>
      Math.floor(this.env.random() * 0x10000)
        .toString(16)
        .padStart(4, "0");
    return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
  }

  serverByToken(token: string | undefined): SimServer | undefined {
    if (!token) return undefined;
    return this.servers.find((s) => s.token === token.trim());
  }

  // Bounces follow the retention of message content and events: support article 838 ("Postmark
  // stores email content, events … and metadata for all messages for 45 days by default … 7 to 365
  // days with our Retention Add-on … This includes bounce and spam complaints"), article 1289 and
  // postmarkapp.com/updates/upcoming-changes-to-bounce-message-retention (bounces, once kept up to a
  // year, are deleted 45 days after they arrive). Suppressions stay until removed (article 838:
  // historical hard bounces and spam complaints are found under Suppressions). On `env.now()`,
  // unscaled: a retention period, not a job delay.
  retained(at: number): boolean {
    return this.env.now() - at <= this.retentionDays * DAY;
  }

  /** Completes data removals whose (scaled) processing time has passed and applies them. */
  settle(): void {
    for (const removal of this.removals) {
      if (removal.done || this.env.now() < removal.createdAt + this.env.scale(this.removalDelayMs)) continue;
      removal.done = true;
      this.applyRemoval(removal.requestedFor);
    }
  }

  // ASSUMPTION [U]: a Done data removal erases, in every server of the account, the outbound
  // messages the address received (whole message, with its events), the inbound messages it sent,
  // its bounces and its suppressions on every stream, except what `removalKeeps` names (the
  // `dataRemovalKeeps` option). Postmark does not document the scope.
  // Records already past retention are gone for Postmark too: dropped, not counted as removed.
  private applyRemoval(email: string): void {
    if (!this.env.deleteTakes("data_removal")) return;
    const count = (key: string) => this.applications.set(key, (this.applications.get(key) ?? 0) + 1);
    this.outbound = this.outbound.filter((m) => {
      if (!recipientsOf(m).includes(email)) return true;
      if (this.retained(m.receivedAt)) count(`outbound_message:${m.id}`);
      return false;
    });
    this.inbound = this.inbound.filter((m) => {
      if (m.from !== email) return true;
      if (this.retained(m.receivedAt)) count(`inbound_message:${m.id}`);
      return false;
    });
    const keepsBounces = this.removalKeeps.includes("bounce");
    const keepsCompliance = this.removalKeeps.includes("compliance-suppression");
    this.bounces = this.bounces.filter((b) => {
      if (b.email !== email || keepsBounces) return true;
      if (this.retained(b.bouncedAt)) count(`bounce:${b.id}`);
      return false;
    });
    this.suppressions = this.suppressions.filter((s) => {
      if (s.email !== email) return true;
      if (keepsCompliance && (s.reason === "HardBounce" || s.reason === "SpamComplaint")) return true;
      count(`suppression:${s.id}`);
      return false;
    });
  }

  seed(subject: SimSubject, options: SeedOptions): string[] {
    return seedSubject(this, this.env, subject, options);
  }

  oracle(subject: SimSubject): OracleView {
    this.settle();
    const email = subject.email.trim().toLowerCase();
    const outbound = this.outbound.filter(
      (m) => recipientsOf(m).includes(email) && this.retained(m.receivedAt),
    );
    const inbound = this.inbound.filter((m) => m.from === email && this.retained(m.receivedAt));
    const bounces = this.bounces.filter((b) => b.email === email && this.retained(b.bouncedAt));
    // The integration's own manual suppressions are the restriction, not data of the subject:
    // counted in `restricted`, not in `live` (restrict destroys and creates no data).
    const own = (s: SimSuppression) => s.viaApi && s.reason === "ManualSuppression";
    const all = this.suppressions.filter((s) => s.email === email);
    const suppressions = all.filter((s) => !own(s));
    const restricted = all.filter(own).length;
    const byType = {
      outbound_message: { live: outbound.length, trashed: 0 },
      inbound_message: { live: inbound.length, trashed: 0 },
      bounce: { live: bounces.length, trashed: 0 },
      suppression: { live: suppressions.length, trashed: 0 },
    };
    const live = outbound.length + inbound.length + bounces.length + suppressions.length;
    return { live, trashed: 0, restricted, byType };
  }
}

/** Every address an outbound message was sent to, lower-cased. */
export function recipientsOf(message: SimOutbound): string[] {
  return [message.to, ...message.cc].map((e) => e.toLowerCase());
}
