// What `status()` says while an erasure past its point of no return waits: `erasing` while any
// provider's delete is to be retried, `verifying` only when every branch is done or checking its
// provider's job; and when a delete is refused for good, `needs_attention` naming the failure.
import { describe, expect, it } from "vitest";
import { EMAIL, settle, setup } from "./helpers.js";

const HOUR = 3_600_000;

describe("an erasure's state after the pivot", () => {
  it("is erasing while a delete waits for its retry, then completes", async () => {
    const env = setup(["alpha"]);
    env.providers.alpha!.fail("delete", { code: "PROVIDER_UNAVAILABLE", times: 1, retryAfterMs: HOUR });
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.drain();
    const waiting = await env.fanout.status(req.id);
    expect(waiting.state).toBe("erasing");
    expect(waiting.branches[0]).toMatchObject({
      step: "delete",
      nextAttemptAt: new Date(env.clock.now() + HOUR).toISOString(),
    });
    expect(await settle(env, req.id)).toBe("completed");
    expect(env.providers.alpha!.live(EMAIL)).toEqual([]);
  });

  it("is erasing, not verifying, while one provider verifies and another's delete waits", async () => {
    const env = setup(["alpha", "beta"]);
    env.providers.alpha!.pendingPolls = 5;
    env.providers.beta!.fail("delete", { code: "PROVIDER_UNAVAILABLE", times: 1, retryAfterMs: HOUR });
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.drain();
    const s = await env.fanout.status(req.id);
    expect(s.branches.map((b) => [b.adapter, b.step])).toEqual([
      ["alpha", "verify"],
      ["beta", "delete"],
    ]);
    expect(s.state).toBe("erasing");
    expect(await settle(env, req.id)).toBe("completed");
  });

  it("needs attention when a provider refuses the delete for good", async () => {
    const env = setup(["alpha", "beta"]);
    env.providers.beta!.fail("delete", { code: "VALIDATION", times: 1 });
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("needs_attention");
    const s = await env.fanout.status(req.id);
    expect(s.attention).toMatchObject({ code: "VALIDATION" });
    expect(s.branches.map((b) => [b.adapter, b.state])).toEqual([
      ["alpha", "done"],
      ["beta", "failed"],
    ]);
  });
});
