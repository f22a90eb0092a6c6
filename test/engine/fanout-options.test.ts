// createFanout's options and per-call flags are checked at the call, with typed errors that name the
// option (never echo its value): minimum durations, true/false flags, the `on` handler map. Handlers
// that fail are logged by event and error code; handlers that return normally are not. Request ids
// carry their creation time in a fixed-width prefix.
import { describe, expect, it } from "vitest";
import { createFanout, FanoutError, type FanoutOptions, memoryStore } from "../../src/index.js";
import { FakeProvider, fakeClock } from "./fake-provider.js";
import { EMAIL, SECRET } from "./helpers.js";

function options(extra: Partial<FanoutOptions> = {}): FanoutOptions {
  const provider = new FakeProvider("alpha");
  provider.seed(EMAIL, 1);
  return { adapters: [provider.adapter()], store: memoryStore(), secret: SECRET, ...extra };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("createFanout option checks", () => {
  it("refuses a lease under 100 ms and a poll interval under 1 ms, naming the option", () => {
    expect(thrown(() => createFanout(options({ lease: 99 })))).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "lease must be at least 100 ms",
      details: { argument: "lease" },
    });
    expect(thrown(() => createFanout(options({ pollInterval: "0ms" })))).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "pollInterval must be at least 1 ms",
      details: { argument: "pollInterval" },
    });
    expect(() => createFanout(options({ lease: 100, pollInterval: 1 }))).not.toThrow();
  });

  it.each([
    ["null", null],
    ["a list", [() => {}]],
    ["a string", "request.completed"],
  ])("refuses `on` given as %s", (_label, on) => {
    expect(thrown(() => createFanout(options({ on: on as never })))).toMatchObject({
      code: "CONFIGURATION",
      message: "createFanout: on must map event names to functions",
      details: { option: "on" },
    });
  });

  it("refuses an `on` entry that is not a function, quoting at most 60 characters of its name", () => {
    const name = `request.completed${"x".repeat(200)}`;
    const error = thrown(() => createFanout(options({ on: { [name]: "page me" } as never }))) as FanoutError;
    expect(error).toMatchObject({ code: "CONFIGURATION", details: { option: "on" } });
    expect(error.message).toBe(`createFanout: on["${name.slice(0, 60)}"] must be a function`);
  });
});

describe("per-call flags", () => {
  it("refuses a list filter `overdue` that is not true or false, naming it", async () => {
    const fanout = createFanout(options());
    await expect(fanout.list({ overdue: "yes" as never })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "overdue must be true or false",
      details: { argument: "overdue" },
    });
    await expect(fanout.list({ overdue: false })).resolves.toMatchObject({ items: [] });
  });
});

describe("`on` handlers", () => {
  it("logs a handler that throws by event and code; one that returns a value is not an error", async () => {
    const errors: { obj: unknown; msg: unknown }[] = [];
    const seen: string[] = [];
    const fanout = createFanout(
      options({
        logger: {
          debug() {},
          info() {},
          warn() {},
          error: (obj: unknown, msg?: unknown) => errors.push({ obj, msg }),
        },
        on: {
          "request.created": () => {
            seen.push("created");
            return 1; // not a promise: nothing to wait for, nothing failed
          },
          "request.completed": () => {
            throw new Error(`pager down for ${EMAIL}`);
          },
          "request.state": () => {
            throw new FanoutError("RATE_LIMITED", "pager: 429", { retryable: true });
          },
        },
      }),
    );
    await fanout.erase({ email: EMAIL });
    await fanout.drain();
    expect(seen).toEqual(["created"]);
    expect(errors).toContainEqual({
      obj: { event: "request.completed", code: "HANDLER" },
      msg: "an `on` handler failed",
    });
    expect(errors).toContainEqual({
      obj: { event: "request.state", code: "RATE_LIMITED" },
      msg: "an `on` handler failed",
    });
    expect(errors.filter((e) => (e.obj as { event: string }).event === "request.created")).toEqual([]);
    expect(JSON.stringify(errors)).not.toContain(EMAIL);
  });
});

describe("request ids", () => {
  it("start with the creation time in nine base-36 digits, zero-padded, then 16 random hex digits", async () => {
    const clock = fakeClock(); // 2026: eight base-36 digits
    const fanout = createFanout(options({ now: clock.now }));
    const { id } = await fanout.erase({ email: EMAIL }, { after: "30d" });
    expect(id).toMatch(/^req_[0-9a-z]{9}[0-9a-f]{16}$/);
    expect(id.slice(4, 13)).toBe(clock.now().toString(36).padStart(9, "0"));
    expect(id.slice(4, 5)).toBe("0");
  });
});
