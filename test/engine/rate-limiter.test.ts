import { describe, expect, it } from "vitest";
import { boundedWindow, localRateLimiter } from "../../src/engine/rate-limiter.js";

describe("localRateLimiter", () => {
  it("lets a burst up to the budget pass, then never exceeds it in any window", async () => {
    let t = 0;
    const limiter = localRateLimiter(() => t);
    const spec = { requests: 5, intervalMs: 1000 };
    const signal = new AbortController().signal;
    const grants: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limiter.acquire("k", spec, signal);
      grants.push(t);
    }
    expect(grants).toEqual([0, 0, 0, 0, 0]);
    // The sixth must wait for the first grant to leave the window (1000 ms of real sleep is avoided
    // by moving the fake clock: the limiter only sleeps for the difference).
    t = 1000;
    await limiter.acquire("k", spec, signal);
    grants.push(t);
    for (let i = 0; i < grants.length; i++) {
      const inWindow = grants.filter((g) => g >= grants[i]! && g < grants[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(5);
    }
  });

  it("spaces a long queue so that no window holds more than the budget", async () => {
    const limiter = localRateLimiter();
    const spec = { requests: 4, intervalMs: 200 };
    const signal = new AbortController().signal;
    const start = Date.now();
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, () =>
        limiter.acquire("k", spec, signal).then(() => at.push(Date.now() - start)),
      ),
    );
    at.sort((a, b) => a - b);
    for (const a of at) expect(at.filter((b) => b >= a && b < a + 195).length).toBeLessThanOrEqual(4);
    expect(at.at(-1)).toBeGreaterThanOrEqual(390);
  });

  it("pauses every request of a key after a Retry-After", async () => {
    let t = 0;
    const limiter = localRateLimiter(() => t);
    limiter.penalize("k", 50);
    const started = Date.now();
    await limiter.acquire("k", { requests: 100, intervalMs: 1000 }, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    t = 0;
  });

  it("bounds long budgets to a small log at the same rate", () => {
    expect(boundedWindow({ requests: 50_000, intervalMs: 86_400_000 })).toEqual({
      requests: 1000,
      intervalMs: 1_728_000,
    });
    expect(boundedWindow({ requests: 25, intervalMs: 1000 })).toEqual({ requests: 25, intervalMs: 1000 });
  });
});

describe("acquireBudgets", () => {
  it("holds an endpoint to the adapter's budget and to its own", async () => {
    const { acquireBudgets } = await import("../../src/engine/rate-limiter.js");
    const seen: string[] = [];
    const limiter = {
      async acquire(key: string, spec: { requests: number; intervalMs: number }) {
        seen.push(`${key} ${spec.requests}/${spec.intervalMs}`);
      },
      penalize() {},
    };
    const signal = new AbortController().signal;
    await acquireBudgets(
      limiter,
      "pipedrive",
      { requests: 20, intervalMs: 2000 },
      { key: "search", requests: 10, intervalMs: 2000 },
      signal,
    );
    await acquireBudgets(limiter, "pipedrive", { requests: 20, intervalMs: 2000 }, undefined, signal);
    await acquireBudgets(limiter, "mine", undefined, undefined, signal);
    expect(seen).toEqual(["pipedrive 20/2000", "pipedrive:search 10/2000", "pipedrive 20/2000"]);
  });
});
