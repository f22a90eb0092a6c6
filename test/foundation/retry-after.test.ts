import { describe, expect, it } from "vitest";
import { parseRateLimitReset, parseRetryAfter } from "../../src/index.js";

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-28T12:00:00Z");
  it.each([
    ["120", 120_000],
    ["0", 0],
    ["1.5", 1500],
    [" 30 ", 30_000],
    ["Sat, 28 Nov 2026 12:00:45 GMT", 45_000],
    ["Sat, 28 Nov 2026 11:59:00 GMT", 0],
  ])("reads %j as %i ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
  it.each([[undefined], [null], [""], ["soon"], ["-5"], ["12abc"], ["99999999999999999999x"]])(
    "ignores %j",
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );
});

describe("parseRateLimitReset", () => {
  const now = Date.parse("2026-11-28T12:00:00Z");
  it("reads epoch seconds and relative seconds", () => {
    expect(parseRateLimitReset(String(now / 1000 + 90), now)).toBe(90_000);
    expect(parseRateLimitReset("2", now)).toBe(2000);
    expect(parseRateLimitReset("x", now)).toBeUndefined();
  });
});
