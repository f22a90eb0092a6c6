// The first commit of an erasure's run: the request goes `restricting` with every branch's locate
// recorded as started in that same commit (attempt 1, in flight), not one more commit per branch,
// and the change is announced and audited with the state it left. A request that disappears from
// the store while it runs is parked STORE_CORRUPT naming it, not a generic failure.
import { describe, expect, it } from "vitest";
import { memoryStore, type SagaStore } from "../../src/index.js";
import type { CommitChange } from "../../src/store/types.js";
import { EMAIL, settle, setup } from "./helpers.js";

function recording(store: SagaStore, commits: CommitChange[]): SagaStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "commit")
        return (...args: Parameters<SagaStore["commit"]>) => {
          commits.push(args[2]);
          return target.commit(...args);
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("an erasure's first commit", () => {
  it("starts every branch's locate with the move to restricting, announced and audited", async () => {
    const commits: CommitChange[] = [];
    const env = setup(["alpha", "beta", "gamma"], { store: recording(memoryStore(), commits) });
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    const first = commits[0]!;
    expect(first.request).toMatchObject({ state: "restricting" });
    expect(first.branches?.map((b) => [b.adapterId, b.step, b.attempt, b.inFlight])).toEqual([
      ["alpha", "locate", 1, true],
      ["beta", "locate", 1, true],
      ["gamma", "locate", 1, true],
    ]);
    // No branch saves its locate's start in a commit of its own.
    const locateStarts = commits.flatMap((c) =>
      (c.branches ?? []).filter((b) => b.step === "locate" && b.state === "running" && c !== first),
    );
    expect(locateStarts).toEqual([]);
    const change = { state: "restricting", previous: "pending" };
    expect(env.events.filter((e) => e.type === "request.state")[0]).toMatchObject(change);
    const audit = (await env.fanout.audit(req.id)).entries.filter((e) => e.type === "request.state");
    expect(audit[0]?.data).toEqual(change);
  });
});

describe("a request gone from the store while it runs", () => {
  it("is parked STORE_CORRUPT naming it", async () => {
    const inner = memoryStore();
    let gone = false;
    const store = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === "getRequest") return async (id: string) => (gone ? null : target.getRequest(id));
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const env = setup(["alpha"], { store });
    const req = await env.fanout.erase({ email: EMAIL });
    gone = true;
    await env.fanout.drain();
    gone = false;
    const status = await env.fanout.status(req.id);
    expect(status.state).toBe("needs_attention");
    expect(status.attention).toMatchObject({
      code: "STORE_CORRUPT",
      retryable: false,
      message: `Request ${req.id} disappeared from the store`,
    });
    expect(env.providers.alpha!.calls).toEqual([]);
  });
});
