/**
 * The steps of a branch: locate → restrict (before the pivot); relocate → delete → verify (after);
 * locate → export (access requests). Each step is one {@link executeStep} call whose success
 * decides the next step; a step that follows at once is recorded as started in the same commit.
 */
import type {
  Coverage,
  DeleteResult,
  JsonValue,
  OperationContext,
  RecordRef,
  RestrictResult,
  SubprocessorAdapter,
} from "../adapter.js";
import { FanoutError } from "../errors.js";
import type { BranchRecord, StepName } from "../store/types.js";
import { subjectIdentifiers } from "../subject.js";
import { writeBranchExport } from "./access-package.js";
import { branchCompletion } from "./branch-facts.js";
import { countByType } from "./branch-sealing.js";
import {
  mergeCoverage,
  NO_USABLE_IDENTIFIER,
  noIdentifierDetail,
  subjectKinds,
  usableKinds,
  validateCoverage,
} from "./coverage.js";
import { locateStillFresh } from "./fresh-locate.js";
import { requestScope } from "./integration-request.js";
import type { RequestRun } from "./request-run.js";
import { restrictedElsewhere } from "./restricted-refs.js";
import { restrictionExpiry } from "./restriction-renewal.js";
import { deletedRefs, retainFor, withholdRetained } from "./retention.js";
import { attemptKey, executeStep, type StepEnd } from "./step-executor.js";
import {
  assertNoPersonalData,
  mergeRefs,
  toJson,
  validateDeletion,
  validateExport,
  validateRefs,
  validateStatus,
} from "./validate-output.js";

const VERIFY_ROUNDS = 3;
const MAX_POLL_MS = 3_600_000;

/** The branch with `step` started at once (attempt 1, in flight), noted as started by this run. */
export function startNext(run: RequestRun, branch: BranchRecord, step: StepName): BranchRecord {
  run.startedHere.add(attemptKey(branch.adapterId, step, 1));
  return { ...branch, step, attempt: 1, inFlight: true, state: "running", nextAttemptAt: null, error: null };
}

/** The branch waiting for something else (the pivot), with `step` next. */
function parkAt(branch: BranchRecord, step: StepName): BranchRecord {
  return { ...branch, step, attempt: 0, inFlight: false, state: "ready", nextAttemptAt: null, error: null };
}

function finish(
  run: RequestRun,
  branch: BranchRecord,
  outcome: BranchRecord["outcome"],
  extra: Partial<BranchRecord["data"]> = {},
): BranchRecord {
  return {
    ...branch,
    state: "done",
    outcome,
    inFlight: false,
    attempt: 0,
    nextAttemptAt: null,
    error: null,
    data: { ...branch.data, ...extra, completedAt: run.now() },
  };
}

function refsOf(branch: BranchRecord): RecordRef[] {
  return Array.isArray(branch.data.refs) ? (branch.data.refs as unknown as RecordRef[]) : [];
}

/** What one locate found, checked: refs (ids only) and what was searched. */
interface Located {
  readonly refs: RecordRef[];
  readonly coverage: Coverage | undefined;
  /** For an export: records the person's open erasures restricted here (included in `refs`). */
  readonly restricted?: number;
}

/** Runs the adapter's `locate` as `step` and hands the checked result to `next`. */
function locateStep(
  run: RequestRun,
  id: string,
  step: "locate" | "relocate",
  next: (located: Located, branch: BranchRecord) => BranchRecord,
): Promise<StepEnd> {
  const adapter = run.adapter(id);
  const identifiers = subjectIdentifiers(run.subject);
  return executeStep(
    run,
    id,
    async (attempt, signal): Promise<Located> => {
      const result = await adapter.locate(run.subject, run.operationContext(adapter, step, attempt, signal));
      const refs = validateRefs(result, id);
      const coverage = validateCoverage((result as { coverage?: unknown } | null)?.coverage, id);
      if (run.record.kind !== "export") return { refs, coverage };
      // What the person's waiting erasure restricted may be out of the search's sight (a recycle bin).
      const held = await restrictedElsewhere(run.ctx.store, run.ctx.openKeys, run.record, id);
      return { refs: mergeRefs(refs, held), coverage, restricted: held.length };
    },
    (located, branch) => {
      assertNoPersonalData(located.refs, identifiers, id, "record refs");
      return next(located, branch);
    },
  );
}

/**
 * Ends a branch that cannot search: `manual_required` with `NO_USABLE_IDENTIFIER`, never
 * `not_found`. A person must find the data with an identifier the adapter can use.
 */
