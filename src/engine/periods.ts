/**
 * Periods as the law counts them. A deadline of "1 month" is a calendar month, not 30 days, and a
 * retention of "7 years" ends on a date, not after 2,555 days. The rules are those of Regulation
 * (EEC, Euratom) No 1182/71 determining the rules applicable to periods, dates and time limits
 * (OJ L 124, 8.6.1971, p. 1), which EU law uses for its own time limits and which the CJEU and the
 * supervisory authorities apply to the GDPR's "one month" (the UK ICO's guidance on time limits
 * follows it: a request received on 3 September is due on 3 October; on 31 January, on the last
 * day of February):
 *
 * - Art. 3(1): a period counted from an event does not count the day of the event;
 * - Art. 3(2)(b): a period in days ends with the expiry of the last hour of its last day;
 * - Art. 3(2)(c): a period in weeks, months or years ends with the expiry of the last hour of the
 *   day in the last week, month or year that has the same weekday or date as the day it runs from;
 *   if that date does not occur in the last month (31 January + 1 month), the period ends with the
 *   expiry of the last day of that month (28 or 29 February).
 *
 * So `periodEnd(receivedAt, "1 month")` is the last millisecond of the corresponding day one
 * month on, in the controller's time zone. Two simplifications, both on the strict side: Art. 3(4)
 * (a period ending on a Saturday, Sunday or public holiday runs to the next working day) is not
 * applied, since public holidays differ per country and an earlier due date is never late; and
 * sub-day units (`"12h"`, a number of milliseconds) are exact durations, not calendar days.
 *
 * Accepted forms: `"1 month"`, `"2 months"`, `"7 years"`, `"14 days"`, `"2 weeks"`, combinations
 * (`"1 month 14 days"`), the short forms `"14d"`, `"2w"`, `"1mo"`, `"7y"`, `"12h"`, `"30m"`,
 * `"45s"`, `"500ms"`, ISO 8601 (`"P1M"`, `"P7Y"`, `"P14D"`, `"PT12H"`), or a number of milliseconds.
 */
import { InvalidArgumentError } from "../errors.js";

/** A period: calendar parts (years, months, days) and an exact part (milliseconds). */
export interface Period {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly ms: number;
}

const DAY = 86_400_000;
/** Thirty years: long enough for any retention law seen; longer is almost certainly a mistake. */
const MAX_YEARS = 30;

const UNITS: Readonly<Record<string, keyof Period | "weeks" | "hours" | "minutes" | "seconds">> = {
  y: "years",
  yr: "years",
  yrs: "years",
  year: "years",
  years: "years",
  mo: "months",
  month: "months",
  months: "months",
  w: "weeks",
  week: "weeks",
  weeks: "weeks",
  d: "days",
  day: "days",
  days: "days",
  h: "hours",
  hour: "hours",
  hours: "hours",
  m: "minutes",
  min: "minutes",
  mins: "minutes",
  minute: "minutes",
  minutes: "minutes",
  s: "seconds",
  sec: "seconds",
  second: "seconds",
  seconds: "seconds",
  ms: "ms",
};

function fail(name: string, problem: string): never {
  throw new InvalidArgumentError(`${name} ${problem}`, { details: { argument: name } });
}

const EXAMPLES = 'such as "1 month", "14d", "7 years", "P1M" or a number of milliseconds';

function empty(): { years: number; months: number; days: number; ms: number } {
  return { years: 0, months: 0, days: 0, ms: 0 };
}

function fromIso(text: string): Period | null {
  const m =
    /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      text,
    );
  if (!m || text.length < 3 || /T$/i.test(text)) return null;
  const [, y, mo, w, d, h, mi, s] = m;
  return {
    years: Number(y ?? 0),
    months: Number(mo ?? 0),
    days: Number(w ?? 0) * 7 + Number(d ?? 0),
    ms: Number(h ?? 0) * 3_600_000 + Number(mi ?? 0) * 60_000 + Math.round(Number(s ?? 0) * 1000),
  };
}

function fromWords(text: string, name: string): Period {
  const out = empty();
  const part = /\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*,?/giy;
  let consumed = 0;
  for (let match = part.exec(text); match; match = part.exec(text)) {
    const unit = UNITS[match[2]!.toLowerCase()];
    if (!unit) fail(name, `has an unknown unit "${match[2]!.slice(0, 10)}": use a period ${EXAMPLES}`);
    const n = Number(match[1]);
    const whole = Number.isInteger(n);
    if (!whole && (unit === "years" || unit === "months" || unit === "weeks" || unit === "days"))
      fail(name, "must count years, months, weeks and days in whole numbers");
    if (unit === "years") out.years += n;
    else if (unit === "months") out.months += n;
    else if (unit === "weeks") out.days += 7 * n;
    else if (unit === "days") out.days += n;
    else if (unit === "hours") out.ms += n * 3_600_000;
    else if (unit === "minutes") out.ms += n * 60_000;
    else if (unit === "seconds") out.ms += n * 1000;
    else out.ms += n;
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) {
    if (/^\d+$/.test(text)) return { ...empty(), ms: Number(text) };
    fail(name, `must be a period ${EXAMPLES}`);
  }
  return { ...out, ms: Math.round(out.ms) };
}

