/**
 * Typed events. Payloads carry ids, fingerprints, codes and counts — never personal data.
 */
import type { BranchOutcome, Residual } from "../adapter.js";
import type { FanoutErrorJSON } from "../errors.js";
import type { RequestKind, RequestState, StepName } from "../store/types.js";
import type { ExportProgress } from "./types.js";

interface Base {
  readonly requestId: string;
  readonly kind: RequestKind;
  /** The subject's keyed fingerprint. */
  readonly subject: string;
  /** ISO 8601 time. */
  readonly at: string;
}

/** What every sweep event carries. No record ids: counts and policy only. */
interface SweepBase {
  /** The sweep call (`swp_…`): one `fanout.sweep()`. */
  readonly sweepId: string;
  readonly policy: string;
  readonly dryRun: boolean;
  /** ISO 8601 time. */
  readonly at: string;
}

/** Counts of one adapter's part of a sweep so far (this run, resumed runs included). */
interface SweepAdapterCounts {
  readonly adapter: string;
  /** Candidates the adapter's listing yielded. */
  readonly found: number;
  /** Erasure requests filed. */
  readonly filed: number;
  /** Candidates already filed (by an interrupted run, or an earlier sweep of the policy). */
  readonly existing: number;
  /** Candidates a subject hold covers: not filed. */
  readonly held: number;
  /** Candidates with no email or phone to check holds against (a hold placed by email cannot reach them). */
  readonly unchecked: number;
}

/** Events about a subject rather than one request. */
interface SubjectBase {
  readonly holdId: string;
  /** The subject's keyed fingerprint. */
  readonly subject: string;
  readonly at: string;
}

/** Every event, by name. */
export interface FanoutEvents {
  "request.created": Base;
  "request.state": Base & { readonly state: RequestState; readonly previous: RequestState };
  "request.pivoted": Base;
  "request.held": Base;
  "request.released": Base;
  "request.withdrawn": Base;
  /** A request passed its due date unanswered (once per request; recorded in its audit trail). */
  "request.overdue": Base & { readonly dueAt: string; readonly state: RequestState };
  /** Art. 12(3): the deadline was extended (`extend`). */
  "request.extended": Base & { readonly by: string; readonly dueAt: string };
  /** A waiting closure became a subject request (`expedite`): the wait ended. */
  "request.expedited": Base & { readonly receivedAt: string; readonly dueAt: string };
  /** A restriction request has every branch restricted (answered). */
  "request.restricted": Base;
  /** A restriction request was lifted (restrictions undone, closing record signed). */
  "request.lifted": Base;
  /** A completed erasure scheduled the erasure of records kept on a legal basis. */
  "retention.scheduled": Base & { readonly followUp: string; readonly until: string };
  /** A branch a partial subject hold kept past the request's pivot took its own pivot. */
  "branch.pivoted": Base & { readonly adapter: string };
  /** A hold was placed on a subject (`holdSubject`). */
  "subject.held": SubjectBase & { readonly requests: readonly string[] };
  /** A subject hold was released. */
  "subject.released": SubjectBase & { readonly requests: readonly string[] };
  "request.completed": Base & { readonly outcomes: Readonly<Record<string, BranchOutcome>> };
  "request.needs_attention": Base & { readonly error: FanoutErrorJSON | null };
  "branch.step": Base & { readonly adapter: string; readonly step: StepName; readonly attempt: number };
  "branch.retrying": Base & {
    readonly adapter: string;
    readonly step: StepName;
    readonly attempt: number;
    readonly nextAttemptAt: string;
    readonly error: FanoutErrorJSON;
  };
  "branch.failed": Base & {
    readonly adapter: string;
    readonly step: StepName;
    readonly error: FanoutErrorJSON;
  };
  "branch.completed": Base & {
    readonly adapter: string;
    readonly outcome: BranchOutcome;
    /** Why it ended so, e.g. `NO_USABLE_IDENTIFIER` (a branch that could not search). */
    readonly reasonCode: string | null;
    /** What remains at the provider, and why (see `Residual`). */
    readonly residuals: readonly Residual[];
  };
  /** A provider's purge of a `scheduled` branch was checked after its ETA and nothing was left. */
  "purge.verified": Base & { readonly adapter: string };
  /** After its ETA the provider still held data the adapter can see (`PURGE_NOT_CONFIRMED`). */
  "purge.not_confirmed": Base & { readonly adapter: string };
  /** After its ETA nothing live was left, but the adapter cannot observe the provider's purge. */
  "purge.unverifiable": Base & { readonly adapter: string };
  "compensation.started": Base & { readonly adapter: string };
  "compensation.completed": Base & {
    readonly adapter: string;
    /** True when the undo could not restore everything (`notUndone` says what). */
    readonly partial: boolean;
    readonly notUndone: readonly Residual[];
  };
  "compensation.failed": Base & { readonly adapter: string; readonly error: FanoutErrorJSON };
  /** A sweep began: its cut-off and adapters; `resumed` lists adapters whose interrupted run it took up. */
  "sweep.started": SweepBase & {
    readonly olderThan: string;
    readonly adapters: readonly string[];
    readonly resumed: readonly string[];
  };
  /** A batch of candidates was filed (or, in a dry run, counted) and the adapter's cursor saved. */
  "sweep.progress": SweepBase & SweepAdapterCounts;
  /** An adapter's listing failed and is retried from its last cursor after `retryInMs`. */
  "sweep.retrying": SweepBase & {
    readonly adapter: string;
    readonly attempt: number;
    readonly retryInMs: number;
    readonly error: FanoutErrorJSON;
  };
  /**
   * An adapter's part ended: `completed` (listed to the end), `failed` (gave up: resumable),
   * `stopped` (the signal aborted: resumable), `busy` (another sweep of the policy holds it).
   */
  "sweep.adapter_done": SweepBase &
    SweepAdapterCounts & {
      readonly state: "completed" | "failed" | "stopped" | "busy";
      readonly error: FanoutErrorJSON | null;
    };
  /** The sweep call returned; totals over its adapters. */
  "sweep.completed": SweepBase & {
    readonly found: number;
    readonly filed: number;
    readonly existing: number;
    readonly held: number;
    readonly unchecked: number;
  };
  /** A long export moves on: an adapter's data written, or more of the zip packed. */
  "export.progress": Base & ExportProgress;
}