function cannotSearch(run: RequestRun, branch: BranchRecord): BranchRecord {
  const adapter = run.adapter(branch.adapterId);
  return finish(run, branch, "manual_required", {
    reasonCode: NO_USABLE_IDENTIFIER,
    detail: noIdentifierDetail(adapter, requestScope(run.record.doc)),
    restriction: "skipped",
  });
}

/** Commits a branch that ends without calling its adapter. */
async function endWithoutCall(run: RequestRun, branch: BranchRecord): Promise<StepEnd> {
  await run.saveBranch(branch, {
    audit: [
      run.audit("branch.not_searched", { adapter: branch.adapterId, reasonCode: NO_USABLE_IDENTIFIER }),
    ],
  });
  if (branch.outcome) run.emit("branch.completed", branchCompletion(branch));
  return "succeeded";
}

export function locate(run: RequestRun, id: string): Promise<StepEnd> {
  const adapter = run.adapter(id);
  const start = run.branches.get(id)!;
  const given = subjectKinds(run.subject, id);
  const scope = requestScope(run.record.doc);
  if (usableKinds(run.subject, adapter, scope).length === 0) {
    return endWithoutCall(run, cannotSearch(run, { ...start, data: { ...start.data, given, located: 0 } }));
  }
  return locateStep(run, id, "locate", ({ refs, coverage, restricted }, branch) => {
    const located = {
      ...branch,
      data: {
        ...branch.data,
        given,
        ...(restricted ? { restrictedElsewhere: restricted } : {}),
        refs: toJson(refs),
        located: refs.length,
        locatedAt: run.now(),
        locatedByType: countByType(refs),
        ...(coverage ? { coverage: toJson(coverage) } : {}),
      },
    };
    if (refs.length === 0 && coverage?.searchedBy.length === 0) return cannotSearch(run, located);
    if (run.record.kind === "export") return startNext(run, located, "export");
    // In integration scope nothing is restricted: what surrounds those records is the owner's.
    if (refs.length > 0 && adapter.capabilities.restrict && adapter.restrict && scope === "subject") {
      // The compensation is registered in the same commit that starts the restrict call.
      return startNext(run, { ...located, data: { ...located.data, restriction: "registered" } }, "restrict");
    }
    return parkAt({ ...located, data: { ...located.data, restriction: "skipped" } }, "relocate");
  });
}

export function restrict(run: RequestRun, id: string): Promise<StepEnd> {
  const adapter = run.adapter(id);
  const identifiers = subjectIdentifiers(run.subject);
  return executeStep(
    run,
    id,
    (attempt, signal) =>
      adapter.restrict!(
        refsOf(run.branches.get(id)!),
        run.operationContext(adapter, "restrict", attempt, signal),
      ),
    (result, branch) => {
      assertNoPersonalData(result, identifiers, id, "the restriction's undo record");
      run.restrictSeq += 1;
      return parkAt(
        {
          ...branch,
          data: {
            ...branch.data,
            ...restrictionFacts(run, adapter, result),
            restriction: "done",
            restrictSeq: run.restrictSeq,
          },
        },
        "relocate",
      );
    },
  );
}

/** What a restrict call did, as the branch keeps it: undo, count, when, and when it would expire. */
function restrictionFacts(run: RequestRun, adapter: SubprocessorAdapter, result: RestrictResult | undefined) {
  const restricted = typeof result?.restricted === "number" && result.restricted >= 0 ? result.restricted : 0;
  return {
    undo: toJson(result?.undo ?? null),
    restrictedCount: restricted,
    restrictedAt: run.now(),
    restrictionExpiresAt: restrictionExpiry(adapter, run.now()),
  };
}

/**
 * Renews a restriction with a lifetime before it expires (see restriction-renewal.ts): undo it,
 * restrict again, keep the new undo record. Both calls are idempotent, so a cut attempt repeats both.
 */
export function renew(run: RequestRun, id: string): Promise<StepEnd> {
  const adapter = run.adapter(id);
  const identifiers = subjectIdentifiers(run.subject);
  return executeStep(
    run,
    id,
    async (attempt, signal) => {
      const branch = run.branches.get(id)!;
      const refs = refsOf(branch);
      const ctx = run.operationContext(adapter, "renew", attempt, signal);
      await adapter.unrestrict!(refs, branch.data.undo as JsonValue, ctx);
      return adapter.restrict!(refs, ctx);
    },
    (result, branch) => {
      assertNoPersonalData(result, identifiers, id, "the restriction's undo record");
      const renewals = (typeof branch.data.renewals === "number" ? branch.data.renewals : 0) + 1;
      return parkAt(
        { ...branch, data: { ...branch.data, ...restrictionFacts(run, adapter, result), renewals } },
        "relocate",
      );
    },
  );
}

