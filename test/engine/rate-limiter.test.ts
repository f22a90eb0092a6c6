import { describe, expect, it } from "vitest";
import { boundedWindow, localRateLimiter } from "../../src/engine/rate-limiter.js";

describe("localRateLimiter", () => {
  it("lets a burst up to the budget pass, then never exceeds it in any window", async () => {
    let t = 0;
    const limiter = localRateLimiter(() => t, { marginMs: 0 });
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

  it("keeps the budget on actual release times when the event loop stalls", async () => {
    // Slots computed in advance drift from the moments requests really leave when a timer fires
    // late: the next window's requests then follow the late ones too closely.
    const limiter = localRateLimiter(Date.now, { marginMs: 0 });
    const spec = { requests: 3, intervalMs: 300 };
    const signal = new AbortController().signal;
    const start = Date.now();
    const stall = setTimeout(() => {
      const until = Date.now() + 150;
      while (Date.now() < until) {
        // The event loop is blocked from ~250 ms to ~400 ms: the second window's timers fire late.
      }
    }, 250);
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 9 }, () =>
        limiter.acquire("k", spec, signal).then(() => at.push(Date.now() - start)),
      ),
    );
    clearTimeout(stall);
    at.sort((a, b) => a - b);
    expect(at[3]).toBeGreaterThanOrEqual(390); // the stall did delay the second window
    for (const a of at)
      expect(at.filter((b) => b >= a && b < a + 300).length, at.join(",")).toBeLessThanOrEqual(3);
  });

  it("lets a day-long budget go in a burst beyond a thousand grants", async () => {
    const limiter = localRateLimiter(() => 0);
    const spec = { requests: 50_000, intervalMs: 86_400_000 };
    const signal = new AbortController().signal;
    for (let i = 0; i < 5_000; i++) await limiter.acquire("zoho", spec, signal);
    // The 5,001st is still within the day's budget: granted at once, on the frozen clock.
    await limiter.acquire("zoho", spec, signal);
  });

  it("spaces requests evenly after a burst when asked to", async () => {
    let t = 0;
    const limiter = localRateLimiter(() => t, { burst: 2, marginMs: 0 });
    const spec = { requests: 10, intervalMs: 1000 };
    const signal = new AbortController().signal;
    await limiter.acquire("k", spec, signal);
    await limiter.acquire("k", spec, signal);
    let third = false;
    const pending = limiter.acquire("k", spec, signal).then(() => {
      third = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBe(false); // the budget has room, but the spacing (100 ms) holds it back
    t = 200;
    await pending;
  });

  it("pauses every request of a key after a Retry-After", async () => {
    const limiter = localRateLimiter();
    limiter.penalize("k", 50);
    const started = Date.now();
    await limiter.acquire("k", { requests: 100, intervalMs: 1000 }, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
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
