// fanout.settle(): works until the request can go no further by itself — sleeping until timers on
// the real clock, moving an injected clock through `advance` — where drain() stops at a timer.
import { describe, expect, it } from "vitest";
import { createFanout, defineAdapter, isFanoutError, memoryStore } from "../../src/index.js";
import { FakeProvider } from "./fake-provider.js";
import { DAY, EMAIL, SECRET, setup } from "./helpers.js";

describe("settle", () => {
  it("on the real clock: waits for a provider job that drain() leaves pending", async () => {
    const alpha = new FakeProvider("alpha");
    alpha.seed(EMAIL, 2);
    alpha.pendingPolls = 1;
    const fanout = createFanout({
      adapters: [alpha.adapter()],
      store: memoryStore(),
      secret: SECRET,
      // Longer than the in-run wait (1 s): the poll becomes a durable timer that drain() stops at.
      pollInterval: "1200ms",
    });
    const req = await fanout.erase({ email: EMAIL });
    await fanout.drain();
    expect((await fanout.status(req.id)).state).toBe("verifying");
    const status = await fanout.settle(req.id);
    expect(status.state).toBe("completed");
    expect(alpha.live(EMAIL)).toEqual([]);
  });

  it("with an injected clock: advance() carries a 90-day window and the job polls", async () => {
    const env = setup(["alpha", "beta"]);
    env.providers.alpha!.pendingPolls = 3;
    const start = env.clock.now();
    const req = await env.fanout.erase({ email: EMAIL }, { after: "90d" });
    const status = await env.fanout.settle(req.id, { advance: (ms) => env.clock.advance(ms) });
    expect(status.state).toBe("completed");
    expect(env.clock.now() - start).toBeGreaterThanOrEqual(90 * DAY);
    expect(env.providers.alpha!.live(EMAIL)).toEqual([]);
  });

  it("a restriction request is settled once restricted, though its renewal timer runs on (Art. 18: until lifted)", async () => {
    const env = setup(["alpha"], { adapterOptions: { alpha: { restrictionExpiresAfter: "60d" } } });
    const start = env.clock.now();
    const req = await env.fanout.restrict({ email: EMAIL });
    const status = await env.fanout.settle(req.id, {
      advance: (ms) => env.clock.advance(ms),
      timeoutMs: 2000,
    });
    expect(status.state).toBe("restricted");
    expect(env.clock.now() - start).toBeLessThan(DAY); // no renewal was waited for
    await env.fanout.settle({ advance: (ms) => env.clock.advance(ms), timeoutMs: 2000 });
    expect((await env.fanout.status(req.id)).state).toBe("restricted");
  });

  it("without an id: a retention follow-up is open work, so advance() carries the clock to its day", async () => {
    const env = setup(["alpha"], {
      adapterOptions: { alpha: { retainable: ["invoice"] } },
      retention: [{ adapter: "alpha", types: ["invoice"], basis: "NL AWR art. 52", for: "7 years" }],
    });
    env.providers.alpha!.seed(EMAIL, 1, "invoice");
    const start = env.clock.now();
    await env.fanout.erase({ email: EMAIL });
    await env.fanout.settle({ advance: (ms) => env.clock.advance(ms), timeoutMs: 5000 });
    expect(env.providers.alpha!.live(EMAIL)).toEqual([]);
    expect(env.clock.now() - start).toBeGreaterThan(7 * 365 * DAY);
  });

  it("with an injected clock and no advance: says how to move the clock", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: EMAIL }, { after: "1d" });
    const error = await env.fanout.settle(req.id).catch((e: unknown) => e);
    expect(isFanoutError(error, "INVALID_ARGUMENT")).toBe(true);
    expect((error as Error).message).toContain("advance");
  });

  it("returns a held request as it is, and times out with the state it waits in", async () => {
    const env = setup(["alpha"]);
    const held = await env.fanout.erase({ email: EMAIL }, { after: "1d" });
    await env.fanout.hold(held.id, "police request 2026-118");
    const advance = (ms: number) => env.clock.advance(ms);
    expect((await env.fanout.settle(held.id, { advance })).state).toBe("held");

    const fanout = createFanout({
      adapters: [new FakeProvider("alpha").adapter()],
      store: memoryStore(),
      secret: SECRET,
    });
    const waiting = await fanout.erase({ email: EMAIL }, { after: "1h" });
    const started = Date.now();
    const error = await fanout.settle(waiting.id, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(isFanoutError(error, "TIMEOUT")).toBe(true);
    expect((error as Error).message).toMatch(/request req_\w+ is still waiting after 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("without an id: until no request has a timer left", async () => {
    const env = setup(["alpha"]);
    env.providers.alpha!.seed("other@acme.test", 1);
    const a = await env.fanout.erase({ email: EMAIL }, { after: "2d" });
    const b = await env.fanout.erase({ email: "other@acme.test" }, { after: "5d" });
    await env.fanout.settle({ advance: (ms) => env.clock.advance(ms) });
    expect((await env.fanout.status(a.id)).state).toBe("completed");
    expect((await env.fanout.status(b.id)).state).toBe("completed");
  });

  it("without an id: does not wait for the purge check a completed request keeps as a timer", async () => {
    const eta = new Date(Date.now() + 30 * DAY).toISOString();
    const purging = defineAdapter({
      id: "purging",
      capabilities: { restrict: false, softDelete: true },
      locate: async () => ({
        refs: [{ type: "record", id: "1" }],
        coverage: { searchedBy: ["email"], types: ["record"] },
      }),
      export: async () => ({ records: [] }),
      delete: async () => ({ outcome: "scheduled", deleted: 1, eta }),
      status: async () => ({ state: "scheduled", remaining: 0, eta }),
    });
    const fanout = createFanout({ adapters: [purging], store: memoryStore(), secret: SECRET });
    const req = await fanout.erase({ email: EMAIL });
    await fanout.settle({ timeoutMs: 5000 });
    expect((await fanout.status(req.id)).state).toBe("completed");
    expect(await fanout.store.nextWake()).not.toBeNull(); // the purge check, a month away
  });
});