/**
 * A branch waiting at the pivot, as the pivot commit leaves it: locating again (`relocate`), or,
 * when its first locate is still fresh (see fresh-locate.ts), deleting what it found at once or
 * ending `not_found` (the caller emits `branch.completed` after the commit).
 */
export function startAfterPivot(run: RequestRun, branch: BranchRecord): BranchRecord {
  if (!locateStillFresh(run.record, branch, run.now())) return startNext(run, branch, "relocate");
  const reused = { ...branch, data: { ...branch.data, relocate: "skipped" } };
  if (refsOf(branch).length === 0) return finish(run, reused, "not_found");
  return startNext(run, reused, "delete");
}

export function relocate(run: RequestRun, id: string): Promise<StepEnd> {
  return locateStep(run, id, "relocate", ({ refs: fresh, coverage }, branch) => {
    const refs = mergeRefs(refsOf(branch), fresh);
    const merged = mergeCoverage(branch.data.coverage as Coverage | undefined, coverage);
    const next = {
      ...branch,
      data: {
        ...branch.data,
        refs: toJson(refs),
        located: refs.length,
        locatedByType: countByType(refs),
        ...(merged ? { coverage: toJson(merged) } : {}),
      },
    };
    if (refs.length === 0 && merged?.searchedBy.length === 0) return cannotSearch(run, next);
    if (refs.length === 0) return finish(run, next, "not_found");
    return startNext(run, next, "delete");
  });
}

export function erase(run: RequestRun, id: string): Promise<StepEnd> {
  const adapter = run.adapter(id);
  const identifiers = subjectIdentifiers(run.subject);
  const branch0 = run.branches.get(id)!;
  // Records of a type kept on a legal basis are never handed to delete (retention.ts).
  const retain = retainFor(run.record, id, branch0, run.now(), run.ctx.timeZone);
  const { given, kept, residuals } = withholdRetained(refsOf(branch0), retain);
  const keptData = (deletion: DeleteResult | null) => {
    // The adapter kept records under the refs it got (a customer's invoices): those refs go to the follow-up too.
    const nested = (deletion?.residual ?? []).some((r) => r.reason === "legal_retention");
    const retainedRefs = [...kept, ...(nested ? given : [])];
    return {
      ...(residuals.length > 0 ? { retainedResiduals: toJson(residuals) } : {}),
      ...(kept.length > 0 ? { withheld: toJson(kept) } : {}),
      ...(retainedRefs.length > 0 ? { retainedRefs: toJson(retainedRefs) } : {}),
    };
  };
  if (given.length === 0 && kept.length > 0) {
    // Everything located is kept: nothing to delete, the branch's outcome is `retained`.
    return endWithoutDelete(
      run,
      finish(run, { ...branch0, data: { ...branch0.data, ...keptData(null) } }, "retained"),
    );
  }
  return executeStep(
    run,
    id,
    async (attempt, signal) =>
      validateDeletion(await adapter.delete(given, deleteContext(run, id, attempt, signal)), id),
    (deletion, branch) => {
      assertNoPersonalData(deletion, identifiers, id, "the delete result");
      const next = {
        ...branch,
        data: {
          ...branch.data,
          deletion: toJson(deletion),
          eta: deletion.eta ?? null,
          verifyStartedAt: run.now(),
          ...keptData(deletion),
        },
      };
      if (
        deletion.outcome === "manual_required" ||
        deletion.outcome === "retained" ||
        deletion.outcome === "not_found"
      ) {
        return finish(
          run,
          next,
          deletion.outcome === "not_found" && kept.length > 0 ? "retained" : deletion.outcome,
        );
      }
      return startNext(run, next, "verify");
    },
  );
}

/** Commits a branch that ends at its delete step without calling the adapter (all of it is kept). */
async function endWithoutDelete(run: RequestRun, branch: BranchRecord): Promise<StepEnd> {
  await run.saveBranch(branch, {
    audit: [run.audit("branch.retained", { adapter: branch.adapterId, records: refsOf(branch).length })],
  });
  run.emit("branch.completed", branchCompletion(branch));
  return "succeeded";
}

/** The context of a delete: a repeated round also gets the previous round's result. */
function deleteContext(run: RequestRun, id: string, attempt: number, signal: AbortSignal): OperationContext {
  const adapter = run.adapter(id);
  const ctx = run.operationContext(adapter, "delete", attempt, signal);
  const branch = run.branches.get(id)!;
  const previous = branch.data.deletion as unknown as DeleteResult | undefined;
  const round = typeof branch.data.verifyRounds === "number" ? branch.data.verifyRounds : 0;
  if (!previous || round === 0) return ctx;
  // A new round is a new delete: provider idempotency keys of round 1 would replay round 1's
  // answer (Stripe keeps them 24 h) and a delete that did not take would never be sent again.
  return {
    ...ctx,
    previousDeletion: previous,
    idempotencyKey: (step, part) => ctx.idempotencyKey(step, `${part ?? ""}\u0000round-${round}`),
  };
}

