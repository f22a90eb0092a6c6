// holdSubject's options are checked before anything is recorded: a reason of 1 to 500 characters of
// text (blank is no reason), a reference shaped like a case number, a non-empty list of this fanout's
// adapters. Each refusal is INVALID_ARGUMENT naming the argument, never echoing the value given. What
// is kept: the reason trimmed, the reference as given (or null), the adapters once each, sorted.
import { describe, expect, it } from "vitest";
import { EMAIL, setup } from "./helpers.js";

const REASON = {
  code: "INVALID_ARGUMENT",
  message: "holdSubject needs a reason: text of 1 to 500 characters",
  details: { argument: "reason" },
};
const REFERENCE = {
  code: "INVALID_ARGUMENT",
  message: "reference must be a case or order number (letters, digits and -_./:#, no spaces, at most 100)",
  details: { argument: "reference" },
};
const EMPTY_ADAPTERS = {
  code: "INVALID_ARGUMENT",
  message: "adapters must be a non-empty list of adapter ids",
  details: { argument: "adapters" },
};
const UNKNOWN_ADAPTER = {
  code: "INVALID_ARGUMENT",
  message: "adapters names an adapter this fanout does not have",
  details: { argument: "adapters" },
};

describe("holdSubject options", () => {
  it.each([
    ["blank", "   "],
    ["501 characters", "x".repeat(501)],
    ["a control character", "court\norder"],
    ["a number", 42],
  ])("refuses a reason that is %s", async (_label, reason) => {
    const env = setup(["alpha"]);
    await expect(env.fanout.holdSubject({ email: EMAIL }, { reason: reason as never })).rejects.toMatchObject(
      REASON,
    );
    expect(await env.fanout.holds()).toEqual([]);
  });

  it("keeps a reason of exactly 500 characters, and a reason trimmed", async () => {
    const env = setup(["alpha"]);
    const long = await env.fanout.holdSubject({ email: EMAIL }, { reason: "y".repeat(500) });
    expect(long.reason).toBe("y".repeat(500));
    const padded = await env.fanout.holdSubject({ email: EMAIL }, { reason: "  court order  " });
    expect(padded).toMatchObject({ reason: "court order", reference: null, adapters: null });
  });

  it("refuses a reference that is not a case number, without repeating it", async () => {
    const env = setup(["alpha"]);
    for (const reference of ["officer.smith@police.test", "two words", 118]) {
      const error = await env.fanout
        .holdSubject({ email: EMAIL }, { reason: "police", reference: reference as never })
        .catch((e: unknown) => e);
      expect(error).toMatchObject(REFERENCE);
      expect((error as Error).message).not.toContain("officer");
    }
    expect(await env.fanout.holds()).toEqual([]);
  });

  it("refuses adapters that are not a non-empty list, or name an adapter it does not have", async () => {
    const env = setup(["alpha", "beta"]);
    const hold = (adapters: unknown) =>
      env.fanout.holdSubject({ email: EMAIL }, { reason: "dispute", adapters: adapters as never });
    await expect(hold([])).rejects.toMatchObject(EMPTY_ADAPTERS);
    await expect(hold("alpha")).rejects.toMatchObject(EMPTY_ADAPTERS);
    await expect(hold(["alpha", "nope"])).rejects.toMatchObject(UNKNOWN_ADAPTER);
    await expect(hold([7])).rejects.toMatchObject(UNKNOWN_ADAPTER);
    expect(await env.fanout.holds()).toEqual([]);
  });

  it("keeps each adapter once, sorted", async () => {
    const env = setup(["alpha", "beta", "gamma"]);
    const hold = await env.fanout.holdSubject(
      { email: EMAIL },
      { reason: "dispute", reference: "CASE-7", adapters: ["gamma", "alpha", "gamma"] },
    );
    expect(hold).toMatchObject({ reference: "CASE-7", adapters: ["alpha", "gamma"] });
    expect((await env.fanout.holds())[0]).toMatchObject({ adapters: ["alpha", "gamma"] });
  });
});
