/** Turning store rows into what `status()` and `list()` return (no personal data). */
import type { DeleteResult, ProviderJob, Residual, StatusResult, SubprocessorAdapter } from "../adapter.js";
import type { FanoutErrorJSON } from "../errors.js";
import type { BranchRecord, HoldRecord, RequestRecord } from "../store/types.js";
import { branchDetail, branchResiduals, purgeView, reasonCode, restrictionView } from "./branch-facts.js";
import { coverageView } from "./coverage.js";
import { isOverdue } from "./deadlines.js";
import { deadlineView, receivedAtView, restrictionRequestView, retentionView } from "./legal-view.js";
import { requestPurge } from "./receipt-content.js";
import { holdView } from "./subject-holds.js";
import type { BranchStatus, RequestStatus, RequestSummary } from "./types.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export { isOverdue };

function branchStatus(b: BranchRecord, adapter: SubprocessorAdapter | undefined): BranchStatus {
  const deletion = b.data.deletion as unknown as DeleteResult | undefined;
  const status = b.data.status as unknown as StatusResult | undefined;
  const jobs: ProviderJob[] = [...(status?.jobs ?? deletion?.jobs ?? [])];
  let compensation: BranchStatus["compensation"] = null;
  if (b.data.compensation) {
    const state = b.data.notReversible ? "not_reversible" : b.data.compensation;
    compensation = {
      state,
      attempts: typeof b.data.compensationAttempt === "number" ? b.data.compensationAttempt : 0,
      error: (b.data.compensationError as FanoutErrorJSON | null | undefined) ?? null,
      notUndone: Array.isArray(b.data.notUndone) ? (b.data.notUndone as unknown as Residual[]) : [],
    };
  }
  return {
    adapter: b.adapterId,
    state: b.state,
    step: b.step,
    attempt: b.attempt,
    nextAttemptAt: iso(b.nextAttemptAt),
    outcome: b.outcome,
    records: typeof b.data.located === "number" ? b.data.located : null,
    eta: typeof b.data.eta === "string" ? b.data.eta : null,
    jobs,
    detail: branchDetail(b),
    reasonCode: reasonCode(b),
    coverage: coverageView(b.data.coverage, b.data.given as never),
    residuals: branchResiduals(b),
    restriction: restrictionView(b, adapter),
    awaitingPivot: b.data.awaitingPivot === true,
    pivotAt: iso(typeof b.data.pivotAt === "number" ? b.data.pivotAt : null),
    purge: purgeView(b),
    error: b.error,
    compensation,
  };
}

/**
 * `adapters`: the fanout's adapters, to tell "no restrict step" from "nothing restricted";
 * `holds`: the active holds on the subject.
 */
export function requestStatus(
  record: RequestRecord,
  branches: readonly BranchRecord[],
  now: number,
  adapters?: ReadonlyMap<string, SubprocessorAdapter>,
  holds: readonly HoldRecord[] = [],
): RequestStatus {
  const sorted = [...branches].sort((a, b) => a.position - b.position);
  return {
    id: record.id,
    kind: record.kind,
    state: record.state,
    subject: record.fingerprint,
    reason: typeof record.doc.reason === "string" ? record.doc.reason : null,
    receivedAt: receivedAtView(record),
    createdAt: new Date(record.createdAt).toISOString(),
    dueAt: new Date(record.dueAt).toISOString(),
    overdue: isOverdue(record, now),
    deadline: deadlineView(record),
    after: new Date(record.afterAt).toISOString(),
    pivotAt: iso(record.pivotAt),
    completedAt: iso(record.completedAt),
    hold: record.holdReason,
    withdrawRequested: record.withdrawRequested,
    attention: (record.doc.attention as FanoutErrorJSON | null | undefined) ?? null,
    purge: requestPurge(sorted),
    retention: retentionView(record, sorted),
    holds: holds.map(holdView),
    restriction: restrictionRequestView(record),
    branches: sorted.map((b) => branchStatus(b, adapters?.get(b.adapterId))),
  };
}

export function requestSummary(record: RequestRecord, now: number): RequestSummary {
  return {
    id: record.id,
    kind: record.kind,
    state: record.state,
    subject: record.fingerprint,
    receivedAt: receivedAtView(record),
    createdAt: new Date(record.createdAt).toISOString(),
    dueAt: new Date(record.dueAt).toISOString(),
    overdue: isOverdue(record, now),
    after: new Date(record.afterAt).toISOString(),
    retentionOf: typeof record.legal.retentionOf === "string" ? record.legal.retentionOf : null,
  };
}
