/**
 * The end of a request: its signed receipt, the shredding of the sealed subject, and the
 * completion in one commit. The receipt covers the audit chain as it stood before this commit.
 */
import type { DeleteResult, ProviderJob, StatusResult } from "../adapter.js";
import type { BranchRecord, RequestState } from "../store/types.js";
import { requestAuditHead } from "./audit-trail.js";
import { type ReceiptBranch, signReceipt, type UnsignedReceipt } from "./receipt.js";
import type { RequestRun } from "./request-run.js";
import { toJson } from "./validate-output.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function receiptBranch(b: BranchRecord): ReceiptBranch {
  const deletion = b.data.deletion as unknown as DeleteResult | undefined;
  const status = b.data.status as unknown as StatusResult | undefined;
  const exported = b.data.exported as unknown as { records: number } | undefined;
  const jobs: ProviderJob[] = [...(status?.jobs ?? deletion?.jobs ?? [])].map((j) => ({
    id: j.id,
    kind: j.kind,
    ...(j.status ? { status: j.status } : {}),
  }));
  return {
    adapter: b.adapterId,
    outcome: b.outcome ?? (exported ? "exported" : "failed"),
    records: typeof b.data.located === "number" ? b.data.located : 0,
    deleted: exported ? exported.records : (deletion?.deleted ?? 0),
    jobs,
    eta: typeof b.data.eta === "string" ? b.data.eta : null,
    detail: status?.detail ?? deletion?.detail ?? b.error?.message ?? null,
    completedAt: iso(typeof b.data.completedAt === "number" ? b.data.completedAt : null),
  };
}

/** Completes (or, for a withdrawal, closes) the request: receipt, shredding, terminal state. */
export async function finalize(
  run: RequestRun,
  state: Extract<RequestState, "completed" | "withdrawn">,
): Promise<void> {
  const now = run.now();
  const record = run.record;
  const audit = await requestAuditHead(run.ctx.store, record.id);
  const branches = [...run.branches.values()].sort((a, b) => a.position - b.position);
  let receipt = null;
  if (state === "completed") {
    const unsigned: UnsignedReceipt = {
      version: 1,
      requestId: record.id,
      kind: record.kind,
      subject: record.fingerprint,
      reason: typeof record.doc.reason === "string" ? record.doc.reason : null,
      createdAt: new Date(record.createdAt).toISOString(),
      dueAt: new Date(record.dueAt).toISOString(),
      pivotAt: iso(record.pivotAt),
      completedAt: new Date(now).toISOString(),
      deadlineMet: now <= record.dueAt,
      branches: branches.map(receiptBranch),
      audit: { entries: audit.entries, head: audit.hash },
    };
    receipt = signReceipt(unsigned, run.ctx.secret);
  }
  const outcomes: Record<string, NonNullable<BranchRecord["outcome"]>> = {};
  for (const b of branches) if (b.outcome) outcomes[b.adapterId] = b.outcome;
  await run.commit({
    request: {
      state,
      completedAt: now,
      wakeAt: null,
      sealed: null,
      doc: { ...record.doc, receipt: receipt ? toJson(receipt) : null, attention: null },
    },
    audit: [run.audit(state === "completed" ? "request.completed" : "request.withdrawn", { outcomes })],
  });
  if (state === "completed") run.emit("request.completed", { outcomes });
  else run.emit("request.withdrawn", {});
}
