// How the worker stops a request in flight, and what it leaves on the caller's signal. A lost
// lease and a stopping worker both abort the step's signal with a typed reason the adapter sees
// (`LEASE_LOST`, retryable: another worker takes over; `ABORTED`, not retryable), and neither parks
// the request. The lease is renewed every third of its length. Every wait is on Vitest's fake
// timers, so a loaded machine cannot change what happens.
import { getEventListeners } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createFanout,
  defineAdapter,
  FanoutError,
  type FanoutOptions,
  memoryStore,
  type SagaStore,
} from "../../src/index.js";
import { EMAIL, SECRET } from "./helpers.js";

const realSetTimeout = globalThis.setTimeout;

/** The store with some methods replaced (the others bound to it). */
function overriding(store: SagaStore, overrides: Partial<SagaStore>): SagaStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop in overrides) return overrides[prop as keyof SagaStore];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** An adapter whose delete takes `ms` unless its signal aborts; the reasons it saw are kept. */
function slowDelete(ms: number) {
  const reasons: unknown[] = [];
  const deletes: string[] = [];
  const adapter = defineAdapter({
    id: "slow",
    capabilities: { lookup: ["email"] },
    async locate() {
      return { refs: [{ type: "record", id: "r1" }], coverage: { searchedBy: ["email"], types: ["record"] } };
    },
    export: async () => ({ records: [] }),
    async delete(_refs, ctx) {
      deletes.push(ctx.requestId);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, ms);
        ctx.signal.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            reasons.push(ctx.signal.reason);
            reject(ctx.signal.reason);
          },
          { once: true },
        );
      });
      return { outcome: "erased", deleted: 1 };
    },
    async status() {
      return { state: "done", remaining: 0 };
    },
  });
  return { adapter, reasons, deletes };
}

function world(
  store: SagaStore,
  adapter: ReturnType<typeof slowDelete>["adapter"],
  extra: Partial<FanoutOptions> = {},
) {
  const logs: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] = [];
  const log = (level: string) => (obj: Record<string, unknown>, msg?: string) =>
    logs.push({ level, obj, msg });
  const fanout = createFanout({
    adapters: [adapter],
    store,
    secret: SECRET,
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    ...extra,
  });
  return { fanout, logs };
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse("2026-12-01T09:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("a lost lease", () => {
  it("aborts the step with a retryable LEASE_LOST and leaves the request for the next claim", async () => {
    const inner = memoryStore();
    let lost = 1;
    const store = overriding(inner, {
      async renewLease(lease, now, leaseMs) {
        // The first renewal finds another worker holding the request (then it lets go of it).
        if (lost-- > 0) return false;
        return inner.renewLease(lease, now, leaseMs);
      },
    });
    const slow = slowDelete(1000);
    const { fanout, logs } = world(store, slow.adapter, { lease: "300ms" });
    const req = await fanout.erase({ email: EMAIL });
    const drained = fanout.drain();
    await vi.advanceTimersByTimeAsync(150); // one heartbeat (every 100 ms)
    expect(slow.reasons).toHaveLength(1);
    const reason = slow.reasons[0] as FanoutError;
    expect(reason).toBeInstanceOf(FanoutError);
    expect(reason.toJSON()).toMatchObject({ code: "LEASE_LOST", retryable: true, message: "lease lost" });
    expect(logs).toContainEqual({
      level: "info",
      obj: { requestId: req.id, code: "LEASE_LOST" },
      msg: "request run stopped",
    });
    // Not parked: the next claim runs the delete again, and it completes.
    expect(logs.filter((l) => l.msg === "request needs attention")).toEqual([]);
    await vi.advanceTimersByTimeAsync(2000);
    await drained;
    expect(slow.deletes).toEqual([req.id, req.id]);
    expect(slow.reasons).toHaveLength(1);
    expect((await fanout.status(req.id)).state).toBe("completed");
  });

  it("is renewed every third of its length while a step runs, and kept renewals let it finish", async () => {
    const inner = memoryStore();
    const renewedAt: number[] = [];
    const store = overriding(inner, {
      async renewLease(lease, now, leaseMs) {
        renewedAt.push(now);
        return inner.renewLease(lease, now, leaseMs);
      },
    });
    const slow = slowDelete(3500);
    const { fanout } = world(store, slow.adapter, { lease: "3s" });
    const req = await fanout.erase({ email: EMAIL });
    const drained = fanout.drain();
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(4000);
    await drained;
    expect(renewedAt.map((t) => t - start)).toEqual([1000, 2000, 3000]);
    expect(slow.reasons).toEqual([]);
    expect((await fanout.status(req.id)).state).toBe("completed");
  });
});

