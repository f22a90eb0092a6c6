// A tenant resolver that fails while a request runs is asked again after 30 s, 2 min and 8 min
// before the request is parked. The count is of failures in a row: a run whose resolver answered
// clears it, so a failure days later (here: at the end of the retention window) starts again at
// 30 s instead of carrying the earlier one towards parking. A request whose resolver never failed
// carries no count at all.
import { describe, expect, it } from "vitest";
import { createFanout, memoryStore, type SubprocessorAdapter } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { SECRET } from "./helpers.js";
import { TenantCrm } from "./tenant-crm.js";

const CALLER = { email: "caller@example.test", phone: "+442079460123" };

function world() {
  const clock = fakeClock();
  const crm = new TenantCrm();
  const token = crm.account("acme");
  crm.seed("acme", CALLER);
  let down = false;
  const store = memoryStore();
  const fanout = createFanout({
    tenants: async (): Promise<SubprocessorAdapter[]> => {
      if (down) throw new Error("token store restarting");
      return [crm.adapter(token)];
    },
    store,
    secret: SECRET,
    now: clock.now,
    random: () => 0.5,
  });
  return {
    clock,
    store,
    fanout,
    setDown(value: boolean) {
      down = value;
    },
  };
}

describe("the count of a tenant resolver's failures", () => {
  it("is cleared by a run whose resolver answered: a later failure waits 30 s again", async () => {
    const w = world();
    const req = await w.fanout.erase({ email: CALLER.email }, { tenant: "acme", after: "7d" });
    w.setDown(true);
    await w.fanout.drain();
    let record = await w.store.getRequest(req.id);
    expect(record?.doc.tenantFailures).toBe(1);
    expect(record?.wakeAt).toBe(w.clock.now() + 30_000);

    // Back 30 s later: the request restricts and waits for the end of its retention window.
    w.clock.advance(30_000);
    w.setDown(false);
    await w.fanout.drain();
    record = await w.store.getRequest(req.id);
    expect(record?.state).toBe("waiting");
    expect(record?.doc.tenantFailures).toBeNull();

    // Down again when the window ends: the first of three waits, not the second.
    w.clock.advance(record!.wakeAt! - w.clock.now());
    w.setDown(true);
    await w.fanout.drain();
    record = await w.store.getRequest(req.id);
    expect(record?.doc.tenantFailures).toBe(1);
    expect(record?.wakeAt).toBe(w.clock.now() + 30_000);
  });

  it("is not kept for a request whose resolver never failed", async () => {
    const w = world();
    const req = await w.fanout.erase({ email: CALLER.email }, { tenant: "acme" });
    await w.fanout.drain();
    const record = await w.store.getRequest(req.id);
    expect(record?.state).toBe("completed");
    expect(record?.doc).not.toHaveProperty("tenantFailures");
  });

  it("starts again after retry(): a resumed request gets its three waits again", async () => {
    const w = world();
    const req = await w.fanout.erase({ email: CALLER.email }, { tenant: "acme" });
    w.setDown(true);
    for (const wait of [30_000, 120_000, 480_000]) {
      await w.fanout.drain();
      expect((await w.store.getRequest(req.id))?.wakeAt).toBe(w.clock.now() + wait);
      w.clock.advance(wait);
    }
    await w.fanout.drain();
    expect((await w.fanout.status(req.id)).state).toBe("needs_attention");
    // A person resumes it while the resolver is still down: the same three waits, then parked again.
    await w.fanout.retry(req.id);
    for (const wait of [30_000, 120_000, 480_000]) {
      await w.fanout.drain();
      const record = await w.store.getRequest(req.id);
      expect(record?.wakeAt).toBe(w.clock.now() + wait);
      w.clock.advance(wait);
    }
    await w.fanout.drain();
    expect(await w.fanout.status(req.id)).toMatchObject({
      state: "needs_attention",
      attention: { code: "TENANT_UNAVAILABLE" },
    });
    // Resumed once the resolver is back: the request completes.
    w.setDown(false);
    await w.fanout.retry(req.id);
    await w.fanout.drain();
    expect((await w.fanout.status(req.id)).state).toBe("completed");
  });
});
