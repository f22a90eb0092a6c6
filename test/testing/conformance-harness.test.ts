// The conformance harness's helpers, on their own: the limiter that keeps the kit under an
// adapter's declared budget, the wait for verification, the capture of failures, and the count of
// pages. A kit whose helpers lie (a limiter that lets everything through, a `settle` that returns
// while a job is pending) would certify adapters on the wrong evidence.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DeleteResult, StatusResult, SubprocessorAdapter } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { failure, maxRepeats, settle, windowLimiter } from "../../src/testing/conformance/harness.js";
import { createOperationContext } from "../../src/testing/index.js";

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
