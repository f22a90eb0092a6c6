/**
 * `fanout.sweep()`: retention sweeps (storage limitation, GDPR Art. 5(1)(e)). For each adapter that
 * answers the policy, its `expired()` lists the records whose retention ran out, live and with the
 * provider's own filters, and the sweep files one ordinary erasure per record:
 * `erase({ ids: { [adapter]: recordId } }, { adapters: [adapter], idempotencyKey })`, so holds,
 * receipts, the report and everything else apply to it. A candidate a subject hold covers (by its
 * id, or by the email or phone the adapter reported for it: sweep-holds.ts) is not filed at all.
 * The adapters run side by side, each under
 * its own durable cursor (see sweep-run.ts); a dry run files nothing and returns counts and
 * fingerprints only.
 * @see docs/sweeps.md
 */
import { randomBytes } from "node:crypto";
import type { SubprocessorAdapter, SweepPolicyKind } from "../adapter.js";
import { ConfigurationError, type FanoutErrorJSON, InvalidArgumentError } from "../errors.js";
import type { SubjectInput } from "../subject.js";
import type { EngineContext } from "./context.js";
import { assertPlainOptions } from "./options.js";
import { type RetentionPeriod, sweepCutoff } from "./sweep-cutoff.js";
import { AdapterSweep } from "./sweep-run.js";
import type { EraseOptions, RequestHandle } from "./types.js";

/** Options of `fanout.sweep()`. */
export interface SweepOptions {
  /** `prospect` (never a customer, untouched since the cut-off) or `inactive` (closed/cancelled customers). */
  policy: SweepPolicyKind;
  /**
   * The retention period: records whose period ended before `now - olderThan` are erased. Months
   * and years count on the calendar (`"24mo"`, `"2y"`, `"P2Y"`); shorter periods are durations
   * (`"90d"`). A `Date` is the cut-off itself. `"24m"` (minutes) and anything under a day are refused.
   */
  olderThan: RetentionPeriod;
  /**
   * The adapters to sweep. @default every adapter whose `capabilities.sweeps` lists the policy
   */
  adapters?: readonly string[];
  /** Count and fingerprint the candidates; file nothing, keep no cursor. @default false */
  dryRun?: boolean;
  /** Stops the sweep after the current batch; each adapter's cursor is kept for the next sweep. */
  signal?: AbortSignal;
}

/** One adapter's part of a sweep. */
export interface SweepAdapterResult {
  /**
   * - `completed`: listed to the end;
   * - `failed`: the listing kept failing (`error`); the next sweep of the policy resumes it;
   * - `stopped`: the signal aborted it; the next sweep resumes it;
   * - `busy`: another sweep of the same policy holds this adapter (nothing was done here).
   */
  readonly state: "completed" | "failed" | "stopped" | "busy";
  /** Candidates the adapter yielded in this run (a resumed run's earlier batches included). */
  readonly found: number;
  /** Erasure requests filed. */
  readonly filed: number;
  /** Candidates already filed by an earlier (interrupted) run or sweep: not filed again. */
  readonly existing: number;
  /**
   * Candidates an active subject hold covers (matched by record id, or by the email or phone the
   * adapter reported for the record, under every secret): not filed. They are still expired once
   * the hold is released, so a later sweep files them.
   */
  readonly held: number;
  /**
   * Candidates the adapter reported no usable email or phone for: only a hold by their record id
   * could be checked, so a hold placed by email cannot reach them (see docs/sweeps.md).
   */
  readonly unchecked: number;
  /** This call took up a run an earlier sweep left unfinished. */
  readonly resumed: boolean;
  /** The run's cut-off, ISO 8601 (a resumed run keeps the one it started with). */
  readonly olderThan: string;
  /** Dry run only: the keyed fingerprint of each candidate it would file (not the held ones), as its erasure request would carry it. */
  readonly fingerprints?: readonly string[];
  readonly error: FanoutErrorJSON | null;
}

/** What `fanout.sweep()` returns: counts and fingerprints, never record ids. */
export interface SweepResult {
  /** `swp_…`: the id of this call in events and logs. */
  readonly id: string;
  readonly policy: SweepPolicyKind;
  readonly dryRun: boolean;
  /** The cut-off asked for, ISO 8601. */
  readonly olderThan: string;
  readonly adapters: Readonly<Record<string, SweepAdapterResult>>;
  readonly found: number;
  readonly filed: number;
  readonly existing: number;
  /** Not filed: a subject hold covers them. */
  readonly held: number;
  /** Not checkable against holds placed by email or phone (the adapter reported neither). */
  readonly unchecked: number;
}

/** What the sweep needs from the fanout. */
export interface SweepDeps {
  readonly ctx: EngineContext;
  readonly ready: () => Promise<void>;
  /**
   * `fanout.erase`'s own path, so that a sweep's request is created as any other (holds, retention
   * rules, receipts), except that it is recorded as the controller's erasure: deadline basis
   * `controller`, no receipt date (deadlines.ts).
   */
  readonly erase: (subject: SubjectInput, options: EraseOptions) => Promise<RequestHandle>;
}

