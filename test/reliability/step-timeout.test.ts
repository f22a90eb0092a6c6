// A provider call that never answers (and ignores its abort signal) must not hold a request
// forever: the attempt times out (`stepTimeout`), is retried, and the request completes. Before
// `stepTimeout` existed the request stayed `erasing` with its branch `running` for good (found by
// test/slow/faults.test.ts: a HubSpot SDK call that never settled).
import { describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { createFanout, memoryStore } from "../../src/index.js";

function hangingOnce(): { adapter: SubprocessorAdapter; deletes: () => number } {
  let deletes = 0;
  const adapter: SubprocessorAdapter = {
    id: "hangs",
    capabilities: {
      export: false,
      restrict: false,
      unrestrict: false,
      asyncDelete: false,
      softDelete: false,
      lookup: ["email"],
    },
    locate: async () => ({ refs: [{ type: "contact", id: "c1" }] }),
    export: async () => ({ records: [] }),
    delete: async () => {
      deletes += 1;
      // The first call never settles and ignores the signal.
      if (deletes === 1) return new Promise<never>(() => {});
      return { outcome: "erased", deleted: 1 };
    },
    status: async () => ({ state: "done", remaining: 0 }),
  };
  return { adapter, deletes: () => deletes };
}

describe("stepTimeout", () => {
  it("abandons an adapter call that never settles and retries it", async () => {
    const { adapter, deletes } = hangingOnce();
    const fanout = createFanout({
      adapters: [adapter],
      store: memoryStore(),
      secret: "step-timeout-secret-0123456789",
      stepTimeout: 100,
      retry: { initialInterval: 1, maximumInterval: 5 },
    });
    const req = await fanout.erase({ email: "hang@example.test" });
    const deadline = Date.now() + 10_000;
    while ((await fanout.status(req.id)).state !== "completed" && Date.now() < deadline) {
      await fanout.drain();
      await new Promise((r) => setTimeout(r, 5));
    }
    const status = await fanout.status(req.id);
    expect(status.state).toBe("completed");
    expect(deletes()).toBeGreaterThanOrEqual(2);
  });

  it("is validated like the other durations", () => {
    const { adapter } = hangingOnce();
    expect(() =>
      createFanout({
        adapters: [adapter],
        store: memoryStore(),
        secret: "x".repeat(20),
        stepTimeout: "soon",
      }),
    ).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});
