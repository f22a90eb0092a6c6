import { describe, expect, it } from "vitest";
import {
  ConfigurationError,
  FanoutError,
  fingerprintSubject,
  normalizeSubject,
  parseDuration,
  scrubText,
} from "../../src/index.js";

describe("FanoutError", () => {
  it("scrubs credentials and identifiers from message, cause and JSON", () => {
    const cause = Object.assign(
      new Error("auth Bearer abcdef123456 failed for jane@acme.test, call +44 20 7946 0000"),
      {
        code: "E_AUTH",
      },
    );
    const error = new FanoutError("AUTHENTICATION", "sk_test_abcdefgh12345 rejected for jane@acme.test", {
      provider: "stripe",
      cause,
    });
    const all = `${error.message} ${JSON.stringify(error)}`;
    for (const secret of ["abcdef123456", "jane@acme.test", "7946", "sk_test_abcdefgh12345"])
      expect(all).not.toContain(secret);
    expect(error.cause).toMatchObject({ name: "Error", code: "E_AUTH" });
    expect(error.retryable).toBe(false);
    expect(error.docs).toContain("#authentication");
  });

  it("names the missing option in a ConfigurationError", () => {
    const error = new ConfigurationError("stripeAdapter: apiKey is required", { option: "apiKey" });
    expect(error.code).toBe("CONFIGURATION");
    expect(error.details).toEqual({ option: "apiKey" });
  });

  it("keeps ordinary text, dates and ids", () => {
    expect(scrubText("request req_123 failed on 2026-11-28 after 3 attempts")).toBe(
      "request req_123 failed on 2026-11-28 after 3 attempts",
    );
    expect(scrubText("api_token=abc123xyz&x=1")).toBe("api_token=[redacted]&x=1");
  });
});

describe("fingerprints", () => {
  it("are keyed, stable per person and free of the identifier", () => {
    const a = fingerprintSubject(normalizeSubject({ email: "Jane@Acme.test" }), "k1");
    const b = fingerprintSubject(
      normalizeSubject({ email: "jane@acme.test", ids: { stripe: "cus_1" } }),
      "k1",
    );
    const c = fingerprintSubject(normalizeSubject({ email: "jane@acme.test" }), "k2");
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^sub_[0-9a-f]{32}$/);
    expect(a).not.toContain("jane");
  });
});

describe("parseDuration", () => {
  it.each([
    ["90d", 90 * 86_400_000],
    ["14d", 14 * 86_400_000],
    ["1d12h", 36 * 3_600_000],
    ["500ms", 500],
    ["P14D", 14 * 86_400_000],
    ["PT1H30M", 90 * 60_000],
    [0, 0],
    ["2500", 2500],
  ])("parses %j", (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });
  it.each([["-1d"], [-5], ["ninety days"], ["P"], [Number.NaN], ["99999d"], [{}], [null], ["10x"]])(
    "rejects %j",
    (value) => {
      expect(() => parseDuration(value, "after")).toThrowError(
        expect.objectContaining({ code: "INVALID_ARGUMENT" }),
      );
    },
  );
});
