// The pivot reuses a fresh first locate (no relocate) only for an immediate erasure that never
// waited; any wait, hold or delay locates again, and verify still sends a branch back to relocate.
import { describe, expect, it } from "vitest";
import { FRESH_LOCATE_MS } from "../../src/engine/fresh-locate.js";
import { createFanout, memoryStore, type SubprocessorAdapter } from "../../src/index.js";
import { FakeProvider, fakeClock } from "./fake-provider.js";
import { DAY, EMAIL, SECRET, settle, setup } from "./helpers.js";

const locates = (env: ReturnType<typeof setup>, id: string) =>
  env.providers[id]!.calls.filter((c) => c.op === "locate").length;

async function relocateSteps(env: ReturnType<typeof setup>, requestId: string) {
  return (await env.store.steps(requestId)).filter((s) => s.step === "relocate").map((s) => s.adapterId);
}

describe("relocate after the pivot", () => {
  it("an immediate erasure deletes what its first locate found: one locate per branch", async () => {
    const env = setup(["alpha", "beta"]);
    env.providers.beta!.records.clear(); // beta finds nothing
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    expect(locates(env, "alpha")).toBe(1);
    expect(locates(env, "beta")).toBe(1);
    expect(env.providers.alpha!.live(EMAIL)).toHaveLength(0);
    expect(await relocateSteps(env, req.id)).toEqual([]);
    const status = await env.fanout.status(req.id);
    expect(status.branches.map((b) => b.outcome)).toEqual(["erased", "not_found"]);
    const pivot = (await env.store.audit(req.id)).find((a) => a.type === "request.pivoted");
    expect(pivot?.data).toEqual({ locateReused: ["alpha", "beta"] });
    const completed = env.events
      .filter((e) => e.type === "branch.completed")
      .map((e) => (e as { adapter?: string }).adapter);
    expect(completed.sort()).toEqual(["alpha", "beta"]);
  });

  it("after a retention window it locates again and erases what was created meanwhile", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: EMAIL }, { after: "90d" });
    await env.fanout.drain();
    expect((await env.fanout.status(req.id)).state).toBe("waiting");
    env.clock.advance(30 * DAY);
    env.providers.alpha!.seed(EMAIL, 1); // created during the window
    env.clock.advance(60 * DAY);
    expect(await settle(env, req.id)).toBe("completed");
    expect(locates(env, "alpha")).toBe(2);
    expect(await relocateSteps(env, req.id)).toEqual(["alpha"]);
    expect(env.providers.alpha!.live(EMAIL)).toHaveLength(0);
  });

  it("a window shorter than the freshness limit still locates again", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: EMAIL }, { after: "10s" });
    await env.fanout.drain();
    env.providers.alpha!.seed(EMAIL, 1);
    env.clock.advance(10_000);
    expect(await settle(env, req.id)).toBe("completed");
    expect(await relocateSteps(env, req.id)).toEqual(["alpha"]);
    expect(env.providers.alpha!.live(EMAIL)).toHaveLength(0);
  });

  it("a hold, however short, makes the pivot locate again", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.hold(req.id, "litigation");
    expect(await settle(env, req.id)).toBe("held");
    env.providers.alpha!.seed(EMAIL, 1);
    env.clock.advance(1000);
    await env.fanout.release(req.id);
    expect(await settle(env, req.id)).toBe("completed");
    expect(await relocateSteps(env, req.id)).toEqual(["alpha"]);
    expect(env.providers.alpha!.live(EMAIL)).toHaveLength(0);
  });

  it("a locate older than the limit at the pivot (another branch kept retrying) is repeated", async () => {
    const env = setup(["alpha", "beta"]);
    env.providers.beta!.fail("restrict", {
      code: "RATE_LIMITED",
      times: 1,
      retryAfterMs: FRESH_LOCATE_MS + 30_000,
    });
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.drain();
    env.providers.alpha!.seed(EMAIL, 1); // created while beta waited
    expect(await settle(env, req.id)).toBe("completed");
    expect((await relocateSteps(env, req.id)).sort()).toEqual(["alpha", "beta"]);
    expect(env.providers.alpha!.live(EMAIL)).toHaveLength(0);
  });

  it("a record created between the locate and the delete is found by verify, relocated and erased", async () => {
    const p = new FakeProvider("alpha");
    p.seed(EMAIL, 2);
    const base = p.adapter();
    let created = false;
    const searching: SubprocessorAdapter = {
      ...base,
      async delete(refs, ctx) {
        const result = await base.delete(refs, ctx);
        if (!created) {
          created = true;
          p.seed(EMAIL, 1); // arrives just after the delete
        }
        return result;
      },
      // Like most built-in adapters' status, this one searches the subject again.
      async status(_refs, _deletion, ctx) {
        await p.enter("status", ctx.requestId);
        const live = p.live(EMAIL).length;
        return live > 0 ? { state: "remaining", remaining: live } : { state: "done", remaining: 0 };
      },
    };
    const clock = fakeClock();
    const store = memoryStore();
    const fanout = createFanout({ adapters: [searching], store, secret: SECRET, now: clock.now });
    const req = await fanout.erase({ email: EMAIL });
    for (let i = 0; i < 20 && (await fanout.status(req.id)).state !== "completed"; i++) {
      await fanout.drain();
      const next = await store.nextWake();
      if (next !== null && next > clock.now()) clock.advance(next - clock.now());
    }
    expect((await fanout.status(req.id)).state).toBe("completed");
    expect(p.live(EMAIL)).toHaveLength(0);
    const steps = (await store.steps(req.id)).filter((s) => s.status === "succeeded").map((s) => s.step);
    expect(steps).toEqual(["locate", "restrict", "delete", "verify", "relocate", "delete", "verify"]);
    await fanout.close();
  });
});