/** An event name. */
export type FanoutEventName = keyof FanoutEvents;

/** Any event, as a `"*"` listener or an `on` handler receives it (`type` says which). */
export type AnyFanoutEvent = {
  [E in FanoutEventName]: FanoutEvents[E] & { readonly type: E };
}[FanoutEventName];

/** A handler in `createFanout({ on })` or a config file's `on`; it may be async. */
export type FanoutEventHandler = (event: AnyFanoutEvent) => unknown;

/**
 * `createFanout({ on })`: a handler per event name, each typed by its event (so a
 * `"request.needs_attention"` handler reads `event.requestId`, which sweep events do not carry),
 * and `"*"` for every event.
 */
export type FanoutEventHandlers = {
  readonly [E in FanoutEventName]?: (event: FanoutEvents[E] & { readonly type: E }) => unknown;
} & { readonly "*"?: FanoutEventHandler };

/** A listener of one event. */
export type FanoutListener<E extends FanoutEventName> = (
  event: FanoutEvents[E] & { readonly type: E },
) => void;

/** A small typed emitter; a throwing listener never breaks the saga. */
export class EventHub {
  readonly #listeners = new Map<string, Set<(event: never) => void>>();

  on<E extends FanoutEventName>(name: E | "*", listener: FanoutListener<E>): () => void {
    const set = this.#listeners.get(name) ?? new Set();
    set.add(listener as (event: never) => void);
    this.#listeners.set(name, set);
    return () => set.delete(listener as (event: never) => void);
  }

  emit<E extends FanoutEventName>(name: E, payload: FanoutEvents[E]): void {
    const event = { type: name, ...payload };
    for (const key of [name, "*"]) {
      for (const listener of this.#listeners.get(key) ?? []) {
        try {
          (listener as (e: typeof event) => void)(event);
        } catch {
          // A listener's failure is its own; the saga goes on.
        }
      }
    }
  }
}