/** Parses a period; throws `INVALID_ARGUMENT` naming `name`. */
export function parsePeriod(value: unknown, name = "period"): Period {
  let period: Period;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) fail(name, "must be a non-negative number of milliseconds");
    period = { ...empty(), ms: Math.round(value) };
  } else if (typeof value === "string") {
    const text = value.trim();
    if (text.length === 0 || text.length > 60) fail(name, `must be a period ${EXAMPLES}`);
    period = fromIso(text) ?? fromWords(text, name);
  } else {
    fail(name, `must be a period ${EXAMPLES}`);
  }
  const roughYears = period.years + period.months / 12 + period.days / 365 + period.ms / (365 * DAY);
  if (roughYears > MAX_YEARS) fail(name, `must be at most ${MAX_YEARS} years`);
  return period;
}

/** Whether the period has calendar parts (days, weeks, months, years) and so ends at a day's end. */
export function isCalendar(p: Period): boolean {
  return p.years > 0 || p.months > 0 || p.days > 0;
}

/** Whether the period is empty (zero). */
export function isZero(p: Period): boolean {
  return !isCalendar(p) && p.ms === 0;
}

/** The sum of two periods (part by part: "1 month" + "14 days" is "1 month 14 days"). */
export function addPeriods(a: Period, b: Period): Period {
  return { years: a.years + b.years, months: a.months + b.months, days: a.days + b.days, ms: a.ms + b.ms };
}

/** A period written out: `{ months: 1, days: 14 }` → `"1 month 14 days"`. */
export function formatPeriod(p: Period): string {
  const parts: string[] = [];
  const put = (n: number, one: string) => {
    if (n > 0) parts.push(`${n} ${one}${n === 1 ? "" : "s"}`);
  };
  put(p.years, "year");
  put(p.months, "month");
  put(p.days, "day");
  if (p.ms > 0) parts.push(p.ms % 3_600_000 === 0 ? `${p.ms / 3_600_000}h` : `${p.ms}ms`);
  return parts.length > 0 ? parts.join(" ") : "0 days";
}

/** Checks an IANA time zone name (`"Europe/Amsterdam"`, `"UTC"`); throws `INVALID_ARGUMENT`. */
export function checkTimeZone(zone: unknown, name = "timeZone"): string {
  if (typeof zone !== "string" || zone.length === 0 || zone.length > 64) fail(name, "must be a time zone");
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    fail(name, 'must be an IANA time zone such as "UTC" or "Europe/Amsterdam"');
  }
  return zone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time of `at` in `zone`. */
function wallClock(at: number, zone: string) {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(at))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return {
    year: parts.year!,
    month: parts.month! - 1,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** How far `zone`'s wall clock is ahead of UTC at `at`, in ms. */
function offsetAt(at: number, zone: string): number {
  const w = wallClock(at, zone);
  const asUtc = Date.UTC(w.year, w.month, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The instant the local day `year-month-day` starts in `zone` (day may overflow: Date.UTC normalises). */
function startOfLocalDay(year: number, month: number, day: number, zone: string): number {
  const guess = Date.UTC(year, month, day);
  let at = guess - offsetAt(guess, zone);
  at = guess - offsetAt(at, zone);
  return at;
}

/** The local date of `at` in `zone`, plus whole years, months and days (1182/71 Art. 3(2)(c)). */
function shiftedDate(at: number, p: Period, zone: string): { year: number; month: number; day: number } {
  const w = wallClock(at, zone);
  const totalMonths = w.year * 12 + w.month + p.years * 12 + p.months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths % 12;
  // The same date in the last month, or that month's last day when it has no such date.
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(w.day, last);
  const shifted = new Date(Date.UTC(year, month, day + p.days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth(), day: shifted.getUTCDate() };
}

/**
 * The last millisecond of a period that runs from `at` (inclusive: the period has not expired
 * until after it). Calendar periods end at the end of their last day in `zone`; an exact period
 * (hours, minutes, ms) is simply added.
 */
export function periodEnd(at: number, p: Period, zone = "UTC"): number {
  if (!isCalendar(p)) return at + p.ms;
  const d = shiftedDate(at, p, zone);
  return startOfLocalDay(d.year, d.month, d.day + 1, zone) - 1 + p.ms;
}

/** `at` plus the period, keeping the time of day (for timers such as `after`: no end-of-day rounding). */
export function addPeriod(at: number, p: Period, zone = "UTC"): number {
  if (!isCalendar(p)) return at + p.ms;
  const w = wallClock(at, zone);
  const d = shiftedDate(at, p, zone);
  const dayStart = startOfLocalDay(d.year, d.month, d.day, zone);
  const timeOfDay = (w.hour * 3600 + w.minute * 60 + w.second) * 1000 + (((at % 1000) + 1000) % 1000);
  return dayStart + timeOfDay + p.ms;
}

/** The last millisecond of the calendar year `at` falls in, in `zone`. */
export function endOfYear(at: number, zone = "UTC"): number {
  const w = wallClock(at, zone);
  return startOfLocalDay(w.year + 1, 0, 1, zone) - 1;
}

/** The local calendar date of `at` in `zone`, as `YYYY-MM-DD`. */
export function localDate(at: number, zone = "UTC"): string {
  const w = wallClock(at, zone);
  return `${String(w.year).padStart(4, "0")}-${String(w.month + 1).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}
