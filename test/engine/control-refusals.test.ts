// `release()` is a typed refusal where it used to do harm: on a finished request (a held-then-
// withdrawn one woke up, found its subject shredded and parked in needs_attention for good) and on
// a request that is not held (it wrote an audit entry for nothing).
import { describe, expect, it } from "vitest";
import { DAY, EMAIL, settle, setup } from "./helpers.js";

describe("release refusals", () => {
  it("a held-then-withdrawn request stays withdrawn: release is CONFLICT and wakes nothing", async () => {
    const env = setup(["alpha", "beta"]);
    const req = await env.fanout.erase({ email: EMAIL }, { after: "14d" });
    await env.fanout.drain();
    await env.fanout.hold(req.id, "police request 2026-118");
    await env.fanout.withdraw(req.id);
    expect(await settle(env, req.id)).toBe("withdrawn");
    const entries = (await env.fanout.audit(req.id)).entries.length;

    await expect(env.fanout.release(req.id)).rejects.toMatchObject({
      code: "CONFLICT",
      retryable: false,
      details: expect.objectContaining({ reason: "finished", state: "withdrawn" }),
    });
    env.clock.advance(30 * DAY);
    await env.fanout.drain();
    expect(await env.fanout.status(req.id)).toMatchObject({ state: "withdrawn", attention: null });
    expect((await env.fanout.audit(req.id)).entries).toHaveLength(entries);
    expect(env.events.filter((e) => e.type === "request.released")).toEqual([]);
  });

  it("release of a request that is not held is CONFLICT and writes no audit entry", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: EMAIL }, { after: "14d" });
    await env.fanout.drain();
    const before = (await env.fanout.audit(req.id)).entries.length;
    await expect(env.fanout.release(req.id)).rejects.toMatchObject({
      code: "CONFLICT",
      details: expect.objectContaining({ reason: "not_held" }),
    });
    expect((await env.fanout.audit(req.id)).entries).toHaveLength(before);
    expect(await settle(env, req.id)).toBe("completed");
  });
});
