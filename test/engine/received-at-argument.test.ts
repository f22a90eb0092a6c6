// `receivedAt` (when the subject's request reached the controller) as a caller may give it: a Date,
// epoch milliseconds, or ISO 8601 text starting with a full date. Anything else — a word, a
// locale's date, an out-of-range number — is INVALID_ARGUMENT naming the argument; so is a moment
// after now (a request is received before it is recorded).
import { describe, expect, it } from "vitest";
import { receivedAtArgument } from "../../src/engine/deadlines.js";

const NOW = Date.parse("2026-12-07T12:00:00.000Z");

describe("receivedAtArgument", () => {
  it("accepts a Date, epoch ms and ISO text, up to now", () => {
    expect(receivedAtArgument(undefined, NOW)).toBeUndefined();
    expect(receivedAtArgument(new Date("2026-12-01T08:00:00Z"), NOW)).toBe(
      Date.parse("2026-12-01T08:00:00Z"),
    );
    expect(receivedAtArgument(NOW - 1000, NOW)).toBe(NOW - 1000);
    expect(receivedAtArgument("2026-12-01", NOW)).toBe(Date.parse("2026-12-01"));
    expect(receivedAtArgument("2026-12-01T08:00:00+01:00", NOW)).toBe(Date.parse("2026-12-01T07:00:00Z"));
    expect(receivedAtArgument(NOW, NOW)).toBe(NOW);
    // The largest instant a Date can hold is a date too.
    expect(receivedAtArgument(8.64e15, Number.POSITIVE_INFINITY)).toBe(8.64e15);
  });

  it.each<[string, unknown]>([
    ["a word", "yesterday"],
    ["a locale's date", "01/12/2026"],
    ["text with a date inside", "on 2026-12-01"],
    ["a year and month only", "2026-12"],
    // JavaScript's Date.parse reads this as local midnight; the argument must say its day in full.
    ["a day of one digit", "2026-12-1"],
    ["a number past a Date's range", 8.64e15 + 1],
    ["NaN", Number.NaN],
    ["an invalid Date", new Date("nope")],
    ["a boolean", true],
  ])("refuses %s, naming the argument", (_label, value) => {
    expect(() => receivedAtArgument(value, NOW, "receivedAt")).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: "receivedAt must be a date (a Date, ISO 8601 text or epoch milliseconds)",
        details: { argument: "receivedAt" },
      }),
    );
  });

  it("refuses a moment after now, under the caller's name for the argument", () => {
    expect(() => receivedAtArgument(NOW + 1, NOW, "answeredAt")).toThrow(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        message: "answeredAt is in the future: a request is received before it is recorded",
        details: { argument: "answeredAt" },
      }),
    );
  });
});
