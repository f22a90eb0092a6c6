/**
 * `fanout.settle(id?, { timeoutMs })`: works until a request (or every request) can go no further
 * by itself — what a test or a script wants after `erase()`, where `drain()` stops at the first
 * timer (a status poll of a provider job, a retry, the end of a retention window).
 *
 * It drains, then waits for the store's next timer and drains again, until the request is
 * `completed`, `withdrawn`, `lifted`, `needs_attention`, `held` (nothing happens to a held request
 * until `release()`) or `restricted` (a restriction request stays so until `lift()`); without an
 * id, until no request is in another state. (A completed request may keep a timer — the check that
 * a scheduled purge happened — and so may a held or restricted one — the renewal of a restriction
 * with a lifetime — which settle does not wait for.)
 *
 * Waiting depends on the clock the fanout was created with:
 * - the real clock (no `now` option): settle sleeps until the next timer, so it takes as long as the
 *   timers say (use `pollInterval` and simulators' `timeScale` to keep tests fast);
 * - an injected clock (`now`): settle cannot move it by itself. Pass `advance(ms)`, which moves your
 *   clock forward (and with it simulators sharing it); settle calls it with the distance to each
 *   next timer, so a 90-day window passes in milliseconds. Without `advance` it stops with
 *   `INVALID_ARGUMENT` at the first timer in the future.
 *
 * `timeoutMs` is real time in both cases; when it passes, settle throws `TIMEOUT` naming the state
 * the request is in (the request itself is untouched and carries on with the next worker).
 */
import { FanoutError, InvalidArgumentError } from "../errors.js";
import type { RequestRecord, SagaStore } from "../store/types.js";
import { REQUEST_STATES, TERMINAL_STATES } from "../store/types.js";
import type { RequestStatus } from "./types.js";

/** Options of `fanout.settle()`. */
export interface SettleOptions {
  /** Longest time to keep working, in real milliseconds. @default 10000 */
  timeoutMs?: number;
  /**
   * For a fanout created with an injected clock (`now`): moves that clock forward by `ms`. Settle
   * calls it to reach each next timer. Ignored with the real clock.
   */
  advance?: (ms: number) => void | Promise<void>;
  /** Stops settling (the request is untouched). */
  signal?: AbortSignal;
}

/** What settle needs from the fanout. */
export interface SettleDeps {
  readonly store: SagaStore;
  readonly now: () => number;
  /** Whether `now` was injected (then time moves only through `advance`). */
  readonly clockInjected: boolean;
  drain(): Promise<void>;
  status(id: string): Promise<RequestStatus>;
  ready(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** A short real pause between rounds, so provider simulators and sockets get the event loop. */
const ROUND_PAUSE_MS = 2;

const SETTLED = new Set<string>([...TERMINAL_STATES, "needs_attention", "held", "restricted"]);
const UNSETTLED = REQUEST_STATES.filter((state) => !SETTLED.has(state));

/** Whether any request is in a state that moves on by itself (one cheap query per state). */
async function anyUnsettled(store: SagaStore): Promise<boolean> {
  for (const state of UNSETTLED) if ((await store.list({ state, limit: 1 })).items.length > 0) return true;
  return false;
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

function settled(record: RequestRecord | null | undefined): boolean {
  return !record || SETTLED.has(record.state);
}

function checkOptions(raw: unknown): SettleOptions {
  if (raw === undefined) return {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new InvalidArgumentError("settle options must be an object", { details: { argument: "options" } });
  const o = raw as SettleOptions;
  for (const key of Object.keys(o)) {
    if (!["timeoutMs", "advance", "signal"].includes(key))
      throw new InvalidArgumentError(`settle options.${key} is not a known option`, {
        details: { argument: `options.${key}` },
      });
  }
  if (
    o.timeoutMs !== undefined &&
    (typeof o.timeoutMs !== "number" || !Number.isFinite(o.timeoutMs) || o.timeoutMs <= 0)
  )
    throw new InvalidArgumentError("settle timeoutMs must be a positive number of milliseconds", {
      details: { argument: "timeoutMs" },
    });
  if (o.advance !== undefined && typeof o.advance !== "function")
    throw new InvalidArgumentError("settle advance must be a function (ms) => void", {
      details: { argument: "advance" },
    });
  return o;
}

/** Runs the fanout's work until `id` (or everything) is settled; see the module comment. */
export async function settle(
  deps: SettleDeps,
  id: string | undefined,
  rawOptions: unknown,
): Promise<RequestStatus | undefined> {
  const options = checkOptions(rawOptions);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const until = Date.now() + timeoutMs;
  if (id !== undefined) await deps.status(id); // validates the id: UNKNOWN_REQUEST at once
  await deps.ready();
  for (;;) {
    if (options.signal?.aborted) throw new FanoutError("ABORTED", "settle was aborted", { retryable: false });
    await deps.drain();
    if (id !== undefined && settled(await deps.store.getRequest(id))) return deps.status(id);
    if (id === undefined && !(await anyUnsettled(deps.store))) return undefined;
    const next = await deps.store.nextWake();
    if (next === null) return id === undefined ? undefined : deps.status(id);
    const remaining = until - Date.now();
    if (remaining <= 0) throw await timedOut(deps, id, timeoutMs, next);
    const wait = next - deps.now();
    if (deps.clockInjected) {
      if (wait > 0) {
        if (!options.advance) {
          throw new InvalidArgumentError(
            "settle: this fanout has an injected clock (`now`), which settle cannot move; pass " +
              "settle(id, { advance: (ms) => { now += ms } }), or advance the clock and drain() yourself",
            { details: { argument: "advance" } },
          );
        }
        await options.advance(wait);
      }
      await pause(ROUND_PAUSE_MS, options.signal);
    } else {
      await pause(Math.min(Math.max(wait, ROUND_PAUSE_MS), remaining), options.signal);
    }
  }
}

async function timedOut(
  deps: SettleDeps,
  id: string | undefined,
  timeoutMs: number,
  next: number,
): Promise<FanoutError> {
  const inMs = Math.max(0, next - deps.now());
  const what =
    id === undefined ? "requests are still open" : `request ${id} is still ${(await deps.status(id)).state}`;
  return new FanoutError(
    "TIMEOUT",
    `settle: ${what} after ${timeoutMs} ms; the next timer is due in ${inMs} ms (raise timeoutMs, ` +
      "shorten pollInterval or the simulators' timeScale, or inject a clock and pass advance)",
    { retryable: false, details: { ...(id ? { requestId: id } : {}), nextTimerInMs: inMs } },
  );
}
