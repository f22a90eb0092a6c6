// Periods as Regulation 1182/71 counts them: calendar months and years, ending at a day's end.
import { describe, expect, it } from "vitest";
import { endOfYear } from "../../src/engine/periods.js";
import { addPeriod, formatPeriod, parsePeriod, periodEnd } from "../../src/index.js";

const at = (iso: string) => Date.parse(iso);
const end = (from: string, period: string, zone?: string) =>
  new Date(periodEnd(at(from), parsePeriod(period), zone)).toISOString();

describe("periods (Regulation 1182/71)", () => {
  it("parses words, short forms, ISO 8601 and milliseconds", () => {
    expect(parsePeriod("1 month")).toEqual({ years: 0, months: 1, days: 0, ms: 0 });
    expect(parsePeriod("2 months 14 days")).toEqual({ years: 0, months: 2, days: 14, ms: 0 });
    expect(parsePeriod("7y")).toEqual({ years: 7, months: 0, days: 0, ms: 0 });
    expect(parsePeriod("1mo")).toEqual({ years: 0, months: 1, days: 0, ms: 0 });
    expect(parsePeriod("2w")).toEqual({ years: 0, months: 0, days: 14, ms: 0 });
    expect(parsePeriod("14d")).toEqual({ years: 0, months: 0, days: 14, ms: 0 });
    expect(parsePeriod("1d12h")).toEqual({ years: 0, months: 0, days: 1, ms: 12 * 3_600_000 });
    expect(parsePeriod("P1Y2M3DT4H")).toEqual({ years: 1, months: 2, days: 3, ms: 4 * 3_600_000 });
    expect(parsePeriod("30m")).toEqual({ years: 0, months: 0, days: 0, ms: 30 * 60_000 });
    expect(parsePeriod(5000)).toEqual({ years: 0, months: 0, days: 0, ms: 5000 });
    expect(formatPeriod(parsePeriod("P1M14D"))).toBe("1 month 14 days");
    for (const bad of ["", "soon", "1 fortnight", "1.5 months", -1, "31 years", {}]) {
      expect(() => parsePeriod(bad, "deadline")).toThrowError(
        expect.objectContaining({ code: "INVALID_ARGUMENT", details: { argument: "deadline" } }),
      );
    }
  });

  it("a month runs to the same date in the next month, at the end of that day", () => {
    expect(end("2027-03-15T09:30:00Z", "1 month")).toBe("2027-04-15T23:59:59.999Z");
    expect(end("2027-12-03T00:00:00Z", "1 month")).toBe("2028-01-03T23:59:59.999Z");
  });

  it("a month from 31 January ends on the last day of February (28 or 29)", () => {
    expect(end("2027-01-31T10:00:00Z", "1 month")).toBe("2027-02-28T23:59:59.999Z");
    expect(end("2028-01-31T10:00:00Z", "1 month")).toBe("2028-02-29T23:59:59.999Z");
    expect(end("2027-01-29T10:00:00Z", "1 month")).toBe("2027-02-28T23:59:59.999Z");
    expect(end("2027-03-31T10:00:00Z", "1 month")).toBe("2027-04-30T23:59:59.999Z");
    expect(end("2027-01-31T10:00:00Z", "3 months")).toBe("2027-04-30T23:59:59.999Z");
  });

  it("days do not count the day of the event; years end on the same date (29 February: the 28th)", () => {
    expect(end("2027-03-01T23:00:00Z", "14 days")).toBe("2027-03-15T23:59:59.999Z");
    expect(end("2028-02-29T12:00:00Z", "1 year")).toBe("2029-02-28T23:59:59.999Z");
    expect(end("2026-11-28T12:00:00Z", "7 years")).toBe("2033-11-28T23:59:59.999Z");
  });

  it("counts days in the controller's time zone", () => {
    // 23:30 UTC on 31 January is already 1 February in Amsterdam: the month runs to 1 March there.
    expect(end("2027-01-31T23:30:00Z", "1 month", "Europe/Amsterdam")).toBe("2027-03-01T22:59:59.999Z");
    // Summer time: the day ends at 22:00 UTC.
    expect(end("2027-06-10T08:00:00Z", "1 month", "Europe/Amsterdam")).toBe("2027-07-10T21:59:59.999Z");
    expect(new Date(endOfYear(at("2027-06-10T08:00:00Z"), "Europe/Berlin")).toISOString()).toBe(
      "2027-12-31T22:59:59.999Z",
    );
  });

  it("exact periods are added as they are; addPeriod keeps the time of day", () => {
    expect(end("2027-03-15T09:30:00Z", "12h")).toBe("2027-03-15T21:30:00.000Z");
    expect(new Date(addPeriod(at("2027-01-31T10:00:00Z"), parsePeriod("1 month"))).toISOString()).toBe(
      "2027-02-28T10:00:00.000Z",
    );
  });
});
