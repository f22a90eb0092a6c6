/**
 * The end of a request: its signed receipt (for a withdrawal or a lifted restriction, a signed
 * closing record), the shredding of the sealed subject, and the terminal state in one commit. The
 * receipt covers the audit chain as it stood before this commit. A request with `scheduled`
 * branches is answered here and stays due for a check of the providers' purges after their ETAs
 * (see purge-check.ts). A completed erasure that kept records on a legal basis schedules their
 * erasure in the same commit (see retention.ts).
 */
import type { BranchRecord, HoldRecord, RequestState } from "../store/types.js";
import { requestAuditHead } from "./audit-trail.js";
import { branchResiduals, purgeView } from "./branch-facts.js";
import { shredBranch } from "./branch-sealing.js";
import { holdIdsOf } from "./legal-view.js";
import { newRequestId } from "./options.js";
import { signReceipt } from "./receipt.js";
import { receiptContent } from "./receipt-content.js";
import type { RequestRun } from "./request-run.js";
import { followUpRequests } from "./retention-follow-up.js";
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

/** The subject holds that kept the request, as recorded (a hold deleted from the store is left out). */
export async function holdsOf(run: RequestRun): Promise<HoldRecord[]> {
  const out: HoldRecord[] = [];
  for (const id of holdIdsOf(run.record)) {
    const hold = await run.ctx.store.getHold(id);
    if (hold) out.push(hold);
  }
  return out;
}

/** Completes (or, for a withdrawal or a lift, closes) the request: receipt, shredding, terminal state. */
export async function finalize(
  run: RequestRun,
  state: Extract<RequestState, "completed" | "withdrawn" | "lifted">,
): Promise<void> {
  const now = run.now();
  const audit = await requestAuditHead(run.ctx.store, run.record.id);
  const branches = [...run.branches.values()].sort((a, b) => a.position - b.position);
  const { create, followUps } =
    state === "completed" && run.record.kind === "erase"
      ? followUpRequests(run.ctx, run.record, branches, branchResiduals, now, newRequestId)
      : { create: [], followUps: [] };
  const record =
    followUps.length > 0
      ? { ...run.record, doc: { ...run.record.doc, followUps: toJson(followUps) } }
      : run.record;
  const receipt = signReceipt(
    receiptContent({
      record,
      branches,
      adapters: run.ctx.adapters,
      audit: { entries: audit.entries, head: audit.hash },
      state,
      answeredAt: now,
      now,
      holds: await holdsOf(run),
    }),
    run.ctx.signingKey,
  );
  const purgeAt = state === "completed" ? nextPurgeCheck(branches) : null;
  const outcomes: Record<string, NonNullable<BranchRecord["outcome"]>> = {};
  for (const b of branches) if (b.outcome) outcomes[b.adapterId] = b.outcome;
  const closing = {
    completed: "request.completed",
    withdrawn: "request.withdrawn",
    lifted: "request.lifted",
  } as const;
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
    create,
    audit: [
      ...followUps.map((f) =>
        run.audit("retention.scheduled", {
          followUp: f.requestId,
          until: f.until,
          adapters: [...f.adapters],
        }),
      ),
      run.audit(closing[state], { outcomes }),
    ],
  });
  for (const f of followUps) run.emit("retention.scheduled", { followUp: f.requestId, until: f.until });
  if (state === "completed") run.emit("request.completed", { outcomes });
  else if (state === "lifted") run.emit("request.lifted", {});
  else run.emit("request.withdrawn", {});
}
