// The in-process limiter: never more than `requests` sends in any window of `intervalMs`, spread
// evenly (no burst), paused by a provider's Retry-After, abortable.
import { describe, expect, it } from "vitest";
import { localRateLimiter } from "../../src/engine/rate-limiter.js";

const spec = { requests: 5, intervalMs: 100 };

async function releases(count: number, limiter = localRateLimiter(Date.now, { marginMs: 10, burst: 1 })) {
  const signal = new AbortController().signal;
  const at: number[] = [];
  await Promise.all(
    Array.from({ length: count }, () => limiter.acquire("k", spec, signal).then(() => at.push(Date.now()))),
  );
  return at.sort((a, b) => a - b);
}

describe("localRateLimiter", () => {
  it("never releases more than `requests` within any window of `intervalMs`", async () => {
    const at = await releases(16);
    for (let i = spec.requests; i < at.length; i++) {
      expect(at[i]! - at[i - spec.requests]!).toBeGreaterThanOrEqual(spec.intervalMs);
    }
  });

  it("spreads requests evenly instead of bursting the whole budget at once", async () => {
    const at = await releases(5);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(19);
  });

  it("sustains the budget, less the margin", async () => {
    const at = await releases(21);
    // 20 intervals after the first: 4 windows of 100 ms + 10 ms margin each.
    const elapsed = at[20]! - at[0]!;
    expect(elapsed).toBeGreaterThanOrEqual(4 * 110);
    expect(elapsed).toBeLessThan(4 * 110 + 150);
  });

  it("caps the spacing of long-window budgets but still never exceeds the window", async () => {
    const limiter = localRateLimiter(Date.now, { marginMs: 10, maxSpacingMs: 5, burst: 1 });
    const daily = { requests: 4, intervalMs: 300 };
    const signal = new AbortController().signal;
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 6 }, () => limiter.acquire("d", daily, signal).then(() => at.push(Date.now()))),
    );
    at.sort((a, b) => a - b);
    expect(at[3]! - at[0]!).toBeLessThan(60); // 5 ms apart, not 75 ms
    expect(at[4]! - at[0]!).toBeGreaterThanOrEqual(300);
  });

  it("holds every request under the key after penalize", async () => {
    const limiter = localRateLimiter(Date.now, { marginMs: 10, burst: 1 });
    const started = Date.now();
    limiter.penalize("k", 80);
    await limiter.acquire("k", spec, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(79);
    // Another key is not held.
    const other = Date.now();
    await limiter.acquire("other", spec, new AbortController().signal);
    expect(Date.now() - other).toBeLessThan(20);
  });

  it("rejects a waiting acquire when its signal aborts", async () => {
    const limiter = localRateLimiter(Date.now, { marginMs: 10, burst: 1 });
    limiter.penalize("k", 5000);
    const controller = new AbortController();
    const waiting = limiter.acquire("k", spec, controller.signal);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
  });
});

describe("localRateLimiter bursts", () => {
  it("lets `burst` requests go back to back, then spaces the rest, within the window", async () => {
    const limiter = localRateLimiter(Date.now, { marginMs: 10, burst: 3 });
    const at = await releases(6, limiter);
    expect(at[2]! - at[0]!).toBeLessThan(10);
    expect(at[3]! - at[2]!).toBeGreaterThanOrEqual(15);
    expect(at[5]! - at[0]!).toBeGreaterThanOrEqual(100);
  });
});

describe("localRateLimiter after an event-loop stall", () => {
  it("resumes at the even spacing instead of sending every overdue request at once", async () => {
    const limiter = localRateLimiter(Date.now, { marginMs: 10, burst: 1 });
    const signal = new AbortController().signal;
    const at: number[] = [];
    const all = Promise.all(
      Array.from({ length: 5 }, () =>
        limiter.acquire("k", { requests: 5, intervalMs: 100 }, signal).then(() => at.push(Date.now())),
      ),
    );
    const until = Date.now() + 120; // block the loop past every planned slot
    while (Date.now() < until) {}
    await all;
    for (let i = 2; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(19);
  });
});
