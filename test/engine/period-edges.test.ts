// Periods at their edges: the longest text and period accepted, what each error says (the unit
// quoted short, the default option names), text that only looks like a number, a period written
// out, time zones named in errors, and days that end on a daylight-saving change.
import { describe, expect, it } from "vitest";
import {
  addPeriod,
  checkTimeZone,
  formatPeriod,
  isCalendar,
  isZero,
  localDate,
  parsePeriod,
  periodEnd,
} from "../../src/engine/periods.js";

const exact = (ms: number) => ({ years: 0, months: 0, days: 0, ms });
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const problem = (value: unknown, name?: string) => {
  try {
    parsePeriod(value, name);
  } catch (error) {
    const e = error as { code?: string; details?: { argument?: string }; message: string };
    expect(e.code).toBe("INVALID_ARGUMENT");
    return { argument: e.details?.argument, message: e.message };
  }
  return expect.unreachable(`${String(value)} was accepted`);
};

describe("parsing a period: edges", () => {
  it("accepts text of 60 characters, not 61", () => {
    expect(parsePeriod(`${"0".repeat(59)}7`)).toEqual(exact(7));
    expect(parsePeriod(`  ${"0".repeat(59)}7  `)).toEqual(exact(7));
    expect(problem(`${"0".repeat(60)}7`, "after").message).toMatch(/^after must be a period such as/);
  });

  it("counts every part towards the 30-year limit", () => {
    expect(parsePeriod("29 years 11 months 30 days")).toEqual({ years: 29, months: 11, days: 30, ms: 0 });
    expect(parsePeriod("29 years 300 days 23h")).toEqual({
      years: 29,
      months: 0,
      days: 300,
      ms: 23 * 3_600_000,
    });
    for (const tooLong of ["30 years 1 day", "30 years 1h", "29 years 13 months", "10958 days", "P30YT1S"]) {
      expect(problem(tooLong).message).toBe("period must be at most 30 years");
    }
  });

  it("quotes an unknown unit, cut to 10 characters", () => {
    expect(problem("2 microfortnights", "deadline").message).toBe(
      'deadline has an unknown unit "microfortn": use a period such as "1 month", "14d", "7 years", "P1M" or a number of milliseconds',
    );
  });

  it("takes only plain digits as a number of milliseconds", () => {
    for (const bad of ["5.", "5-", "a5", "days 5", "5 5"]) {
      expect(problem(bad, "after")).toEqual({
        argument: "after",
        message:
          'after must be a period such as "1 month", "14d", "7 years", "P1M" or a number of milliseconds',
      });
    }
  });

  it("names the option `period` when none is given", () => {
    expect(problem("soon")).toEqual({
      argument: "period",
      message:
        'period must be a period such as "1 month", "14d", "7 years", "P1M" or a number of milliseconds',
    });
    expect(problem(-5)).toEqual({
      argument: "period",
      message: "period must be a non-negative number of milliseconds",
    });
  });

  it("reads fractions of seconds and milliseconds, rounded to whole milliseconds", () => {
    expect(parsePeriod("0.0015 s")).toEqual(exact(2));
    expect(parsePeriod("1.5 ms")).toEqual(exact(2));
    expect(parsePeriod("2 sec 3 ms")).toEqual(exact(2003));
    expect(parsePeriod("1 minute 1 second")).toEqual(exact(61_000));
    expect(parsePeriod("PT1.5S")).toEqual(exact(1500));
    expect(parsePeriod("P2W")).toEqual({ years: 0, months: 0, days: 14, ms: 0 });
  });

  it("reads units in any case, with spaces around the commas between parts", () => {
    expect(parsePeriod("1 Month 14 DAYS")).toEqual({ years: 0, months: 1, days: 14, ms: 0 });
    expect(parsePeriod("7Y")).toEqual({ years: 7, months: 0, days: 0, ms: 0 });
    expect(parsePeriod("1 year , 2 months ,3 days")).toEqual({ years: 1, months: 2, days: 3, ms: 0 });
  });

  it("reads ISO 8601 in either case, with minutes and fractions of seconds", () => {
    expect(parsePeriod("PT1H30M")).toEqual(exact(5_400_000));
    expect(parsePeriod("PT1.25S")).toEqual(exact(1250));
    expect(parsePeriod("PT0.0015S")).toEqual(exact(2));
    expect(parsePeriod("p1m2dt3m")).toEqual({ years: 0, months: 1, days: 2, ms: 180_000 });
  });

  it("takes ISO 8601 only when complete, and only from its start", () => {
    for (const bad of ["P", "PT", "P1DT", "p1dt", "P1Y1H", "2P1D", "1 dayP1D"]) {
      expect(problem(bad).argument).toBe("period");
    }
  });
});

describe("a period's kind and its words", () => {
  it("is calendar when it has days, months or years; zero when it has nothing", () => {
    expect(isCalendar(parsePeriod("1 day"))).toBe(true);
    expect(isCalendar(parsePeriod("1 month"))).toBe(true);
    expect(isCalendar(parsePeriod("1 year"))).toBe(true);
    expect(isCalendar(parsePeriod("36h"))).toBe(false);
    expect(isZero(parsePeriod(0))).toBe(true);
    expect(isZero(parsePeriod("0 days"))).toBe(true);
    expect(isZero(parsePeriod(1))).toBe(false);
    expect(isZero(parsePeriod("1 day"))).toBe(false);
  });

  it("writes each part, singular or plural, hours when whole, else milliseconds", () => {
    expect(formatPeriod(parsePeriod("1 year 2 months 1 day"))).toBe("1 year 2 months 1 day");
    expect(formatPeriod(parsePeriod("2 years 1 month 3 days 2h"))).toBe("2 years 1 month 3 days 2h");
    expect(formatPeriod(parsePeriod("90m"))).toBe("5400000ms");
    expect(formatPeriod(parsePeriod(0))).toBe("0 days");
  });
});

