// Periods written in words beyond the common ones (fractions of hours, minutes and seconds,
// milliseconds, digits as text, lists with commas), sums of periods, time zones, and the errors a
// caller reads: each names the option and says what is wrong with it.
import { describe, expect, it } from "vitest";
import { addPeriods, checkTimeZone, endOfYear } from "../../src/engine/periods.js";
import { parsePeriod } from "../../src/index.js";

const exact = (ms: number) => ({ years: 0, months: 0, days: 0, ms });
const problem = (value: unknown, name = "deadline") => {
  try {
    parsePeriod(value, name);
  } catch (error) {
    return (error as Error).message;
  }
  return expect.unreachable(`${String(value)} was accepted`);
};

describe("periods in words", () => {
  it("fractions of hours, minutes and seconds; milliseconds; digits as text; commas between parts", () => {
    expect(parsePeriod("1.5 hours")).toEqual(exact(5_400_000));
    expect(parsePeriod("2.5 min")).toEqual(exact(150_000));
    expect(parsePeriod("1.25 seconds")).toEqual(exact(1250));
    expect(parsePeriod("250 ms")).toEqual(exact(250));
    expect(parsePeriod("  5000 ")).toEqual(exact(5000));
    expect(parsePeriod("1 year, 2 months, 3 days")).toEqual({ years: 1, months: 2, days: 3, ms: 0 });
    expect(parsePeriod("2 weeks 1 day")).toEqual({ years: 0, months: 0, days: 15, ms: 0 });
    expect(parsePeriod(0)).toEqual(exact(0));
    expect(parsePeriod(12.6)).toEqual(exact(13));
  });

  it("sums periods part by part", () => {
    expect(
      addPeriods(parsePeriod("1 year 1 month 2 days 1h"), parsePeriod("2 years 3 months 4 days 30m")),
    ).toEqual({
      years: 3,
      months: 4,
      days: 6,
      ms: 5_400_000,
    });
  });

  it("says what is wrong, naming the option", () => {
    expect(problem("3 fortnights")).toMatch(/^deadline has an unknown unit "fortnights"/);
    expect(problem("1.5 days")).toBe("deadline must count years, months, weeks and days in whole numbers");
    expect(problem("1.5 weeks")).toMatch(/whole numbers/);
    expect(problem("1.5 years")).toMatch(/whole numbers/);
    expect(problem("31 years", "after")).toBe("after must be at most 30 years");
    expect(problem("30 years 1 month")).toMatch(/at most 30 years/);
    expect(problem(-1)).toBe("deadline must be a non-negative number of milliseconds");
    expect(problem(Number.POSITIVE_INFINITY)).toMatch(/non-negative number/);
    expect(problem("")).toMatch(/^deadline must be a period such as/);
    expect(problem("1".repeat(61))).toMatch(/^deadline must be a period such as/);
    expect(problem("3 days soon")).toMatch(/^deadline must be a period such as/);
    expect(problem({})).toMatch(/^deadline must be a period such as/);
  });
  it("accepts 30 years exactly", () => {
    expect(parsePeriod("30 years").years).toBe(30);
  });
});

describe("time zones", () => {
  it("accepts IANA zones and refuses anything else, naming the option", () => {
    expect(checkTimeZone("Europe/Amsterdam")).toBe("Europe/Amsterdam");
    expect(checkTimeZone("UTC")).toBe("UTC");
    for (const bad of ["", "x".repeat(65), "Mars/Olympus_Mons", 3]) {
      expect(() => checkTimeZone(bad, "timeZone")).toThrowError(
        expect.objectContaining({ code: "INVALID_ARGUMENT", details: { argument: "timeZone" } }),
      );
    }
  });

  it("the end of a year is in UTC unless a zone is given", () => {
    expect(new Date(endOfYear(Date.parse("2027-06-10T08:00:00Z"))).toISOString()).toBe(
      "2027-12-31T23:59:59.999Z",
    );
  });
});
