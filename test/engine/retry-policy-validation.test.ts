// Retry policies: what a policy input may say (each refusal names the field that is wrong), how a
// layer keeps what it does not set, and the delays and attempt budget a validated policy gives.
import { describe, expect, it } from "vitest";
import {
  attemptsRemain,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  resolveRetryPolicy,
} from "../../src/engine/retry-policy.js";
import { createFanout, memoryStore } from "../../src/index.js";
import { FakeProvider } from "./fake-provider.js";
import { SECRET } from "./helpers.js";

/** The error `resolveRetryPolicy(input)` throws, as code, argument and message. */
function refusal(input: unknown, base?: RetryPolicy, name?: string) {
  try {
    resolveRetryPolicy(input, base, name);
  } catch (error) {
    const e = error as { code?: string; details?: { argument?: string }; message: string };
    return { code: e.code, argument: e.details?.argument, message: e.message };
  }
  return expect.unreachable(`${JSON.stringify(input)} was accepted`);
}

const policy = (over: Partial<RetryPolicy> = {}): RetryPolicy => ({ ...DEFAULT_RETRY_POLICY, ...over });

describe("a retry policy input", () => {
  it("keeps the base when there is no input, and each field it does not set", () => {
    const base = policy({ initialInterval: 250, maximumInterval: 9000, nonRetryableErrorCodes: ["X"] });
    expect(resolveRetryPolicy(undefined, base)).toBe(base);
    expect(resolveRetryPolicy({}, base)).toEqual(base);
    expect(resolveRetryPolicy({ backoffCoefficient: 3 }, base)).toEqual({ ...base, backoffCoefficient: 3 });
  });

  it("sets each field it names (durations as text or milliseconds)", () => {
    const resolved = resolveRetryPolicy({
      initialInterval: "2s",
      backoffCoefficient: 1.5,
      maximumInterval: 60_000,
      maximumAttempts: 3,
      nonRetryableErrorCodes: ["PERMISSION_DENIED", "NOT_FOUND"],
    });
    expect(resolved).toEqual({
      initialInterval: 2000,
      backoffCoefficient: 1.5,
      maximumInterval: 60_000,
      maximumAttempts: 3,
      nonRetryableErrorCodes: ["PERMISSION_DENIED", "NOT_FOUND"],
    });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.nonRetryableErrorCodes)).toBe(true);
  });

  it("copies the list of error codes: a later change to the caller's array does not reach the policy", () => {
    const codes = ["PERMISSION_DENIED"];
    const resolved = resolveRetryPolicy({ nonRetryableErrorCodes: codes });
    codes.push("NOT_FOUND");
    expect(resolved.nonRetryableErrorCodes).toEqual(["PERMISSION_DENIED"]);
  });

  it("must be an object: text, null and arrays are refused as a whole", () => {
    for (const bad of ["1s", 5, null, [], [{ maximumAttempts: 1 }]]) {
      expect(refusal(bad, undefined, "retry.perAdapter.crm")).toEqual({
        code: "INVALID_ARGUMENT",
        argument: "retry.perAdapter.crm",
        message: "retry.perAdapter.crm must be an object",
      });
    }
  });

  it("names an unknown field, under the default name `retry` when none is given", () => {
    expect(refusal({ maximumAttempts: 2, maxAttempts: 3 })).toEqual({
      code: "INVALID_ARGUMENT",
      argument: "retry.maxAttempts",
      message: "retry.maxAttempts is not a retry policy field",
    });
  });

  it("refuses a bad duration, naming the interval", () => {
    expect(refusal({ initialInterval: "soon" }, undefined, "crm.retry")).toMatchObject({
      code: "INVALID_ARGUMENT",
      argument: "crm.retry.initialInterval",
      message: expect.stringMatching(/^crm\.retry\.initialInterval /),
    });
    expect(refusal({ maximumInterval: "later" }, undefined, "crm.retry")).toMatchObject({
      code: "INVALID_ARGUMENT",
      argument: "crm.retry.maximumInterval",
      message: expect.stringMatching(/^crm\.retry\.maximumInterval /),
    });
  });

  it("takes a backoff coefficient from 1 to 100, and nothing else", () => {
    expect(resolveRetryPolicy({ backoffCoefficient: 1 }).backoffCoefficient).toBe(1);
    expect(resolveRetryPolicy({ backoffCoefficient: 100 }).backoffCoefficient).toBe(100);
    for (const bad of [0.99, 100.5, 0, -2, Number.NaN, "2", true]) {
      expect(refusal({ backoffCoefficient: bad })).toEqual({
        code: "INVALID_ARGUMENT",
        argument: "retry.backoffCoefficient",
        message: "retry.backoffCoefficient must be a number from 1 to 100",
      });
    }
  });

  it("takes a whole number of attempts, 0 meaning unlimited", () => {
    expect(resolveRetryPolicy({ maximumAttempts: 0 }).maximumAttempts).toBe(0);
    expect(resolveRetryPolicy({ maximumAttempts: 1 }).maximumAttempts).toBe(1);
    for (const bad of [-1, 2.5, "3", Number.POSITIVE_INFINITY]) {
      expect(refusal({ maximumAttempts: bad })).toEqual({
        code: "INVALID_ARGUMENT",
        argument: "retry.maximumAttempts",
        message: "retry.maximumAttempts must be a whole number >= 0",
      });
    }
  });

  it("takes a first interval of at least 1 ms", () => {
    expect(resolveRetryPolicy({ initialInterval: 1 }).initialInterval).toBe(1);
    expect(refusal({ initialInterval: 0 })).toEqual({
      code: "INVALID_ARGUMENT",
      argument: "retry.initialInterval",
      message: "retry.initialInterval must be at least 1 ms",
    });
  });

  it("takes a maximum interval no shorter than the first one (equal is fine)", () => {
    expect(resolveRetryPolicy({ initialInterval: 500, maximumInterval: 500 })).toMatchObject({
      initialInterval: 500,
      maximumInterval: 500,
    });
    // Checked against the base's first interval when the input sets only the maximum.
    expect(refusal({ maximumInterval: 499 }, policy({ initialInterval: 500 }))).toEqual({
      code: "INVALID_ARGUMENT",
      argument: "retry.maximumInterval",
      message: "retry.maximumInterval must not be below initialInterval",
    });
  });

  it("takes a list of error codes as text only", () => {
    expect(
      resolveRetryPolicy({ nonRetryableErrorCodes: [] }, policy({ nonRetryableErrorCodes: ["X"] })),
    ).toEqual(policy({ nonRetryableErrorCodes: [] }));
    for (const bad of ["PERMISSION_DENIED", ["PERMISSION_DENIED", 403], [null], { 0: "X" }]) {
      expect(refusal({ nonRetryableErrorCodes: bad })).toEqual({
        code: "INVALID_ARGUMENT",
        argument: "retry.nonRetryableErrorCodes",
        message: "retry.nonRetryableErrorCodes must be a list of error codes",
      });
    }
  });

  it("createFanout refuses an adapter's bad policy under the adapter's name", () => {
    const adapter = { ...new FakeProvider("crm").adapter(), retry: { maximumAttempts: -1 } };
    expect(() => createFanout({ adapters: [adapter], store: memoryStore(), secret: SECRET })).toThrowError(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        details: { argument: "crm.retry.maximumAttempts" },
      }),
    );
  });
});