describe("time zones: the errors", () => {
  it("says whether the value is no time zone at all or not an IANA one, naming `timeZone` by default", () => {
    const message = (zone: unknown) => {
      try {
        checkTimeZone(zone);
      } catch (error) {
        const e = error as { details?: { argument?: string }; message: string };
        return `${e.details?.argument}: ${e.message}`;
      }
      return "accepted";
    };
    expect(message("x".repeat(65))).toBe("timeZone: timeZone must be a time zone");
    expect(message("")).toBe("timeZone: timeZone must be a time zone");
    expect(message(null)).toBe("timeZone: timeZone must be a time zone");
    expect(message("x".repeat(64))).toBe(
      'timeZone: timeZone must be an IANA time zone such as "UTC" or "Europe/Amsterdam"',
    );
    expect(message("Mars/Olympus_Mons")).toBe(
      'timeZone: timeZone must be an IANA time zone such as "UTC" or "Europe/Amsterdam"',
    );
  });
});

describe("days that end on a daylight-saving change", () => {
  it("a period ending the day before summer time ends at that local midnight", () => {
    // Amsterdam moves to summer time at 01:00 UTC on 28 March 2027: 27 March ends at 23:00 UTC.
    expect(iso(periodEnd(at("2027-03-13T10:00:00Z"), parsePeriod("14 days"), "Europe/Amsterdam"))).toBe(
      "2027-03-27T22:59:59.999Z",
    );
    // 28 March itself is 23 hours long there: it ends at 22:00 UTC.
    expect(iso(periodEnd(at("2027-03-14T10:00:00Z"), parsePeriod("14 days"), "Europe/Amsterdam"))).toBe(
      "2027-03-28T21:59:59.999Z",
    );
  });

  it("a period ending the day winter time returns ends at that local midnight", () => {
    // Amsterdam returns to winter time at 01:00 UTC on 31 October 2027.
    expect(iso(periodEnd(at("2027-10-16T10:00:00Z"), parsePeriod("14 days"), "Europe/Amsterdam"))).toBe(
      "2027-10-30T21:59:59.999Z",
    );
    expect(iso(periodEnd(at("2027-10-17T10:00:00Z"), parsePeriod("14 days"), "Europe/Amsterdam"))).toBe(
      "2027-10-31T22:59:59.999Z",
    );
  });

  it("a day whose local midnight is skipped starts when its clocks do", () => {
    // Beirut moves from +2 to +3 at local midnight (22:00 UTC) on 27/28 March 2027: 28 March starts at
    // 01:00 local, 22:00 UTC, so 27 March ends at 21:59:59.999 UTC — not an hour earlier, as the
    // offset of the following UTC midnight alone would say.
    expect(iso(periodEnd(at("2027-03-13T10:00:00Z"), parsePeriod("14 days"), "Asia/Beirut"))).toBe(
      "2027-03-27T21:59:59.999Z",
    );
    expect(localDate(at("2027-03-27T21:59:59Z"), "Asia/Beirut")).toBe("2027-03-27");
    expect(localDate(at("2027-03-27T22:00:00Z"), "Asia/Beirut")).toBe("2027-03-28");
  });

  it("addPeriod keeps the local time of day across the change", () => {
    // 09:30 in Amsterdam (winter, 08:30 UTC) plus a month is 09:30 in summer (07:30 UTC).
    expect(iso(addPeriod(at("2027-03-10T08:30:15.250Z"), parsePeriod("1 month"), "Europe/Amsterdam"))).toBe(
      "2027-04-10T07:30:15.250Z",
    );
    expect(iso(addPeriod(at("2027-03-10T08:30:00Z"), parsePeriod("1 day 2h"), "Europe/Amsterdam"))).toBe(
      "2027-03-11T10:30:00.000Z",
    );
    // Exact periods are added as they are, even on the 23-hour day itself.
    expect(iso(addPeriod(at("2027-03-27T12:00:00Z"), parsePeriod("24h"), "Europe/Amsterdam"))).toBe(
      "2027-03-28T12:00:00.000Z",
    );
    expect(iso(addPeriod(at("2027-03-28T12:00:00Z"), parsePeriod("1h"), "Europe/Amsterdam"))).toBe(
      "2027-03-28T13:00:00.000Z",
    );
  });

  it("a calendar period with an exact part ends that much after the end of its last day", () => {
    expect(iso(periodEnd(at("2027-05-01T10:00:00Z"), parsePeriod("1 day 2h")))).toBe(
      "2027-05-03T01:59:59.999Z",
    );
  });
});

describe("local dates", () => {
  it("are the date in the zone, zero-padded", () => {
    expect(localDate(at("2027-01-05T23:30:00Z"))).toBe("2027-01-05");
    expect(localDate(at("2027-01-05T23:30:00Z"), "Europe/Amsterdam")).toBe("2027-01-06");
    expect(localDate(at("0987-03-09T12:00:00Z"))).toBe("0987-03-09");
  });
});
