import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { boundedWindow, localRateLimiter } from "../../src/engine/rate-limiter.js";

describe("localRateLimiter", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lets a burst up to the budget pass, then holds the sixth back until the first leaves the window", async () => {
    // An injected clock (vitest's fake timers move Date and setTimeout together): no real sleep, and
    // nothing a loaded machine can shift.
    const limiter = localRateLimiter(() => Date.now(), { marginMs: 0 });
    const spec = { requests: 5, intervalMs: 1000 };
    const signal = new AbortController().signal;
    const start = Date.now();
    for (let i = 0; i < 5; i++) await limiter.acquire("k", spec, signal);
    expect(Date.now()).toBe(start); // the whole budget at once
    let sixth = false;
    const pending = limiter.acquire("k", spec, signal).then(() => {
      sixth = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(sixth, "the sixth acquire is held back inside the window").toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    await pending;
    expect(sixth).toBe(true);
    expect(Date.now() - start).toBeLessThanOrEqual(1001);
  });

  it("spaces a long queue so that no window holds more than the budget", async () => {
    const limiter = localRateLimiter(() => Date.now());
    const spec = { requests: 4, intervalMs: 200 };
    const signal = new AbortController().signal;
    const start = Date.now();
    const at: number[] = [];
    const all = Promise.all(
      Array.from({ length: 10 }, () =>
        limiter.acquire("k", spec, signal).then(() => at.push(Date.now() - start)),
      ),
    );
    await vi.advanceTimersByTimeAsync(2_000);
    await all;
    expect(at).toHaveLength(10);
    for (const a of at) expect(at.filter((b) => b >= a && b < a + 200).length).toBeLessThanOrEqual(4);
    expect(at.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(at.at(-1)).toBeGreaterThanOrEqual(400);
  });

  it("keeps the budget on actual release times when the event loop stalls", async () => {
    // Slots computed in advance drift from the moments requests really leave when a timer fires
    // late: the next window's requests then follow the late ones too closely.
    const limiter = localRateLimiter(() => Date.now(), { marginMs: 0 });
    const spec = { requests: 3, intervalMs: 300 };
    const signal = new AbortController().signal;
    const start = Date.now();
    const at: number[] = [];
    const all = Promise.all(
      Array.from({ length: 9 }, () =>
        limiter.acquire("k", spec, signal).then(() => at.push(Date.now() - start)),
      ),
    );
    await vi.advanceTimersByTimeAsync(250);
    // A stall: the clock jumps 150 ms while no timer runs, so the second window's timer fires late.
    vi.setSystemTime(Date.now() + 150);
    await vi.advanceTimersByTimeAsync(2_000);
    await all;
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
    const limiter = localRateLimiter(() => Date.now(), { burst: 2, marginMs: 0 });
    const spec = { requests: 10, intervalMs: 1000 };
    const signal = new AbortController().signal;
    await limiter.acquire("k", spec, signal);
    await limiter.acquire("k", spec, signal);
    let third = false;
    const pending = limiter.acquire("k", spec, signal).then(() => {
      third = true;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(third).toBe(false); // the budget has room, but the spacing (100 ms) holds it back
    await vi.advanceTimersByTimeAsync(200);
    await pending;
    expect(third).toBe(true);
  });

  it("pauses every request of a key after a Retry-After, and only that key", async () => {
    const limiter = localRateLimiter(() => Date.now());
    const spec = { requests: 100, intervalMs: 1000 };
    const signal = new AbortController().signal;
    limiter.penalize("k", 50);
    let paused = false;
    const pending = limiter.acquire("k", spec, signal).then(() => {
      paused = true;
    });
    await limiter.acquire("other", spec, signal); // another credential is not held
    await vi.advanceTimersByTimeAsync(49);
    expect(paused).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    await pending;
    expect(paused).toBe(true);
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
