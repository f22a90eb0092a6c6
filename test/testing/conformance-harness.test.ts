// The conformance harness's helpers, on their own: the limiter that keeps the kit under an
// adapter's declared budget, the wait for verification, the capture of failures, and the count of
// pages. A kit whose helpers lie (a limiter that lets everything through, a `settle` that returns
// while a job is pending) would certify adapters on the wrong evidence.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DeleteResult, StatusResult, SubprocessorAdapter } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import {
  createHarness,
  failure,
  maxRepeats,
  settle,
  windowLimiter,
} from "../../src/testing/conformance/harness.js";
import type { AdapterConformanceOptions } from "../../src/testing/conformance/options.js";
import { createOperationContext, type SimSubject, type Simulators } from "../../src/testing/index.js";
import { notebookSimulator } from "./example/notebook.js";

describe("windowLimiter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lets no more than the budget less one slot through per scaled window", async () => {
    const acquire = windowLimiter({ requests: 4, intervalMs: 10_000 }, 0.1); // 1 s windows, 3 slots
    const start = Date.now();
    const at: number[] = [];
    const all = Promise.all(
      Array.from({ length: 7 }, () => acquire().then(() => at.push(Date.now() - start))),
    );
    await vi.advanceTimersByTimeAsync(5_000);
    await all;
    expect(at).toEqual([0, 0, 0, 1001, 1001, 1001, 2002]);
  });

  it("keeps a slot for a budget of one", async () => {
    const acquire = windowLimiter({ requests: 1, intervalMs: 1000 }, 1);
    const start = Date.now();
    await acquire();
    const second = acquire();
    await vi.advanceTimersByTimeAsync(999);
    let done = false;
    void second.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    await second;
    expect(Date.now() - start).toBe(1001);
  });

  it("never waits for an adapter without a declared limit", async () => {
    const acquire = windowLimiter(undefined, 1);
    for (let i = 0; i < 1000; i++) await acquire();
  });
});

describe("settle", () => {
  const ctx = createOperationContext({ subject: { email: "settle@example.test" } });
  const deletion: DeleteResult = { outcome: "erased", deleted: 1 };
  const adapterAnswering = (answers: StatusResult[]) => {
    let calls = 0;
    const adapter = {
      status: async () => {
        const answer = answers[Math.min(calls, answers.length - 1)]!;
        calls += 1;
        return answer;
      },
    } as unknown as SubprocessorAdapter;
    return { adapter, calls: () => calls };
  };

  it("polls while the status is pending and returns the first other answer", async () => {
    const { adapter, calls } = adapterAnswering([
      { state: "pending", remaining: 0 },
      { state: "pending", remaining: 0 },
      { state: "remaining", remaining: 2 },
      { state: "done", remaining: 0 },
    ]);
    expect(await settle(adapter, [], deletion, ctx, 10_000)).toEqual({ state: "remaining", remaining: 2 });
    expect(calls()).toBe(3);
  });

  it("returns the pending answer once the timeout has passed", async () => {
    const { adapter, calls } = adapterAnswering([{ state: "pending", remaining: 0 }]);
    const started = Date.now();
    expect((await settle(adapter, [], deletion, ctx, 100)).state).toBe("pending");
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(calls()).toBeGreaterThan(1);
  });
});

describe("failure", () => {
  it("returns the FanoutError a promise rejects with", async () => {
    const error = new FanoutError("VALIDATION", "bad");
    expect(await failure(Promise.reject(error))).toBe(error);
  });

  it("fails when the promise resolves", async () => {
    await expect(failure(Promise.resolve(1))).rejects.toThrow("expected the operation to fail, it succeeded");
  });

  it("fails, naming it, when the promise rejects with something else", async () => {
    await expect(failure(Promise.reject(new TypeError("boom")))).rejects.toThrow(
      "expected a FanoutError, got TypeError: boom",
    );
    await expect(failure(Promise.reject("text"))).rejects.toThrow("expected a FanoutError, got text");
  });
});

describe("maxRepeats", () => {
  it("counts the calls of the most repeated method and path", () => {
    expect(maxRepeats([])).toBe(0);
    const calls = [
      { method: "GET", path: "/a" },
      { method: "GET", path: "/b" },
      { method: "GET", path: "/a" },
      { method: "POST", path: "/a" },
      { method: "GET", path: "/a" },
    ];
    expect(maxRepeats(calls)).toBe(3);
  });
});

describe("windowLimiter, at the window's edges", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("frees a slot exactly one window after it was taken", async () => {
    const acquire = windowLimiter({ requests: 2, intervalMs: 1000 }, 1); // one slot per second
    await acquire();
    await vi.advanceTimersByTimeAsync(1000);
    let done = false;
    void acquire().then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
  });

  it("waits until the oldest slot frees, not a whole window from the request", async () => {
    const acquire = windowLimiter({ requests: 2, intervalMs: 1000 }, 1);
    const start = Date.now();
    await acquire();
    await vi.advanceTimersByTimeAsync(600);
    const at: number[] = [];
    void acquire().then(() => at.push(Date.now() - start));
    await vi.advanceTimersByTimeAsync(2000);
    // Let through when the first slot freed (1 s after it was taken, plus the margin of 1 ms).
    expect(at).toEqual([1001]);
  });
});

