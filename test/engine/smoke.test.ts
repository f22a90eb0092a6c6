import { describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { FakeProvider, fakeClock } from "./fake-provider.js";

describe("smoke", () => {
  it("erases across two fakes after the window", async () => {
    const clock = fakeClock();
    const a = new FakeProvider("alpha");
    const b = new FakeProvider("beta");
    a.seed("jane@acme.test", 3);
    b.seed("jane@acme.test", 2);
    const fanout = createFanout({
      adapters: [a.adapter(), b.adapter()],
      store: memoryStore(),
      secret: "s".repeat(32),
      now: clock.now,
    });
    const req = await fanout.erase({ email: "jane@acme.test" }, { after: "90d" });
    await fanout.drain();
    let s = await fanout.status(req.id);
    expect(s.state).toBe("waiting");
    expect(a.live("jane@acme.test").every((r) => r.restrictedBy === req.id)).toBe(true);
    clock.advance(90 * 86_400_000);
    await fanout.drain();
    s = await fanout.status(req.id);
    expect(s.attention).toBeNull();
    expect(s.state).toBe("completed");
    expect(a.live("jane@acme.test")).toHaveLength(0);
    expect(b.live("jane@acme.test")).toHaveLength(0);
    const receipt = await fanout.receipt(req.id);
    expect((await fanout.verifyReceipt(receipt)).valid).toBe(true);
  });
});
