// Undoing restrictions when one provider refuses for good and another only for now: the request keeps
// compensating until the retryable one is undone (it does not give up on it because the other is
// exhausted), then needs a person, with COMPENSATION_FAILED naming the provider that refused; the
// refused undo is not called again until that person's retry().
import { describe, expect, it } from "vitest";
import { EMAIL, settle, setup } from "./helpers.js";

describe("compensation with one provider exhausted and another retrying", () => {
  it("retries the retryable undo first, then stops for a person on the exhausted one", async () => {
    const env = setup(["alpha", "beta"]);
    const req = await env.fanout.erase({ email: EMAIL }, { after: "90d" });
    await env.fanout.drain();
    // Not retryable, and refused once only: a second call would succeed, so only the engine's own
    // bookkeeping keeps alpha from being called again when beta's retry wakes the request.
    env.providers.alpha!.fail("unrestrict", { code: "AUTHENTICATION", times: 1 });
    env.providers.beta!.fail("unrestrict", { code: "PROVIDER_UNAVAILABLE", times: 1, retryAfterMs: 60_000 });
    await env.fanout.withdraw(req.id);
    await env.fanout.drain();

    const waiting = await env.fanout.status(req.id);
    expect(waiting.state).toBe("compensating");
    const wakeAt = (await env.store.getRequest(req.id))!.wakeAt;
    expect(wakeAt).not.toBeNull();
    expect(wakeAt! - env.clock.now()).toBeGreaterThanOrEqual(60_000);
    expect(env.providers.beta!.live(EMAIL).every((r) => r.restrictedBy !== null)).toBe(true);

    expect(await settle(env, req.id)).toBe("needs_attention");
    const stuck = await env.fanout.status(req.id);
    expect(env.providers.beta!.live(EMAIL).every((r) => r.restrictedBy === null)).toBe(true);
    expect(env.providers.alpha!.live(EMAIL).every((r) => r.restrictedBy !== null)).toBe(true);
    expect(stuck.attention).toMatchObject({ code: "COMPENSATION_FAILED", provider: "alpha" });
    expect(stuck.branches.find((b) => b.adapter === "alpha")?.compensation).toMatchObject({
      state: "failed",
    });
    expect(stuck.branches.find((b) => b.adapter === "beta")?.compensation).toMatchObject({ state: "done" });
    expect(env.providers.alpha!.calls.filter((c) => c.op === "unrestrict")).toHaveLength(1);

    // A person's retry() is what calls it again.
    await env.fanout.retry(req.id);
    expect(await settle(env, req.id)).toBe("withdrawn");
    expect(env.providers.alpha!.live(EMAIL).every((r) => r.restrictedBy === null)).toBe(true);
    expect(env.providers.alpha!.calls.filter((c) => c.op === "unrestrict")).toHaveLength(2);
  });
});