describe("createHarness", () => {
  const factory = notebookSimulator;
  /** A harness over a fake run: seeding records what it was asked; the adapter's options given. */
  function harness(
    options: Partial<AdapterConformanceOptions> = {},
    adapterOptions: Record<string, unknown> = {},
  ) {
    const h = createHarness("http", factory, { simulator: factory, ...options });
    const seeds: { subject: SimSubject; records: number }[] = [];
    h.sims = {
      async seedSubject(subject: SimSubject, o: { records: number }) {
        seeds.push({ subject, records: o.records });
        return { notebook: ["n1", "n2"] };
      },
      options: { notebook: adapterOptions },
    } as unknown as Simulators;
    h.adapter = { id: "notebook", rateLimit: { requests: 100, intervalMs: 1000 } } as SubprocessorAdapter;
    return { h, seeds };
  }

  it("seeds three pages of records by default, else the number asked", async () => {
    expect(harness().h.records).toBe(5);
    expect(harness({ pageSize: 3 }).h.records).toBe(7);
    expect(harness({ records: 4, pageSize: 3 }).h.records).toBe(4);
    const { h, seeds } = harness({ pageSize: 3 });
    expect(await h.seeded()).toEqual({
      subject: { email: "conformance-http-1@example.test", name: "Conformance Person1" },
      ids: ["n1", "n2"],
    });
    expect(seeds[0]?.records).toBe(7);
    await h.seededWithPhone();
    expect(seeds[1]?.records).toBe(7);
  });

  it("gives a fresh subject each time, from options.subject when given", async () => {
    const { h } = harness();
    expect(h.unknown()).toEqual({ email: "conformance-http-1@example.test", name: "Conformance Person1" });
    expect(h.unknown().email).toBe("conformance-http-2@example.test");
    const own = harness({ subject: (n, transport) => ({ email: `own-${transport}-${n}@example.test` }) }).h;
    expect(own.unknown()).toEqual({ email: "own-http-1@example.test" });
    expect(own.unknown()).toEqual({ email: "own-http-2@example.test" });
  });

  it("gives a subject with a phone a number of its own (or keeps the one it has)", async () => {
    const { h } = harness();
    expect((await h.seededWithPhone()).subject.phone).toBe("+44 20 7946 0001");
    expect((await h.seededWithPhone()).subject.phone).toBe("+44 20 7946 0002");
    const own = harness({ subject: (n) => ({ email: `p${n}@example.test`, phone: "+44 20 7946 0999" }) }).h;
    const { subject, ids } = await own.seededWithPhone();
    expect(subject).toEqual({ email: "p1@example.test", phone: "+44 20 7946 0999" });
    expect(ids).toEqual(["n1", "n2"]);
  });

  it("builds contexts as the engine would: email and name, or the phone alone; ids under the adapter's id", () => {
    const { h } = harness();
    const person = { email: "ctx@example.test", name: "Ctx Person", phone: "+44 20 7946 0123" };
    expect(h.context(person).subject).toMatchObject({
      email: "ctx@example.test",
      name: "Ctx Person",
      phone: "+442079460123",
      ids: {},
    });
    const phoneOnly = h.context(person, { phoneOnly: true }).subject;
    expect(phoneOnly.email).toBeUndefined();
    expect(phoneOnly.name).toBeUndefined();
    expect(phoneOnly.phone).toBe("+442079460123");
    expect(h.context({ email: "x@example.test" }).subject).toEqual({ email: "x@example.test", ids: {} });
    expect(h.context(person, { ids: ["a", "b"] }).subject.ids).toEqual({ notebook: ["a", "b"] });
    expect(h.context(person, { ids: [] }).subject.ids).toEqual({});
    const signal = new AbortController().signal;
    const retry = h.context(person, { requestId: "req_1", attempt: 2, signal });
    expect([retry.requestId, retry.attempt, retry.signal]).toEqual(["req_1", 2, signal]);
    const fresh = h.context(person);
    expect(fresh.attempt).toBe(1);
    expect(fresh.requestId).not.toBe("req_1");
  });

  it("builds integration-scope contexts for a caller known by number and/or ids", () => {
    const { h } = harness();
    const ctx = h.callerContext({ phone: "+44 20 7946 0155", name: "Caller" });
    expect(ctx.scope).toBe("integration");
    expect(ctx.subject).toEqual({ phone: "+442079460155", ids: {} });
    const byIds = h.callerContext(undefined, { ids: ["call:1"], requestId: "req_2", attempt: 2 });
    expect(byIds.subject).toEqual({ ids: { notebook: ["call:1"] } });
    expect([byIds.requestId, byIds.attempt]).toEqual(["req_2", 2]);
    expect(() => h.callerContext(undefined, { ids: [] })).toThrow(/needs at least one identifier/);
    expect(h.callerContext(undefined, { ids: ["call:2"] }).attempt).toBe(1);
  });

  it("shares one rate limiter among all the contexts of a run", () => {
    const { h } = harness();
    const limiter = h.context({ email: "a@example.test" }).rateLimit;
    expect(h.context({ email: "b@example.test" }).rateLimit).toBe(limiter);
    expect(h.callerContext({ phone: "+44 20 7946 0100" }).rateLimit).toBe(limiter);
    const other = harness().h;
    const first = other.callerContext(undefined, { ids: ["call:3"] }).rateLimit;
    expect(other.context({ email: "c@example.test" }).rateLimit).toBe(first);
  });

  it("counts as secrets the adapter's option values that look like credentials", () => {
    const { h } = harness(
      {},
      {
        token: "nb_secret_token_0123456789",
        apiKey: "12345678",
        short: "1234567",
        baseUrl: "http://127.0.0.1:9",
        apiHost: "api.example.test",
        region: "eu-central-1",
        domain: "example.test.long",
        apiVersion: "2024-01-01",
        endpoint: "https://api.example.test",
        endpoint2: "HTTP://api.example.test/x",
        callback: "http://hooks.example.test/x",
        pageSize: 123456789,
      },
    );
    expect(h.secrets()).toEqual(["nb_secret_token_0123456789", "12345678", "HTTP://api.example.test/x"]);
  });
});
