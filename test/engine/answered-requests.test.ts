// An answered request's deadline is history: `extend()` and `expedite()` refuse a request that is
// completed, and a restriction request that is in force (`restricted`: answered, though not
// closed), saying so, and change nothing.
import { describe, expect, it } from "vitest";
import { EMAIL, settle, setup } from "./helpers.js";

describe("extend and expedite on an answered request", () => {
  it("refuse a completed erasure", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: EMAIL }, { receivedAt: new Date(env.clock.now()) });
    expect(await settle(env, req.id)).toBe("completed");
    const before = await env.fanout.status(req.id);
    await expect(env.fanout.extend(req.id, { by: "1 month", reason: "x" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("a completed request cannot be extended"),
    });
    await expect(env.fanout.expedite(req.id)).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("a completed request cannot be expedited"),
    });
    expect((await env.fanout.status(req.id)).dueAt).toBe(before.dueAt);
  });

  it("refuse an extension of a restriction in force", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.restrict({ email: EMAIL }, { receivedAt: new Date(env.clock.now()) });
    await env.fanout.drain();
    const before = await env.fanout.status(req.id);
    expect(before.state).toBe("restricted");
    await expect(env.fanout.extend(req.id, { by: "1 month", reason: "x" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("a restricted request cannot be extended"),
    });
    expect((await env.fanout.status(req.id)).dueAt).toBe(before.dueAt);
  });
});
