/**
 * The follow-up erasure of records kept on a legal basis (see retention.ts): built from a
 * completing request's branches and created by the same commit that completes it, so the erasure
 * of what was kept can never be lost between the two.
 */
import type { Residual } from "../adapter.js";
import type { BranchRecord, NewRequest, RequestRecord } from "../store/types.js";
import type { EngineContext } from "./context.js";
import { deadlineArgument, deadlineFacts } from "./deadlines.js";
import { periodEnd } from "./periods.js";
import { retainedOf } from "./retention.js";
import { seal } from "./seal.js";

/** A follow-up erasure scheduled by a completion. */
export interface FollowUp {
  readonly requestId: string;
  readonly until: string;
  readonly adapters: readonly string[];
}

/**
 * The follow-up erasures of a completing request: one per distinct `until` among its branches'
 * retained records, each limited to those adapters' retained records (their ids, kept on the
 * branch), with `retentionEnded` naming the types. Built here, created by the completion's commit.
 */
export function followUpRequests(
  ctx: EngineContext,
  record: RequestRecord,
  branches: readonly BranchRecord[],
  residualsOf: (b: BranchRecord) => readonly Residual[],
  now: number,
  newId: (at: number) => string,
): { create: NewRequest[]; followUps: FollowUp[] } {
  const byUntil = new Map<string, { branch: BranchRecord; types: string[] }[]>();
  for (const b of branches) {
    const retained = retainedOf(residualsOf(b));
    const untils = new Set(retained.map((r) => r.until!));
    for (const until of untils) {
      const types = [...new Set(retained.filter((r) => r.until === until).map((r) => r.type))];
      byUntil.set(until, [...(byUntil.get(until) ?? []), { branch: b, types }]);
    }
  }
  const create: NewRequest[] = [];
  const followUps: FollowUp[] = [];
  const deadline = deadlineArgument(deadlineFacts(record).deadline, "deadline");
  [...byUntil.keys()].sort().forEach((until, index) => {
    const parts = byUntil.get(until)!;
    const at = Date.parse(until);
    const id = newId(now);
    const dueAt = periodEnd(at, deadline, ctx.timeZone);
    const adapters = parts.map((p) => p.branch.adapterId);
    const branchesOf = parts.map(
      ({ branch }, position): BranchRecord => ({
        requestId: id,
        adapterId: branch.adapterId,
        position,
        state: "ready",
        step: "relocate",
        attempt: 0,
        inFlight: false,
        nextAttemptAt: null,
        outcome: null,
        error: null,
        updatedAt: now,
        data: {
          refs: (branch.data.retainedRefs ?? []) as never,
          located: Array.isArray(branch.data.retainedRefs) ? branch.data.retainedRefs.length : 0,
          // Known records, erased by id: no lookup (the subject's identifiers are shredded by then).
          fixedRefs: true,
          restriction: "skipped",
          ...(branch.data.coverage !== undefined ? { coverage: branch.data.coverage } : {}),
          ...(branch.data.given !== undefined ? { given: branch.data.given } : {}),
        },
      }),
    );
    create.push({
      request: {
        id,
        kind: "erase",
        state: "waiting",
        fingerprint: record.fingerprint,
        idempotencyKey: `retention:${record.id}:${index + 1}`,
        createdAt: now,
        updatedAt: now,
        dueAt,
        afterAt: at,
        wakeAt: at,
        pivotAt: null,
        completedAt: null,
        // No identifier of the subject: the follow-up works on the retained records' ids alone.
        sealed: seal({ subject: { ids: {} } }, ctx.sealKey),
        doc: { reason: "retention-ended", adapters, retentionOf: record.id },
        legal: {
          basis: "retention",
          deadline: deadlineFacts(record).deadline,
          initialDueAt: dueAt,
          retentionOf: record.id,
          retentionEnded: Object.fromEntries(parts.map((p) => [p.branch.adapterId, p.types])),
        },
      },
      branches: branchesOf,
      audit: {
        at: now,
        type: "request.created",
        data: { kind: "erase", subject: record.fingerprint, adapters, retentionOf: record.id, until },
      },
    });
    followUps.push({ requestId: id, until, adapters });
  });
  return { create, followUps };
}
