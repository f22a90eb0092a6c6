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
 * `createFanout({ on })`: handlers by event name, each typed by its event (`"*"` gets any event).
 * A handler may be async.
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