describe("backoff delays", () => {
  const p = policy({ initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 10_000 });
  const fixed = (r: number) => () => r;

  it("grow by the coefficient from the first interval, half fixed and half random", () => {
    // Without jitter (random 0) the delay is half the interval; with the most (random → 1), all of it.
    expect(backoffDelay(p, 1, fixed(0))).toBe(500);
    expect(backoffDelay(p, 1, fixed(1))).toBe(1000);
    expect(backoffDelay(p, 2, fixed(0))).toBe(1000);
    expect(backoffDelay(p, 3, fixed(0))).toBe(2000);
    expect(backoffDelay(p, 3, fixed(0.5))).toBe(3000);
    expect(backoffDelay(p, 4, fixed(1))).toBe(8000);
  });

  it("stop growing at the maximum interval", () => {
    expect(backoffDelay(p, 5, fixed(1))).toBe(10_000);
    expect(backoffDelay(p, 40, fixed(0))).toBe(5000);
  });

  it("treat an attempt number below 1 as the first attempt", () => {
    expect(backoffDelay(p, 0, fixed(0))).toBe(500);
    expect(backoffDelay(p, -3, fixed(1))).toBe(1000);
  });

  it("wait at least the provider's Retry-After, and no longer when the backoff is longer", () => {
    expect(backoffDelay(p, 1, fixed(0), 7000)).toBe(7000);
    expect(backoffDelay(p, 4, fixed(1), 7000)).toBe(8000);
    expect(backoffDelay(p, 1, fixed(0), 0)).toBe(500);
  });

  it("are whole milliseconds", () => {
    const odd = policy({ initialInterval: 3, backoffCoefficient: 1.5, maximumInterval: 1000 });
    expect(backoffDelay(odd, 2, fixed(0))).toBe(2); // 4.5 / 2 = 2.25
    expect(backoffDelay(odd, 2, fixed(0.5))).toBe(3); // 2.25 + 1.125 = 3.375
    expect(backoffDelay(p, 1, fixed(0), 1234.6)).toBe(1235);
  });
});

describe("the attempt budget", () => {
  it("allows attempts up to the maximum, then none", () => {
    const three = policy({ maximumAttempts: 3 });
    expect(attemptsRemain(three, 1)).toBe(true);
    expect(attemptsRemain(three, 2)).toBe(true);
    expect(attemptsRemain(three, 3)).toBe(false);
    expect(attemptsRemain(three, 4)).toBe(false);
  });

  it("never runs out with a maximum of 0", () => {
    const unlimited = policy({ maximumAttempts: 0 });
    expect(attemptsRemain(unlimited, 1)).toBe(true);
    expect(attemptsRemain(unlimited, 10_000)).toBe(true);
  });
});

describe("the default policy", () => {
  it("starts at 1 s, doubles, caps at 1 h and gives up after 12 attempts", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({
      initialInterval: 1000,
      backoffCoefficient: 2,
      maximumInterval: 3_600_000,
      maximumAttempts: 12,
      nonRetryableErrorCodes: [],
    });
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY.nonRetryableErrorCodes)).toBe(true);
  });
});