describe("a stopping worker", () => {
  it("aborts the step with a non-retryable ABORTED, does not park the request, and a later run finishes it", async () => {
    const store = memoryStore();
    const slow = slowDelete(5000);
    const { fanout, logs } = world(store, slow.adapter);
    const req = await fanout.erase({ email: EMAIL });
    const stop = new AbortController();
    const running = fanout.run({ signal: stop.signal, idleMs: 60_000, check: false });
    await vi.advanceTimersByTimeAsync(100);
    expect(slow.deletes).toEqual([req.id]);
    stop.abort();
    await vi.advanceTimersByTimeAsync(0);
    await running;
    expect(slow.reasons).toHaveLength(1);
    expect((slow.reasons[0] as FanoutError).toJSON()).toMatchObject({
      code: "ABORTED",
      retryable: false,
      message: "worker stopping",
    });
    expect(logs).toContainEqual({
      level: "info",
      obj: { requestId: req.id, code: "ABORTED" },
      msg: "request run stopped",
    });
    expect((await store.getRequest(req.id))?.state).toBe("erasing");
    // Its lease was given back: the next drain takes the request at once and completes it.
    const drained = fanout.drain();
    await vi.advanceTimersByTimeAsync(6000);
    await drained;
    expect((await fanout.status(req.id)).state).toBe("completed");
  });

  it("wakes from its idle sleep when its signal aborts, not at the end of idleMs", async () => {
    const slow = slowDelete(10);
    const { fanout } = world(memoryStore(), slow.adapter);
    const stop = new AbortController();
    let stopped = false;
    const running = fanout.run({ signal: stop.signal, idleMs: 60_000, check: false }).then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(stopped).toBe(false);
    stop.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(true);
    await running;
  });

  it("sleeps idleMs between empty claims, and runs what became due meanwhile", async () => {
    const claims: number[] = [];
    const inner = memoryStore();
    const store = overriding(inner, {
      claim(...args: Parameters<SagaStore["claim"]>) {
        claims.push(Date.now());
        return inner.claim(...args);
      },
    });
    const slow = slowDelete(10);
    const { fanout } = world(store, slow.adapter);
    const stop = new AbortController();
    const running = fanout.run({ signal: stop.signal, idleMs: 5000, check: false });
    await vi.advanceTimersByTimeAsync(12_000);
    const start = claims[0]!;
    expect(claims.map((t) => t - start)).toEqual([0, 5000, 10_000]);
    stop.abort();
    await vi.advanceTimersByTimeAsync(0);
    await running;
  });
});

describe("the caller's signal", () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), "gf-worker-stops-"));
  });
  afterEach(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  /** An adapter whose export fails once with a Retry-After too long to wait inline. */
  function laterExport() {
    let failures = 1;
    return defineAdapter({
      id: "later",
      capabilities: { lookup: ["email"] },
      async locate() {
        return {
          refs: [{ type: "record", id: "r1" }],
          coverage: { searchedBy: ["email"], types: ["record"] },
        };
      },
      async export() {
        if (failures-- > 0)
          throw new FanoutError("RATE_LIMITED", "slow down", { provider: "later", retryAfterMs: 3000 });
        return { records: [{ type: "record", id: "r1", data: { email: EMAIL } }] };
      },
      delete: async () => ({ outcome: "erased", deleted: 1 }),
      status: async () => ({ state: "done", remaining: 0 }),
    });
  }

  async function exportWaiting(signal: AbortSignal | undefined) {
    const fanout = createFanout({ adapters: [laterExport()], store: memoryStore(), secret: SECRET });
    let result: { state: string } | undefined;
    const exported = fanout
      .export({ email: EMAIL }, { to: join(tmp, "pkg"), ...(signal ? { signal } : {}) })
      .then((r) => {
        result = r;
      });
    // The export waits for its retry (3 s) in the worker's idle sleeps of at most 1 s.
    // The package is written with real file I/O: a real millisecond between fake-time steps.
    for (let i = 0; i < 400 && !result; i++) {
      await vi.advanceTimersByTimeAsync(100);
      await new Promise((resolve) => realSetTimeout(resolve, 1));
    }
    await exported;
    return result;
  }

  it("an export waiting out a retry without a signal completes", async () => {
    expect(await exportWaiting(undefined)).toMatchObject({ state: "completed" });
  });

  it("an export waiting out a retry leaves no listener on the signal it was given", async () => {
    const signal = new AbortController().signal;
    expect(await exportWaiting(signal)).toMatchObject({ state: "completed" });
    expect(getEventListeners(signal, "abort")).toEqual([]);
  });
});