export function verify(run: RequestRun, id: string): Promise<StepEnd> {
  const adapter = run.adapter(id);
  const identifiers = subjectIdentifiers(run.subject);
  return executeStep(
    run,
    id,
    async (attempt, signal) => {
      const branch = run.branches.get(id)!;
      const deletion = branch.data.deletion as unknown as DeleteResult;
      return validateStatus(
        await adapter.status(
          deletedRefs(branch),
          deletion,
          run.operationContext(adapter, "verify", attempt, signal),
        ),
        id,
      );
    },
    (status, branch) => {
      assertNoPersonalData(status, identifiers, id, "the status result");
      const deletion = branch.data.deletion as unknown as DeleteResult;
      const data = { ...branch.data, status: toJson(status) };
      if (status.state === "done") {
        const outcome =
          deletion.outcome === "anonymized" || deletion.outcome === "scheduled" ? deletion.outcome : "erased";
        return finish(run, { ...branch, data }, outcome);
      }
      if (status.state === "scheduled") {
        return finish(run, { ...branch, data }, "scheduled", { eta: status.eta ?? deletion.eta ?? null });
      }
      const startedAt =
        typeof branch.data.verifyStartedAt === "number" ? branch.data.verifyStartedAt : run.now();
      if (status.state === "pending") {
        if (run.now() - startedAt > run.ctx.verifyTimeoutMs) {
          return failBranch(
            run,
            { ...branch, data },
            "verification timed out: the provider's job never finished",
          );
        }
        const polls = (typeof branch.data.polls === "number" ? branch.data.polls : 0) + 1;
        const delay = Math.min(MAX_POLL_MS, run.ctx.pollIntervalMs * 2 ** Math.min(polls - 1, 20));
        // The provider answered: an earlier failed poll is no longer what the branch waits on.
        return {
          ...branch,
          data: { ...data, polls },
          state: "waiting_retry",
          inFlight: false,
          attempt: 0,
          nextAttemptAt: run.now() + delay,
          error: null,
        };
      }
      // Live data remains after a delete: delete again (records created since), a few rounds at most.
      const rounds = (typeof branch.data.verifyRounds === "number" ? branch.data.verifyRounds : 0) + 1;
      if (rounds > VERIFY_ROUNDS) {
        return failBranch(
          run,
          { ...branch, data },
          `${status.remaining} records remain after ${VERIFY_ROUNDS} delete rounds`,
        );
      }
      return {
        ...branch,
        data: { ...data, verifyRounds: rounds },
        // Known records (a retention follow-up) are deleted again by id; others are looked up again.
        step: branch.data.fixedRefs ? "delete" : "relocate",
        state: "waiting_retry",
        inFlight: false,
        attempt: 0,
        nextAttemptAt: run.now() + run.ctx.pollIntervalMs,
        error: null,
      };
    },
  );
}

function failBranch(_run: RequestRun, branch: BranchRecord, message: string): BranchRecord {
  const error = new FanoutError("STEP_FAILED", `${branch.adapterId}: ${message}`, {
    retryable: false,
    provider: branch.adapterId,
    operation: "verify",
  }).toJSON();
  return { ...branch, state: "failed", outcome: "failed", inFlight: false, nextAttemptAt: null, error };
}

export function exportData(run: RequestRun, id: string, packageDir: string): Promise<StepEnd> {
  const adapter = run.adapter(id);
  return executeStep(
    run,
    id,
    async (attempt, signal) => {
      const refs = refsOf(run.branches.get(id)!);
      const result =
        refs.length === 0
          ? { records: [] }
          : await adapter.export(refs, run.operationContext(adapter, "export", attempt, signal));
      return writeBranchExport(packageDir, id, validateExport(result, id), run.now(), {
        neutralNames: run.payload.password !== undefined,
      });
    },
    (written, branch) => {
      run.exportedHere.add(id);
      const done = [...run.branches.values()].filter(
        (b) => run.exportedHere.has(b.adapterId) || b.state === "done",
      ).length;
      run.emit("export.progress", { phase: "exporting", done, total: run.branches.size, unit: "adapters" });
      // The file list (provider file names) is sealed in the store and shredded at the end; the
      // counts stay readable for status, the receipt and the report.
      const exportedCount = { records: written.records, files: written.files.length };
      return finish(
        run,
        { ...branch, data: { ...branch.data, exported: toJson(written), exportedCount } },
        null,
      );
    },
  );
}
