/**
 * Art. 12(3) deadlines. A request the subject made is due one month (or the company's own promise,
 * e.g. `"14d"`) from when it was *received* (`receivedAt`): an email that arrived on Monday and was
 * keyed in on Thursday is due from Monday. Periods are counted as periods.ts says (Regulation
 * 1182/71: calendar months, ending at the end of the day).
 *
 * Three kinds of due date, recorded as the deadline's `basis`:
 * - `subject`: a request the subject made (erase without `after`, export, restrict, or anything
 *   given a `receivedAt`): due `receivedAt + deadline`.
 * - `controller`: the controller's own retention window (`erase(…, { after })` without
 *   `receivedAt`, e.g. an account closure that keeps data 90 days). That is not a subject request
 *   and has no Art. 12 deadline; its `dueAt` is the controller's own commitment, the end of the
 *   window plus the deadline. `expedite()` turns it into a subject request when the person asks
 *   for erasure sooner.
 * - `retention`: the follow-up erasure of records kept on a legal basis, due the deadline after
 *   the retention ends (storage limitation, Art. 5(1)(e)).
 *
 * `request.overdue` is emitted once per request, by the worker, when a request that is not
 * answered passes its due date: the worker is woken for it (even for a request that otherwise
 * sleeps, such as a held one), and the moment is recorded on the request in the same commit as an
 * audit entry, so a restart never emits it twice.
 */
import { InvalidArgumentError } from "../errors.js";
import { ANSWERED_STATES, type RequestRecord, TERMINAL_STATES } from "../store/types.js";
import { formatPeriod, type Period, parsePeriod, periodEnd } from "./periods.js";
import type { RequestRun } from "./request-run.js";

/** The default deadline: Art. 12(3)'s one month. */
export const DEFAULT_DEADLINE = "1 month";

/** Where a request's due date comes from (see the module comment). */
export type DeadlineBasis = "subject" | "controller" | "retention";

/** The legal facts about a request's deadline, as kept in `RequestRecord.legal`. */
export interface DeadlineFacts {
  readonly basis: DeadlineBasis;
  /** The deadline as given (`"1 month"`, `"14 days"`). */
  readonly deadline: string;
  /** When the subject's request was received (epoch ms); only for `subject`. */
  readonly receivedAt?: number;
  /** The due date before any extension (epoch ms). */
  readonly initialDueAt: number;
}

/** A `receivedAt` argument (Date, ISO text or epoch ms), checked: never in the future. */
export function receivedAtArgument(value: unknown, now: number, name = "receivedAt"): number | undefined {
  if (value === undefined) return undefined;
  let at: number;
  if (value instanceof Date) at = value.getTime();
  else if (typeof value === "number") at = value;
  else if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value)) at = Date.parse(value);
  else at = Number.NaN;
  if (!Number.isFinite(at) || Math.abs(at) > 8.64e15) {
    throw new InvalidArgumentError(`${name} must be a date (a Date, ISO 8601 text or epoch milliseconds)`, {
      details: { argument: name },
    });
  }
  if (at > now) {
    throw new InvalidArgumentError(`${name} is in the future: a request is received before it is recorded`, {
      details: { argument: name },
    });
  }
  return at;
}

/** A deadline option: a period (`"1 month"`, `"14d"`), not zero. */
export function deadlineArgument(value: unknown, name = "deadline"): Period {
  const period = parsePeriod(value ?? DEFAULT_DEADLINE, name);
  if (period.years === 0 && period.months === 0 && period.days === 0 && period.ms < 1) {
    throw new InvalidArgumentError(`${name} must be longer than zero`, { details: { argument: name } });
  }
  return period;
}

/** What a new request's deadline is: its due date and the facts to keep. */
export function initialDeadline(input: {
  readonly now: number;
  readonly afterAt: number;
  /** Whether the caller gave a retention window (`after`). */
  readonly waits: boolean;
  readonly receivedAt: number | undefined;
  readonly deadline: Period;
  readonly timeZone: string;
}): { dueAt: number; facts: DeadlineFacts } {
  const { now, afterAt, waits, receivedAt, deadline, timeZone } = input;
  const text = formatPeriod(deadline);
  if (waits && receivedAt === undefined) {
    const dueAt = periodEnd(afterAt, deadline, timeZone);
    return { dueAt, facts: { basis: "controller", deadline: text, initialDueAt: dueAt } };
  }
  const received = receivedAt ?? now;
  const dueAt = periodEnd(received, deadline, timeZone);
  if (afterAt > dueAt) {
    throw new InvalidArgumentError(
      "after ends past the request's due date: a subject's request cannot wait for a retention window (record the closure without receivedAt, then expedite it)",
      { details: { argument: "after" } },
    );
  }
  return { dueAt, facts: { basis: "subject", deadline: text, receivedAt: received, initialDueAt: dueAt } };
}

/** The deadline facts of a stored request (older requests have none: read as the controller's own). */
export function deadlineFacts(record: RequestRecord): DeadlineFacts {
  const legal = record.legal as Partial<DeadlineFacts>;
  return {
    basis: legal.basis ?? "controller",
    deadline: typeof legal.deadline === "string" ? legal.deadline : "30 days",
    ...(typeof legal.receivedAt === "number" ? { receivedAt: legal.receivedAt } : {}),
    initialDueAt: typeof legal.initialDueAt === "number" ? legal.initialDueAt : record.dueAt,
  };
}

/**
 * When the request was answered: completed (or withdrawn, lifted), or for a restriction request,
 * when the restriction took effect. `null` while it is not.
 */
export function answeredAt(record: RequestRecord): number | null {
  // A restriction request answers when it takes effect; its lifting, months later, is not the answer.
  if (typeof record.doc.answeredAt === "number") return record.doc.answeredAt;
  return record.completedAt;
}

/** Past its due date: open and late, or answered after it (a withdrawal is never late). */
export function isOverdue(record: RequestRecord, now: number): boolean {
  if (record.state === "withdrawn") return false;
  const answered = answeredAt(record);
  if (answered !== null) return answered > record.dueAt;
  return !TERMINAL_STATES.has(record.state) && now > record.dueAt;
}

/** Whether the worker still owes this request its `request.overdue` event. */
function owesOverdue(record: RequestRecord): boolean {
  return (
    answeredAt(record) === null &&
    !ANSWERED_STATES.includes(record.state) &&
    typeof record.doc.overdueAt !== "number"
  );
}

/** `wakeAt` moved up to the moment the request becomes overdue, when its event is still owed. */
export function overdueWake(record: RequestRecord, wakeAt: number | null): number | null {
  if (!owesOverdue(record)) return wakeAt;
  const at = record.dueAt + 1;
  return wakeAt === null ? at : Math.min(wakeAt, at);
}

/** Records (and emits) `request.overdue` once, when the request has passed its due date unanswered. */
export async function notifyOverdue(run: RequestRun): Promise<void> {
  const record = run.record;
  if (!owesOverdue(record) || run.now() <= record.dueAt) return;
  const dueAt = new Date(record.dueAt).toISOString();
  await run.commit({
    request: { doc: { ...record.doc, overdueAt: run.now() } },
    audit: [run.audit("request.overdue", { dueAt })],
  });
  run.emit("request.overdue", { dueAt, state: record.state });
}
