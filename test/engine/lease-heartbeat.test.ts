// A step that takes longer than the lease: the worker renews its lease while the step runs (every
// third of the lease), so a second worker on the same store cannot claim the request and run the
// same provider call again. Vitest's fake timers drive the clock, the heartbeat and the slow call,
// so a loaded machine cannot make the lease lapse.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createFanout, defineAdapter, memoryStore } from "../../src/index.js";
import { EMAIL, SECRET } from "./helpers.js";

function slowDelete(deletes: string[], ms: number) {
  return defineAdapter({
    id: "slow",
    capabilities: { lookup: ["email"] },
    async locate() {
      return { refs: [{ type: "record", id: "r1" }], coverage: { searchedBy: ["email"], types: ["record"] } };
    },
    export: async () => ({ records: [] }),
    async delete(_refs, ctx) {
      deletes.push(ctx.requestId);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { outcome: "erased", deleted: 1 };
    },
    async status() {
      return { state: "done", remaining: 0 };
    },
  });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the lease while a step runs", () => {
  it("is renewed, so another worker cannot take the request and repeat the provider call", async () => {
    vi.useFakeTimers({ now: Date.parse("2026-12-01T09:00:00Z") });
    const store = memoryStore();
    const deletes: string[] = [];
    const options = { store, secret: SECRET, lease: "300ms" as const };
    const first = createFanout({ ...options, adapters: [slowDelete(deletes, 1200)], workerId: "w1" });
    const second = createFanout({ ...options, adapters: [slowDelete(deletes, 1200)], workerId: "w2" });
    const req = await first.erase({ email: EMAIL });
    const running = first.drain();
    // Two and three lease lengths into the first worker's delete, the second worker tries.
    await vi.advanceTimersByTimeAsync(700);
    await second.drain();
    await vi.advanceTimersByTimeAsync(300);
    await second.drain();
    await vi.advanceTimersByTimeAsync(2000);
    await running;
    expect(deletes).toEqual([req.id]);
    expect((await first.status(req.id)).state).toBe("completed");
    await first.close();
    await second.close();
  });
});
