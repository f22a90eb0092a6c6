/**
 * A sweep's cut-off from its retention period. Retention is written in calendar units ("prospects'
 * data is kept 24 months"), so months and years count back on the calendar (UTC): 24 months
 * before 31 May is 31 May two years earlier, and 1 month before 31 March is 28/29 February, not
 * "30 days". Shorter periods are ordinary durations (`"90d"`, `"P90D"`).
 *
 * Two guards, because a sweep erases: `"24m"` is refused (in a duration, `m` is minutes; write
 * `24mo`), and a period under one day is refused.
 */
import { type Duration, parseDuration } from "../duration.js";
import { InvalidArgumentError } from "../errors.js";

/** A retention period: `"24mo"`, `"2y"`, `"18 months"`, `"1y6mo"`, `"P2Y"`, `"90d"`, ms, or the cut-off itself as a `Date`. */
export type RetentionPeriod = Duration | Date;

const DAY_MS = 86_400_000;
const CALENDAR = /^(?:(\d+)\s*(?:y|yr|yrs|year|years))?\s*(?:(\d+)\s*(?:mo|mos|month|months))?$/i;
const ISO_CALENDAR = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/i;

function fail(problem: string): never {
  throw new InvalidArgumentError(`olderThan ${problem}`, { details: { argument: "olderThan" } });
}

/** `now` minus `months` calendar months (UTC), the day clamped to the target month's length. */
export function monthsBefore(now: number, months: number): number {
  const d = new Date(now);
  const target = new Date(
    Date.UTC(
      d.getUTCFullYear(),
      d.getUTCMonth() - months,
      1,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

/** The cut-off (epoch ms) `period` before `now`; throws `INVALID_ARGUMENT` naming `olderThan`. */
export function sweepCutoff(period: unknown, now: number): number {
  let cutoff: number;
  if (period instanceof Date) {
    cutoff = period.getTime();
    if (!Number.isFinite(cutoff)) fail("is an invalid Date");
  } else if (typeof period === "string") {
    const text = period.trim();
    if (/^\d+(?:\.\d+)?\s*m$/i.test(text))
      fail(`"${text}" would be minutes: write "${text.replace(/m$/i, "mo")}" for months`);
    const calendar = CALENDAR.exec(text);
    const iso = ISO_CALENDAR.exec(text);
    if (calendar && text.length > 0 && (calendar[1] !== undefined || calendar[2] !== undefined)) {
      cutoff = monthsBefore(now, Number(calendar[1] ?? 0) * 12 + Number(calendar[2] ?? 0));
    } else if (iso && text.length > 1 && (iso[1] !== undefined || iso[2] !== undefined)) {
      cutoff =
        monthsBefore(now, Number(iso[1] ?? 0) * 12 + Number(iso[2] ?? 0)) - Number(iso[3] ?? 0) * DAY_MS;
    } else {
      cutoff = now - parseDuration(text, "olderThan");
    }
  } else if (typeof period === "number") {
    cutoff = now - parseDuration(period, "olderThan");
  } else {
    fail('must be a retention period such as "24mo", "2y", "90d", or a Date');
  }
  if (cutoff > now - DAY_MS) fail("must be at least one day in the past");
  if (now - cutoff > 100 * 365 * DAY_MS) fail("is more than a hundred years");
  return cutoff;
}
