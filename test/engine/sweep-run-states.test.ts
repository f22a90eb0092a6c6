// One adapter's part of a sweep, as its row and its events show it: a run holds its claim while it
// lists (a second sweep of the same policy finds it `busy`), ends `completed` with the row done and
// its claim given up, and announces `sweep.adapter_done` with its counts. A listing that keeps
// failing ends `failed` after six tries in a row whatever the adapter's retry policy allows; only a
// 429 pauses the credential in the rate limiter; a listing that fails after the signal aborted ends
// `stopped`, not retried.
import { describe, expect, it } from "vitest";
import {
  createFanout,
  defineAdapter,
  FanoutError,
  memoryStore,
  type RateLimitSpec,
  type SagaStore,
} from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { SECRET } from "./helpers.js";

function crm(expired: (cursor: string | undefined, signal: AbortSignal) => AsyncIterable<unknown>) {
  return defineAdapter({
    id: "crm",
    rateLimitKey: "crm-key",
    retry: { initialInterval: 1, maximumInterval: 2, maximumAttempts: 100 },
    capabilities: { restrict: false, unrestrict: false, lookup: ["id"], sweeps: ["prospect"] },
    locate: async () => ({ refs: [], coverage: { searchedBy: ["id"], types: ["person"] } }),
    export: async () => ({ records: [] }),
    delete: async () => ({ outcome: "erased", deleted: 0 }),
    status: async () => ({ state: "done", remaining: 0 }),
    expired: (_policy, ctx) => expired(ctx.cursor, ctx.signal) as never,
  });
}

function world(adapter: ReturnType<typeof crm>, store: SagaStore = memoryStore()) {
  const clock = fakeClock();
  const penalties: [string, number][] = [];
  const rateLimiter = {
    async acquire(_key: string, _spec: RateLimitSpec) {},
    penalize(key: string, ms: number) {
      penalties.push([key, ms]);
    },
  };
  const fanout = createFanout({ adapters: [adapter], store, secret: SECRET, now: clock.now, rateLimiter });
  const events: { type: string; [k: string]: unknown }[] = [];
  fanout.on("*", (e) => events.push(e as never));
  return { fanout, clock, store, penalties, events };
}

const person = (i: number) => {
  const id = String(1000 + i).padStart(6, "0");
  return { type: "person", id, cursor: id };
};

describe("a sweep run's claim and end", () => {
  it("is held while it lists, given up when done, and the end is announced with the counts", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const w = world(
      crm(async function* () {
        for (let i = 0; i < 100; i++) yield person(i);
        await gate; // a slow page
        yield person(100);
      }),
    );
    const progressed = new Promise<void>((resolve) => w.fanout.on("sweep.progress", () => resolve()));
    const first = w.fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    await progressed; // the first batch is filed and saved
    const second = await w.fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(second.adapters.crm).toMatchObject({ state: "busy", found: 0, filed: 0 });
    open();
    const result = await first;
    expect(result.adapters.crm).toMatchObject({ state: "completed", found: 101, filed: 101, error: null });
    const [row] = await w.store.listSweeps!();
    expect(row).toMatchObject({ state: "done", cursor: null, leaseUntil: null, completedAt: w.clock.now() });
    const done = w.events.filter((e) => e.type === "sweep.adapter_done");
    expect(done).toContainEqual({
      type: "sweep.adapter_done",
      sweepId: expect.any(String),
      policy: "prospect",
      dryRun: false,
      at: new Date(w.clock.now()).toISOString(),
      adapter: "crm",
      found: 101,
      filed: 101,
      existing: 0,
      held: 0,
      unchecked: 101, // no identifiers to match against subject holds
      state: "completed",
      error: null,
    });
    // Free again: a third sweep is not busy (and finds the records already filed).
    const third = await w.fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(third.adapters.crm).toMatchObject({ state: "completed", existing: 101 });
  });
});

describe("a failing listing", () => {
  it("ends failed after six tries in a row, though the adapter's policy allows more, without pausing the credential", async () => {
    let listings = 0;
    const w = world(
      // biome-ignore lint/correctness/useYield: fails before its first record
      crm(async function* () {
        listings += 1;
        throw new FanoutError("PROVIDER_UNAVAILABLE", "crm: 503", { retryable: true });
      }),
    );
    const result = await w.fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result.adapters.crm).toMatchObject({ state: "failed", error: { code: "PROVIDER_UNAVAILABLE" } });
    expect(listings).toBe(6);
    expect(w.penalties).toEqual([]);
  });

  it("after a 429 pauses the credential for the Retry-After, else a second", async () => {
    const errors = [
      new FanoutError("RATE_LIMITED", "crm: 429", { retryAfterMs: 5 }),
      new FanoutError("RATE_LIMITED", "crm: 429"),
    ];
    const w = world(
      crm(async function* () {
        const error = errors.shift();
        if (error) throw error;
        yield person(0);
      }),
    );
    const result = await w.fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result.adapters.crm).toMatchObject({ state: "completed", filed: 1 });
    expect(w.penalties).toEqual([
      ["crm-key", 5],
      ["crm-key", 1000],
    ]);
  });

  it("after the signal aborted ends stopped, not retried", async () => {
    const stop = new AbortController();
    let listings = 0;
    const w = world(
      crm(async function* () {
        listings += 1;
        yield person(0);
        stop.abort();
        throw new FanoutError("PROVIDER_UNAVAILABLE", "crm: 503", { retryable: true });
      }),
    );
    const result = await w.fanout.sweep({ policy: "prospect", olderThan: "24mo", signal: stop.signal });
    expect(result.adapters.crm).toMatchObject({ state: "stopped", error: null });
    expect(listings).toBe(1);
    expect(w.events.filter((e) => e.type === "sweep.retrying")).toEqual([]);
  });
});
