/**
 * The legal facts of a request as `status()`, `list()`, the receipt and the report state them:
 * when it was received, its deadline (and where that comes from), extensions with their reasons,
 * an expedition, what is kept on a legal basis and when it will be erased, the subject holds that
 * held it, and a restriction request's lifting. Read from the stored request only; no personal data.
 */
import type { Residual } from "../adapter.js";
import type { BranchRecord, HoldRecord, RequestRecord } from "../store/types.js";
import { branchResiduals } from "./branch-facts.js";
import { type DeadlineBasis, deadlineFacts } from "./deadlines.js";
import { expeditionOf, extensionsOf } from "./extension.js";
import { liftOf } from "./restriction-requests.js";
import { followUpsOf, retainedOf } from "./retention.js";

const iso = (ms: number) => new Date(ms).toISOString();

/** The deadline of a request and how it moved. */
export interface DeadlineView {
  /** `subject`: Art. 12(3) from `receivedAt`; `controller`: the controller's own retention window; `retention`: a follow-up erasure. */
  readonly basis: DeadlineBasis;
  /** The period given (`"1 month"`, `"14 days"`). */
  readonly period: string;
  /** The due date before any extension. */
  readonly initialDueAt: string;
  readonly extensions: readonly {
    readonly by: string;
    readonly reason: string;
    readonly at: string;
    readonly dueAt: string;
  }[];
  /** When a closure became a subject request (`expedite`). */
  readonly expedited: null | {
    readonly at: string;
    readonly receivedAt: string;
    /** When the retention window would have ended. */
    readonly previousAfter: string;
  };
  /** When the worker recorded that the request passed its due date (`request.overdue`). */
  readonly overdueSince: string | null;
}

export function deadlineView(record: RequestRecord): DeadlineView {
  const facts = deadlineFacts(record);
  const expedited = expeditionOf(record);
  return {
    basis: facts.basis,
    period: facts.deadline,
    initialDueAt: iso(facts.initialDueAt),
    extensions: extensionsOf(record).map((e) => ({
      by: e.by,
      reason: e.reason,
      at: iso(e.at),
      dueAt: iso(e.dueAt),
    })),
    expedited: expedited
      ? {
          at: iso(expedited.at),
          receivedAt: iso(expedited.receivedAt),
          previousAfter: iso(expedited.previousAfterAt),
        }
      : null,
    overdueSince: typeof record.doc.overdueAt === "number" ? iso(record.doc.overdueAt) : null,
  };
}

/** When the subject's request was received; `null` for a controller's own closure or a follow-up. */
export function receivedAtView(record: RequestRecord): string | null {
  const at = deadlineFacts(record).receivedAt;
  return at === undefined ? null : iso(at);
}

/** What is kept on a legal basis, and the erasures scheduled for when it ends. */
export interface RetentionView {
  /** The rules the request was recorded with. */
  readonly rules: readonly {
    readonly adapter: string;
    readonly types: readonly string[];
    readonly basis: string;
    readonly for: string;
    readonly from: "erasure" | "year-end";
  }[];
  /** Records kept, per adapter and type, with why and until when. */
  readonly kept: readonly {
    readonly adapter: string;
    readonly type: string;
    readonly count: number;
    readonly basis: string;
    readonly until: string;
  }[];
  /** The follow-up erasures of the kept records (created when this request completed). */
  readonly followUps: readonly {
    readonly requestId: string;
    readonly until: string;
    readonly adapters: readonly string[];
  }[];
  /** For a follow-up: the request whose retained records it erases. */
  readonly retentionOf: string | null;
}

export function retentionView(record: RequestRecord, branches: readonly BranchRecord[]): RetentionView {
  const rules = Array.isArray(record.legal.retain)
    ? (record.legal.retain as unknown as RetentionView["rules"])
    : [];
  const kept = branches.flatMap((b) =>
    retainedOf(branchResiduals(b)).map((r: Residual) => ({
      adapter: b.adapterId,
      type: r.type,
      count: r.count,
      basis: r.basis ?? "",
      until: r.until!,
    })),
  );
  return {
    rules,
    kept,
    followUps: followUpsOf(record),
    retentionOf: typeof record.legal.retentionOf === "string" ? record.legal.retentionOf : null,
  };
}

/** A restriction request's restriction and its lifting (Art. 18). */
export interface RestrictionRequestView {
  /** When every branch was restricted: the request was answered. */
  readonly restrictedAt: string | null;
  readonly lift: null | {
    readonly requestedAt: string;
    readonly reason: string;
    /** When the subject was told, before the lift (Art. 18(3)). */
    readonly subjectInformedAt: string;
    readonly informedBy: string;
    /** When the restrictions were undone. */
    readonly liftedAt: string | null;
  };
}

export function restrictionRequestView(record: RequestRecord): RestrictionRequestView | null {
  if (record.kind !== "restrict") return null;
  const lift = liftOf(record);
  return {
    restrictedAt: typeof record.doc.answeredAt === "number" ? iso(record.doc.answeredAt) : null,
    lift: lift
      ? {
          requestedAt: iso(lift.requestedAt),
          reason: lift.reason,
          subjectInformedAt: iso(lift.subjectInformedAt),
          informedBy: lift.informedBy,
          liftedAt: record.state === "lifted" && record.completedAt !== null ? iso(record.completedAt) : null,
        }
      : null,
  };
}

/** A subject hold, as the receipt and status list it. */
export interface HoldFacts {
  readonly id: string;
  readonly reference: string | null;
  readonly reason: string;
  readonly adapters: readonly string[] | null;
  readonly placedAt: string;
  readonly releasedAt: string | null;
}

export function holdFacts(h: HoldRecord): HoldFacts {
  return {
    id: h.id,
    reference: h.reference,
    reason: h.reason,
    adapters: h.adapters,
    placedAt: iso(h.createdAt),
    releasedAt: h.releasedAt === null ? null : iso(h.releasedAt),
  };
}

/** The ids of the subject holds a request was held by (recorded by the worker). */
export function holdIdsOf(record: RequestRecord): string[] {
  return Array.isArray(record.doc.subjectHolds) ? (record.doc.subjectHolds as string[]) : [];
}
