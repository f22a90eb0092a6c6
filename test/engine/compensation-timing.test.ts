// Undoing restrictions after a withdrawal when providers answer "later": each branch's unrestrict is
// retried at its own time (the provider's Retry-After), and the request wakes for the earliest one,
// not the latest, so a quick provider is not made to wait for a slow one. Until every restriction is
// undone the request stays `compensating`; then it is `withdrawn`.
import { describe, expect, it } from "vitest";
import { createFanout, defineAdapter, FanoutError, memoryStore } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { EMAIL, SECRET } from "./helpers.js";

function restricting(id: string, retryAfterMs: number | null, undone: string[]) {
  let failNext = retryAfterMs !== null;
  return defineAdapter({
    id,
    capabilities: { lookup: ["email"] },
    async locate() {
      return {
        refs: [{ type: "record", id: `${id}-1` }],
        coverage: { searchedBy: ["email"], types: ["record"] },
      };
    },
    export: async () => ({ records: [] }),
    async restrict() {
      return { undo: null, restricted: 1 };
    },
    async unrestrict() {
      if (failNext && retryAfterMs !== null) {
        failNext = false;
        throw new FanoutError("RATE_LIMITED", `${id}: 429`, { retryable: true, retryAfterMs });
      }
      undone.push(id);
    },
    async delete() {
      return { outcome: "erased", deleted: 1 };
    },
    async status() {
      return { state: "done", remaining: 0 };
    },
  });
}

describe("compensation with providers that answer later", () => {
  it("wakes for the earliest retry, undoes each restriction at its time, ends withdrawn", async () => {
    const clock = fakeClock();
    const store = memoryStore();
    const undone: string[] = [];
    const fanout = createFanout({
      adapters: [
        restricting("slow", 600_000, undone),
        restricting("medium", 300_000, undone),
        restricting("quick", 60_000, undone),
        restricting("fine", null, undone),
      ],
      store,
      secret: SECRET,
      now: clock.now,
      random: () => 0.5,
      retry: { initialInterval: 1000, maximumInterval: 5000 },
    });
    const req = await fanout.erase({ email: EMAIL }, { after: "30d" });
    await fanout.drain();
    await fanout.withdraw(req.id);
    await fanout.drain();
    expect((await fanout.status(req.id)).state).toBe("compensating");
    expect(undone).toEqual(["fine"]);
    const firstWake = (await store.getRequest(req.id))!.wakeAt! - clock.now();
    expect(firstWake).toBeGreaterThanOrEqual(60_000);
    expect(firstWake).toBeLessThan(600_000);

    clock.advance(firstWake);
    await fanout.drain();
    expect(undone).toEqual(["fine", "quick"]);
    expect((await fanout.status(req.id)).state).toBe("compensating");
    // Two still waiting (medium, slow): the earlier of the two.
    const secondWake = (await store.getRequest(req.id))!.wakeAt! - clock.now();
    expect(secondWake).toBeGreaterThan(0);
    expect(secondWake).toBeLessThanOrEqual(300_000 - 60_000);

    clock.advance(secondWake);
    await fanout.drain();
    expect(undone).toEqual(["fine", "quick", "medium"]);
    const thirdWake = (await store.getRequest(req.id))!.wakeAt! - clock.now();
    clock.advance(thirdWake);
    await fanout.drain();
    expect(undone).toEqual(["fine", "quick", "medium", "slow"]);
    expect((await fanout.status(req.id)).state).toBe("withdrawn");
  });
});