const POLICIES: readonly SweepPolicyKind[] = ["prospect", "inactive"];

/** The adapters a sweep of `policy` runs on; throws for an adapter that cannot take part. */
function sweepAdapters(ctx: EngineContext, policy: SweepPolicyKind, wanted: unknown): SubprocessorAdapter[] {
  const answers = (a: SubprocessorAdapter) =>
    typeof a.expired === "function" && (a.capabilities.sweeps ?? []).includes(policy);
  if (wanted === undefined) return [...ctx.adapters.values()].filter(answers);
  if (!Array.isArray(wanted) || wanted.length === 0 || !wanted.every((id) => typeof id === "string")) {
    throw new InvalidArgumentError("adapters must be a non-empty list of adapter ids", {
      details: { argument: "adapters" },
    });
  }
  return [...new Set(wanted as string[])].map((id) => {
    const adapter = ctx.adapters.get(id);
    if (!adapter) {
      throw new InvalidArgumentError(`adapters names "${id.slice(0, 40)}", which this fanout does not have`, {
        details: { argument: "adapters" },
      });
    }
    if (!answers(adapter)) {
      const offers = adapter.capabilities.sweeps ?? [];
      throw new InvalidArgumentError(
        `${id} does not answer the ${policy} policy (it answers: ${offers.length ? offers.join(", ") : "none"}; see docs/sweeps.md)`,
        { details: { argument: "adapters" } },
      );
    }
    return adapter;
  });
}

/** Runs one sweep. Validates everything before anything is listed or filed. */
export async function sweep(deps: SweepDeps, input: SweepOptions): Promise<SweepResult> {
  const { ctx } = deps;
  const raw = assertPlainOptions(input, "sweep options", [
    "policy",
    "olderThan",
    "adapters",
    "dryRun",
    "signal",
  ]);
  const policy = raw.policy as SweepPolicyKind;
  if (!POLICIES.includes(policy)) {
    throw new InvalidArgumentError('policy must be "prospect" or "inactive"', {
      details: { argument: "policy" },
    });
  }
  if (raw.olderThan === undefined) {
    throw new InvalidArgumentError('sweep needs olderThan (e.g. "24mo")', {
      details: { argument: "olderThan" },
    });
  }
  const cutoff = sweepCutoff(raw.olderThan, ctx.now());
  const dryRun = raw.dryRun === true;
  const signal = (raw.signal as AbortSignal | undefined) ?? new AbortController().signal;
  const adapters = sweepAdapters(ctx, policy, raw.adapters);
  const store = ctx.store;
  if (!dryRun && (!store.claimSweep || !store.saveSweep)) {
    throw new ConfigurationError(`The ${store.kind} store keeps no sweep cursors, so it cannot run a sweep`, {
      option: "store",
    });
  }
  await deps.ready();
  const id = `swp_${randomBytes(8).toString("hex")}`;
  const base = { sweepId: id, policy, dryRun };
  const at = () => new Date(ctx.now()).toISOString();
  const runs = adapters.map(
    (adapter) => new AdapterSweep({ deps, adapter, policy, cutoff, dryRun, signal, sweepId: id }),
  );
  // Claims first, so that the start event says which adapters resume an interrupted run.
  for (const run of runs) await run.claim();
  ctx.events.emit("sweep.started", {
    ...base,
    at: at(),
    olderThan: new Date(cutoff).toISOString(),
    adapters: adapters.map((a) => a.id),
    resumed: runs.filter((r) => r.resumed).map((r) => r.adapter.id),
  });
  const results = await Promise.all(runs.map((r) => r.run()));
  const byAdapter: Record<string, SweepAdapterResult> = {};
  adapters.forEach((a, i) => {
    byAdapter[a.id] = results[i]!;
  });
  const total = (k: "found" | "filed" | "existing" | "held" | "unchecked") =>
    results.reduce((n, r) => n + r[k], 0);
  const result: SweepResult = {
    id,
    policy,
    dryRun,
    olderThan: new Date(cutoff).toISOString(),
    adapters: byAdapter,
    found: total("found"),
    filed: total("filed"),
    existing: total("existing"),
    held: total("held"),
    unchecked: total("unchecked"),
  };
  ctx.events.emit("sweep.completed", {
    ...base,
    at: at(),
    found: result.found,
    filed: result.filed,
    existing: result.existing,
    held: result.held,
    unchecked: result.unchecked,
  });
  ctx.logger.info(
    {
      sweepId: id,
      policy,
      dryRun,
      found: result.found,
      filed: result.filed,
      existing: result.existing,
      held: result.held,
      unchecked: result.unchecked,
    },
    "sweep finished",
  );
  return result;
}
