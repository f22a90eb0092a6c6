/**
 * Gathers what the operator report shows: every request (newest first, up to a limit), or one
 * request alone, with its status, step log, audit trail, what each branch located (by record type)
 * and deleted, and its receipt's verdict — all PII-free — and, only with `--show-subjects` and only
 * for open requests, the unsealed identifiers.
 */

import type { DeleteResult, RecordRef } from "../../adapter.js";
import { countByType } from "../../engine/branch-sealing.js";
import type { Fanout } from "../../engine/create-fanout.js";
import { describeSubject, revealSubject } from "../../engine/reveal-subject.js";
import type { RequestStatus } from "../../engine/types.js";
import type { AuditEntry, BranchRecord, StepLogEntry } from "../../store/types.js";

/** What the store says about a branch beyond `status()`: counts by record type, never ids. */
export interface BranchCounts {
  /** Records located, by record type (`{ contact: 1 }`). */
  readonly locatedByType: Readonly<Record<string, number>>;
  /** Records the delete removed or handed to the provider's purge (`null` before the delete). */
  readonly deleted: number | null;
  /** Records exported (access requests). */
  readonly exported: number | null;
}

/** What the receipt of a completed request says about time (fields of later receipt versions optional). */
export interface ReceiptFacts {
  readonly version: number;
  readonly deadlineMet: boolean | null;
  readonly answeredAt: string | null;
  readonly purge: {
    readonly pending: boolean;
    readonly dueBy: string | null;
    readonly verifiedAt: string | null;
  } | null;
}

/** One request of the report. */
export interface ReportRequest {
  readonly status: RequestStatus;
  readonly steps: readonly StepLogEntry[];
  readonly audit: { readonly entries: readonly AuditEntry[]; readonly valid: boolean };
  /** Per adapter id. */
  readonly counts: Readonly<Record<string, BranchCounts>>;
  readonly receipt: ReceiptFacts | null;
  /** The identifiers, only with `showSubjects` while the request is open. */
  readonly subject: string | null;
}

/** Everything the report renders. */
export interface ReportData {
  readonly generatedAt: string;
  readonly store: string;
  readonly requests: readonly ReportRequest[];
  /** More requests exist than `limit`. */
  readonly truncated: boolean;
  readonly showSubjects: boolean;
  /** The report shows this one request alone (`report --request <id>`). */
  readonly single: boolean;
}

/** Options of {@link collectReport}. */
export interface CollectOptions {
  readonly limit: number;
  readonly showSubjects: boolean;
  readonly secret: string | Uint8Array | undefined;
  /** The report's clock (the fanout's `now`), in epoch ms. @default Date.now() */
  readonly now?: number;
  /** Only this request (an unknown id throws `UNKNOWN_REQUEST`). */
  readonly requestId?: string;
}

function branchCounts(b: BranchRecord): BranchCounts {
  // Record ids are sealed in the store (or fingerprints once the request ended): counts per type
  // are kept beside them. Rows written before that kept the refs themselves.
  const refs = Array.isArray(b.data.refs) ? (b.data.refs as unknown as RecordRef[]) : [];
  const locatedByType: Record<string, number> =
    b.data.locatedByType && typeof b.data.locatedByType === "object"
      ? { ...(b.data.locatedByType as Record<string, number>) }
      : countByType(refs);
  const deletion = b.data.deletion as unknown as DeleteResult | undefined;
  const exported = (b.data.exportedCount ?? b.data.exported) as { records?: unknown } | undefined;
  return {
    locatedByType,
    deleted: typeof deletion?.deleted === "number" ? deletion.deleted : null,
    exported: typeof exported?.records === "number" ? exported.records : null,
  };
}

async function receiptFacts(fanout: Fanout, status: RequestStatus): Promise<ReceiptFacts | null> {
  if (status.state !== "completed") return null;
  try {
    const r = (await fanout.receipt(status.id)) as unknown as Record<string, unknown>;
    const purge = r.purge as ReceiptFacts["purge"] | undefined;
    return {
      version: typeof r.version === "number" ? r.version : 1,
      deadlineMet: typeof r.deadlineMet === "boolean" ? r.deadlineMet : null,
      answeredAt: typeof r.answeredAt === "string" ? r.answeredAt : null,
      purge: purge && typeof purge === "object" ? purge : null,
    };
  } catch {
    return null;
  }
}

async function oneRequest(fanout: Fanout, id: string, options: CollectOptions): Promise<ReportRequest> {
  const status = await fanout.status(id);
  const open = status.state !== "completed" && status.state !== "withdrawn";
  let subject: string | null = null;
  if (options.showSubjects && open) {
    const revealed = await revealSubject(fanout, id, options.secret);
    subject = revealed ? describeSubject(revealed) : null;
  }
  const counts: Record<string, BranchCounts> = {};
  for (const b of await fanout.store.getBranches(id)) counts[b.adapterId] = branchCounts(b);
  return {
    status,
    steps: await fanout.store.steps(id),
    audit: await fanout.audit(id),
    counts,
    receipt: await receiptFacts(fanout, status),
    subject,
  };
}

export async function collectReport(fanout: Fanout, options: CollectOptions): Promise<ReportData> {
  const requests: ReportRequest[] = [];
  let truncated = false;
  if (options.requestId !== undefined) {
    requests.push(await oneRequest(fanout, options.requestId, options));
  } else {
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<Fanout["list"]>> = await fanout.list({
        limit: Math.min(100, options.limit - requests.length),
        ...(cursor ? { cursor } : {}),
      });
      for (const item of page.items) requests.push(await oneRequest(fanout, item.id, options));
      cursor = page.nextCursor;
      if (cursor && requests.length >= options.limit) {
        truncated = true;
        break;
      }
    } while (cursor);
  }
  return {
    generatedAt: new Date(options.now ?? Date.now()).toISOString(),
    store: fanout.store.kind,
    requests,
    truncated,
    showSubjects: options.showSubjects,
    single: options.requestId !== undefined,
  };
}
