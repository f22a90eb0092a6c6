/**
 * Moving a subject request's deadline, as Art. 12(3) allows, and turning a controller's waiting
 * closure into a subject request.
 *
 * `extend(id, { by, reason })`: "That period may be extended by two further months where
 * necessary, taking into account the complexity and number of the requests. The controller shall
 * inform the data subject of any such extension within one month of receipt of the request,
 * together with the reasons for the delay." So an extension:
 * - needs a reason (recorded, scrubbed of identifiers, in the request's legal facts and audit trail);
 * - adds at most two months in total, however many extensions there are (measured from
 *   `receivedAt`, so "2 months" is the limit whatever the month lengths);
 * - is decided before the initial due date (the subject must be told within that first period);
 * - applies only to a subject request that is not answered yet (a controller's closure has no
 *   Art. 12 deadline: `expedite` it first).
 *
 * `expedite(id, { receivedAt })`: the person asks for erasure before the controller's retention
 * window (`after`) ends ("earlier on request"). The wait ends now, the request becomes a subject
 * request, and its deadline runs from `receivedAt` (default now; never in the future).
 *
 * Both are control-plane changes (`ControlChange` kind `legal`): the store applies them in one
 * transaction on the row as it is then, and wakes the request.
 */
import { FanoutError } from "../errors.js";
import { ANSWERED_STATES, type LegalPatch, type RequestRecord } from "../store/types.js";
import { type DeadlineFacts, deadlineArgument, deadlineFacts } from "./deadlines.js";
import { addPeriods, formatPeriod, type Period, parsePeriod, periodEnd } from "./periods.js";

/** The longest total extension Art. 12(3) allows. */
export const MAX_EXTENSION: Period = { years: 0, months: 2, days: 0, ms: 0 };

/** One recorded extension. */
export interface ExtensionFacts {
  readonly by: string;
  readonly reason: string;
  /** When it was recorded (epoch ms). */
  readonly at: number;
  /** The due date it set (epoch ms). */
  readonly dueAt: number;
}

/** One recorded expedition. */
export interface ExpeditionFacts {
  readonly at: number;
  readonly receivedAt: number;
  /** When the retention window would have ended (epoch ms). */
  readonly previousAfterAt: number;
}

function refuse(record: RequestRecord, message: string): FanoutError {
  return new FanoutError("CONFLICT", `Request ${record.id}: ${message}`, {
    retryable: false,
    details: { requestId: record.id, state: record.state },
  });
}

function assertOpen(record: RequestRecord, what: string): void {
  if (record.completedAt !== null || ANSWERED_STATES.includes(record.state)) {
    throw refuse(record, `a ${record.state} request cannot be ${what}`);
  }
}

/** The extensions recorded so far. */
export function extensionsOf(record: RequestRecord): ExtensionFacts[] {
  const list = record.legal.extensions;
  return Array.isArray(list) ? (list as unknown as ExtensionFacts[]) : [];
}

/** The expedition, when there was one. */
export function expeditionOf(record: RequestRecord): ExpeditionFacts | null {
  const value = record.legal.expedited;
  return value && typeof value === "object" && !Array.isArray(value)
    ? (value as unknown as ExpeditionFacts)
    : null;
}

/** The rule of `extend`, run by the store on the current row. `reason` is scrubbed already. */
export function extendUpdate(
  by: Period,
  reason: string,
  now: number,
  timeZone: string,
): (record: RequestRecord) => LegalPatch {
  return (record) => {
    assertOpen(record, "extended");
    const facts = deadlineFacts(record);
    if (facts.basis !== "subject" || facts.receivedAt === undefined) {
      throw refuse(
        record,
        "only a subject's request has an Art. 12(3) deadline to extend (expedite a closure first)",
      );
    }
    if (now > facts.initialDueAt) {
      throw refuse(
        record,
        "an extension must be decided, and the subject told, within the initial period (Art. 12(3))",
      );
    }
    const previous = extensionsOf(record);
    const total = [...previous.map((e) => parsePeriod(e.by, "by")), by].reduce(addPeriods);
    const received = facts.receivedAt;
    if (periodEnd(received, total, timeZone) > periodEnd(received, MAX_EXTENSION, timeZone)) {
      throw refuse(record, "Art. 12(3) allows at most two further months in total");
    }
    const base = deadlineArgument(facts.deadline, "deadline");
    const dueAt = periodEnd(received, addPeriods(base, total), timeZone);
    const entry: ExtensionFacts = { by: formatPeriod(by), reason, at: now, dueAt };
    return {
      dueAt,
      legal: { ...record.legal, extensions: [...previous, entry] as never },
    };
  };
}

/** The rule of `expedite`, run by the store on the current row. */
export function expediteUpdate(
  receivedAt: number,
  now: number,
  timeZone: string,
): (record: RequestRecord) => LegalPatch {
  return (record) => {
    if (record.kind !== "erase") throw refuse(record, "only an erasure can be expedited");
    assertOpen(record, "expedited");
    if (expeditionOf(record)) throw refuse(record, "it was expedited already");
    const facts = deadlineFacts(record);
    if (facts.basis === "subject" && facts.receivedAt !== undefined && facts.receivedAt !== receivedAt) {
      throw refuse(record, "it is a subject's request already: its receivedAt cannot change");
    }
    const base = deadlineArgument(facts.deadline, "deadline");
    const dueAt = periodEnd(receivedAt, base, timeZone);
    const expedited: ExpeditionFacts = { at: now, receivedAt, previousAfterAt: record.afterAt };
    const next: DeadlineFacts = { ...facts, basis: "subject", receivedAt, initialDueAt: dueAt };
    return {
      dueAt,
      afterAt: Math.min(record.afterAt, now),
      legal: { ...record.legal, ...next, expedited: expedited as never },
    };
  };
}
