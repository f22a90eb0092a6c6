/**
 * The end of a request: its signed receipt (for a withdrawal, a signed closing record), the
 * shredding of the sealed subject, and the terminal state in one commit. The receipt covers the
 * audit chain as it stood before this commit. A request with `scheduled` branches is answered here
 * and stays due for a check of the providers' purges after their ETAs (see purge-check.ts).
 */
import type { BranchRecord, RequestState } from "../store/types.js";
import { requestAuditHead } from "./audit-trail.js";
import { purgeView } from "./branch-facts.js";
import { shredBranch } from "./branch-sealing.js";
import { signReceipt } from "./receipt.js";
import { receiptContent } from "./receipt-content.js";
import type { RequestRun } from "./request-run.js";
import { toJson } from "./validate-output.js";

/** How long after a provider's ETA its purge is checked (the ETA is a promise, not a timer). */
export const PURGE_CHECK_GRACE_MS = 86_400_000;

/** When the earliest pending purge of these branches is to be checked, or `null`. */
export function nextPurgeCheck(branches: Iterable<BranchRecord>): number | null {
  let next: number | null = null;
  for (const b of branches) {
    const purge = purgeView(b);
    if (purge?.state !== "pending") continue;
    const at = Date.parse(purge.dueBy) + PURGE_CHECK_GRACE_MS;
    next = next === null ? at : Math.min(next, at);
  }
  return next;
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
  const receipt = signReceipt(
    receiptContent({
      record,
      branches,
      adapters: run.ctx.adapters,
      audit: { entries: audit.entries, head: audit.hash },
      state,
      answeredAt: now,
      now,
    }),
    run.ctx.signingKey,
  );
  const purgeAt = state === "completed" ? nextPurgeCheck(branches) : null;
  const outcomes: Record<string, NonNullable<BranchRecord["outcome"]>> = {};
  for (const b of branches) if (b.outcome) outcomes[b.adapterId] = b.outcome;
  await run.commit({
    // Record ids become keyed fingerprints, file names go (unless a purge check still needs the ids).
    branches: branches.map((b) => shredBranch(b, run.ctx.secret)),
    request: {
      state,
      completedAt: now,
      wakeAt: purgeAt,
      sealed: null,
      doc: {
        ...record.doc,
        receipt: toJson(receipt),
        attention: null,
        ...(purgeAt !== null ? { purgePending: true } : {}),
      },
    },
    audit: [run.audit(state === "completed" ? "request.completed" : "request.withdrawn", { outcomes })],
  });
  if (state === "completed") run.emit("request.completed", { outcomes });
  else run.emit("request.withdrawn", {});
}
