/**
 * What a receipt says, built from the stored request and branches (never from memory of the run,
 * so a receipt signed again after a purge check says the same as the first, plus the purge).
 */
import type { DeleteResult, ProviderJob, Residual, StatusResult, SubprocessorAdapter } from "../adapter.js";
import type { BranchRecord, HoldRecord, RequestRecord } from "../store/types.js";
import {
  branchDetail,
  branchResiduals,
  type PurgeView,
  purgeView,
  reasonCode,
  restrictionView,
} from "./branch-facts.js";
import { coverageView } from "./coverage.js";
import {
  deadlineView,
  holdFacts,
  receivedAtView,
  restrictionRequestView,
  retentionView,
} from "./legal-view.js";
import type { ReceiptBranch, ReceiptPurge, UnsignedReceipt } from "./receipt.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function compensationOf(b: BranchRecord): ReceiptBranch["compensation"] {
  const state = b.data.compensation;
  if (!state || state === "pending") return null;
  const notUndone = Array.isArray(b.data.notUndone) ? (b.data.notUndone as unknown as Residual[]) : [];
  return { state: b.data.notReversible ? "not_reversible" : state, notUndone };
}

function receiptBranch(
  b: BranchRecord,
  adapter: SubprocessorAdapter | undefined,
  closing: "withdrawn" | "lifted" | null,
): ReceiptBranch {
  const deletion = b.data.deletion as unknown as DeleteResult | undefined;
  const status = b.data.status as unknown as StatusResult | undefined;
  const exported = (b.data.exported ?? b.data.exportedCount) as unknown as { records: number } | undefined;
  const jobs: ProviderJob[] = [...(status?.jobs ?? deletion?.jobs ?? [])].map((j) => ({
    id: j.id,
    kind: j.kind,
    ...(j.status ? { status: j.status } : {}),
  }));
  const outcome: ReceiptBranch["outcome"] = b.outcome ?? closing ?? (exported ? "exported" : "failed");
  return {
    adapter: b.adapterId,
    outcome,
    reasonCode: reasonCode(b),
    records: typeof b.data.located === "number" ? b.data.located : 0,
    deleted: exported ? exported.records : (deletion?.deleted ?? 0),
    restricted: restrictionView(b, adapter).count,
    coverage: coverageView(b.data.coverage, b.data.given as never),
    residuals: branchResiduals(b),
    jobs,
    eta: typeof b.data.eta === "string" ? b.data.eta : null,
    purge: purgeView(b),
    compensation: compensationOf(b),
    detail: branchDetail(b) ?? b.error?.message ?? null,
    completedAt: iso(typeof b.data.completedAt === "number" ? b.data.completedAt : null),
  };
}

/** The purges of a request's scheduled branches, together. */
export function requestPurge(branches: readonly BranchRecord[]): ReceiptPurge {
  const purges = branches.map(purgeView).filter((p): p is PurgeView => p !== null);
  const adaptersIn = (state: PurgeView["state"]) =>
    branches.filter((b) => purgeView(b)?.state === state).map((b) => b.adapterId);
  const latest = (values: (string | null)[]) =>
    values.reduce<string | null>((max, v) => (v !== null && (max === null || v > max) ? v : max), null);
  const allVerified = purges.length > 0 && purges.every((p) => p.state === "verified");
  return {
    pending: purges.some((p) => p.state === "pending"),
    dueBy: latest(purges.map((p) => p.dueBy)),
    verifiedAt: allVerified ? latest(purges.map((p) => p.verifiedAt)) : null,
    notConfirmed: adaptersIn("not_confirmed"),
    unverifiable: adaptersIn("unverifiable"),
  };
}

/**
 * Whether the deadline was met: answered by the due date and every provider purge verified by it.
 * `null` while a purge is pending and the due date has not passed (not known yet, so not claimed),
 * and for a purge the provider's API cannot show when even its promised date was in time.
 */
export function deadlineMet(answeredAt: number, dueAt: number, purges: readonly PurgeView[], now: number) {
  if (answeredAt > dueAt) return false;
  const due = new Date(dueAt).toISOString();
  const late = (p: PurgeView) =>
    p.state === "not_confirmed" ||
    (p.verifiedAt !== null && p.verifiedAt > due) ||
    (p.state === "unverifiable" && p.dueBy > due);
  if (purges.some(late)) return false;
  if (purges.some((p) => p.state === "pending")) return now > dueAt ? false : null;
  if (purges.some((p) => p.state === "unverifiable")) return null;
  return true;
}

/** Builds the unsigned receipt of a completed or withdrawn request. */
export function receiptContent(input: {
  record: RequestRecord;
  branches: readonly BranchRecord[];
  adapters: ReadonlyMap<string, SubprocessorAdapter>;
  /** The audit chain as it stood before this receipt's commit. */
  audit: { readonly entries: number; readonly head: string };
  state: "completed" | "withdrawn" | "lifted";
  answeredAt: number;
  now: number;
  /** The subject holds that kept the request. */
  holds?: readonly HoldRecord[];
}): UnsignedReceipt {
  const { record, state, answeredAt, now } = input;
  const branches = [...input.branches].sort((a, b) => a.position - b.position);
  const purges = branches.map(purgeView).filter((p): p is PurgeView => p !== null);
  // A restriction request was answered when the restriction took effect, not when it was lifted.
  const answered =
    record.kind === "restrict" && typeof record.doc.answeredAt === "number"
      ? record.doc.answeredAt
      : answeredAt;
  return {
    version: 2,
    requestId: record.id,
    kind: record.kind,
    state,
    subject: record.fingerprint,
    reason: typeof record.doc.reason === "string" ? record.doc.reason : null,
    receivedAt: receivedAtView(record),
    createdAt: new Date(record.createdAt).toISOString(),
    dueAt: new Date(record.dueAt).toISOString(),
    deadline: deadlineView(record),
    retention: retentionView(record, branches),
    holds: (input.holds ?? []).map(holdFacts),
    restriction: restrictionRequestView(
      state === "lifted" ? { ...record, state, completedAt: answeredAt } : record,
    ),
    pivotAt: iso(record.pivotAt),
    answeredAt: new Date(answered).toISOString(),
    completedAt: new Date(answeredAt).toISOString(),
    answeredInTime: answered <= record.dueAt,
    deadlineMet: state === "withdrawn" ? null : deadlineMet(answered, record.dueAt, purges, now),
    purge: requestPurge(branches),
    issuedAt: new Date(now).toISOString(),
    branches: branches.map((b) =>
      receiptBranch(b, input.adapters.get(b.adapterId), state === "completed" ? null : state),
    ),
    audit: { entries: input.audit.entries, head: input.audit.head },
  };
}
