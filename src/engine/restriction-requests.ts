/**
 * Restriction of processing as a request of its own (Art. 18). `restrict(subject, opts)` records a
 * request of kind `restrict`: every branch locates the subject and restricts (the same reversible
 * step an erasure starts with: suppression, cancel at period end, recycle bin…), and the request
 * stays `restricted` — answered, not finished — until `lift(id, { reason, subjectInformedAt,
 * informedBy })`. Nothing is ever deleted by a restriction request.
 *
 * - Answered when every branch is restricted (or has nothing to restrict, or an adapter without a
 *   restrict step, shown as `restriction: not_supported` for a person to handle): `answeredAt` is
 *   recorded, event `request.restricted`. Its due date is Art. 12(3)'s, from `receivedAt`.
 * - Restrictions with a lifetime (Zoho's recycle bin) are renewed while the request stays open, as
 *   for an erasure that waits (restriction-renewal.ts): the worker wakes for each renewal.
 * - Art. 18(3): "A data subject who has obtained restriction of processing … shall be informed by
 *   the controller before the restriction of processing is lifted." `lift` therefore records when
 *   and how the subject was told (`subjectInformedAt`, not in the future and not before the request
 *   was received; `informedBy`, e.g. "email" or "letter") with the reason, in the request's legal
 *   facts and audit trail. The worker then undoes the restrictions (unrestrict, reverse order, as a
 *   compensation) and the request ends `lifted` with a signed closing record (the receipt).
 * - A restriction that fails before it is in place aborts and undoes what was restricted, like an
 *   erasure before its pivot; the request then needs attention.
 */
import { FanoutError, InvalidArgumentError } from "../errors.js";
import { scrubText } from "../redact.js";
import type { LegalPatch, RequestRecord } from "../store/types.js";
import { TERMINAL_STATES } from "../store/types.js";
import { deadlineFacts } from "./deadlines.js";

/** What `lift` records (Art. 18(3)). */
export interface LiftFacts {
  /** When the lift was asked for (epoch ms). */
  readonly requestedAt: number;
  readonly reason: string;
  /** When the subject was told the restriction would be lifted (epoch ms). */
  readonly subjectInformedAt: number;
  /** How: "email", "letter", "phone call", … */
  readonly informedBy: string;
}

/** The lift recorded on a request, or `null`. */
export function liftOf(record: RequestRecord): LiftFacts | null {
  const value = record.legal.lift;
  return value && typeof value === "object" && !Array.isArray(value) ? (value as unknown as LiftFacts) : null;
}

const TEXT = /^[^\p{Cc}]+$/u;

/** Checks `lift` options; `reason` and `informedBy` are scrubbed of identifier-shaped text. */
export function liftArguments(
  raw: Record<string, unknown>,
  now: number,
): { reason: string; subjectInformedAt: number; informedBy: string } {
  const text = (value: unknown, name: string, max: number) => {
    if (typeof value !== "string" || value.trim().length === 0 || value.length > max || !TEXT.test(value)) {
      throw new InvalidArgumentError(`lift needs ${name}: text of 1 to ${max} characters`, {
        details: { argument: name },
      });
    }
    return scrubText(value.trim());
  };
  const reason = text(raw.reason, "reason", 500);
  const informedBy = text(raw.informedBy, "informedBy", 100);
  const given = raw.subjectInformedAt;
  const at =
    given instanceof Date
      ? given.getTime()
      : typeof given === "number"
        ? given
        : typeof given === "string" && /^\d{4}-\d{2}-\d{2}/.test(given)
          ? Date.parse(given)
          : Number.NaN;
  if (!Number.isFinite(at)) {
    throw new InvalidArgumentError(
      "lift needs subjectInformedAt: when the subject was told (Art. 18(3): before the restriction is lifted)",
      { details: { argument: "subjectInformedAt" } },
    );
  }
  if (at > now) {
    throw new InvalidArgumentError(
      "subjectInformedAt is in the future: the subject is told before the lift",
      {
        details: { argument: "subjectInformedAt" },
      },
    );
  }
  return { reason, subjectInformedAt: at, informedBy };
}

/** The rule of `lift`, run by the store on the current row. */
export function liftUpdate(
  args: { reason: string; subjectInformedAt: number; informedBy: string },
  now: number,
): (record: RequestRecord) => LegalPatch {
  return (record) => {
    const refuse = (message: string) =>
      new FanoutError("CONFLICT", `Request ${record.id}: ${message}`, {
        retryable: false,
        details: { requestId: record.id, state: record.state },
      });
    if (record.kind !== "restrict") throw refuse("only a restriction request can be lifted");
    if (TERMINAL_STATES.has(record.state)) throw refuse(`a ${record.state} request cannot be lifted`);
    if (liftOf(record)) throw refuse("its lifting was recorded already");
    const received = deadlineFacts(record).receivedAt ?? record.createdAt;
    if (args.subjectInformedAt < received) {
      throw new InvalidArgumentError("subjectInformedAt is before the request was received", {
        details: { argument: "subjectInformedAt" },
      });
    }
    const lift: LiftFacts = { requestedAt: now, ...args };
    return { legal: { ...record.legal, lift: lift as never } };
  };
}
