// Short waits inside one round: when a branch's retry or status poll is due within a second, the
// worker waits for it in the same round instead of ending it (docs/saga.md), so a transient error
// or a job that finishes at the next poll does not cost the request a worker round trip. On the
// real clock (an injected clock turns inline waits off: `inlineWaitMs` is 0 then).
import { describe, expect, it } from "vitest";
import { createFanout, defineAdapter, FanoutError, memoryStore } from "../../src/index.js";
import { EMAIL, SECRET } from "./helpers.js";

function flaky(options: { deleteFailures: number; pendingPolls: number }) {
  let failures = options.deleteFailures;
  let pending = options.pendingPolls;
  const calls: string[] = [];
  const adapter = defineAdapter({
    id: "flaky",
    capabilities: { lookup: ["email"] },
    async locate() {
      calls.push("locate");
      return { refs: [{ type: "record", id: "r1" }], coverage: { searchedBy: ["email"], types: ["record"] } };
    },
    export: async () => ({ records: [] }),
    async delete() {
      calls.push("delete");
      if (failures-- > 0)
        throw new FanoutError("PROVIDER_UNAVAILABLE", "flaky delete: 503", {
          retryable: true,
          provider: "flaky",
        });
      return { outcome: "erased", deleted: 1, jobs: [{ id: "job_1", kind: "removal" }] };
    },
    async status() {
      calls.push("status");
      return pending-- > 0 ? { state: "pending", remaining: 1 } : { state: "done", remaining: 0 };
    },
  });
  return { adapter, calls };
}

describe("waits due within a second are taken inside the round", () => {
  it("a transient delete error and two pending polls: one drain() completes the request", async () => {
    const provider = flaky({ deleteFailures: 2, pendingPolls: 2 });
    const fanout = createFanout({
      adapters: [provider.adapter],
      store: memoryStore(),
      secret: SECRET,
      retry: { initialInterval: 20, maximumInterval: 50 },
      pollInterval: "30ms",
    });
    const req = await fanout.erase({ email: EMAIL });
    await fanout.drain();
    expect((await fanout.status(req.id)).state).toBe("completed");
    expect(provider.calls).toEqual(["locate", "delete", "delete", "delete", "status", "status", "status"]);
    await fanout.close();
  });

  it("a wait longer than a second ends the round: the request waits for the next one", async () => {
    const provider = flaky({ deleteFailures: 0, pendingPolls: 1 });
    const fanout = createFanout({
      adapters: [provider.adapter],
      store: memoryStore(),
      secret: SECRET,
      pollInterval: "5s",
    });
    const req = await fanout.erase({ email: EMAIL });
    const started = Date.now();
    await fanout.drain();
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await fanout.status(req.id)).state).toBe("verifying");
    expect(provider.calls).toEqual(["locate", "delete", "status"]);
    await fanout.close();
  });
});
