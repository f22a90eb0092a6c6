// When a purge is checked again: a provider that moves its purge date is checked a day after the
// new date (and verified then), live records past the ETA are not confirmed whatever date the
// provider now gives, and a `pending` answer is asked again after the poll interval, doubling.
import { describe, expect, it } from "vitest";
import { createFanout, defineAdapter, memoryStore, type StatusResult } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { DAY, EMAIL, SECRET } from "./helpers.js";

/** A trash purged "within 30 days"; after that its status answers from `script`, one per check. */
async function walk(script: ((deletedAt: number) => StatusResult)[]) {
  const clock = fakeClock();
  const store = memoryStore();
  let deletedAt = 0;
  const checks: number[] = [];
  const adapter = defineAdapter({
    id: "trash",
    capabilities: { lookup: ["email"], softDelete: true },
    locate: async () => ({
      refs: [{ type: "record", id: "t1" }],
      coverage: { searchedBy: ["email"], types: ["record"] },
    }),
    export: async () => ({ records: [] }),
    async delete() {
      deletedAt = clock.now();
      return { outcome: "scheduled", deleted: 1, eta: new Date(deletedAt + 30 * DAY).toISOString() };
    },
    async status() {
      if (clock.now() < deletedAt + 30 * DAY)
        return { state: "scheduled", remaining: 0, eta: new Date(deletedAt + 30 * DAY).toISOString() };
      checks.push(clock.now() - deletedAt);
      return (script.shift() ?? (() => ({ state: "done", remaining: 0 })))(deletedAt);
    },
  });
  const fanout = createFanout({
    adapters: [adapter],
    store,
    secret: SECRET,
    now: clock.now,
    pollInterval: "1m",
  });
  const req = await fanout.erase({ email: EMAIL });
  await fanout.drain();
  for (let i = 0; i < 20; i++) {
    const wake = await store.nextWake();
    if (wake === null) break;
    if (wake > clock.now()) clock.advance(wake - clock.now());
    await fanout.drain();
  }
  return { status: await fanout.status(req.id), checks };
}

const MINUTE = 60_000;

describe("when a purge is checked again", () => {
  it("a provider that moved its purge date is checked a day after the new date, then verified", async () => {
    const { status, checks } = await walk([
      (deletedAt) => ({
        state: "scheduled",
        remaining: 0,
        eta: new Date(deletedAt + 40 * DAY).toISOString(),
      }),
    ]);
    expect(checks).toEqual([31 * DAY, 41 * DAY]);
    expect(status.branches[0]!.purge).toMatchObject({ state: "verified" });
    expect(status.state).toBe("completed");
  });

  it("nothing live and no later date: unverifiable at once, never verified", async () => {
    const { status, checks } = await walk([
      (deletedAt) => ({
        state: "scheduled",
        remaining: 0,
        eta: new Date(deletedAt + 30 * DAY).toISOString(),
      }),
    ]);
    expect(checks).toEqual([31 * DAY]);
    expect(status.branches[0]!.purge).toMatchObject({ state: "unverifiable" });
  });

  it("live records past the ETA are not confirmed, even when the provider names a later date", async () => {
    for (const eta of [40 * DAY, 30 * DAY]) {
      const { status, checks } = await walk([
        (deletedAt) => ({ state: "scheduled", remaining: 2, eta: new Date(deletedAt + eta).toISOString() }),
      ]);
      expect(checks).toEqual([31 * DAY]);
      expect(status.branches[0]!.purge).toMatchObject({ state: "not_confirmed" });
      expect(status.attention).toMatchObject({ code: "PURGE_NOT_CONFIRMED" });
    }
  });

  it("a pending purge is asked again after the poll interval, doubling each time", async () => {
    const pending = () => ({ state: "pending", remaining: 0 }) as StatusResult;
    const { status, checks } = await walk([pending, pending, pending]);
    const first = 31 * DAY;
    expect(checks).toEqual([first, first + MINUTE, first + 3 * MINUTE, first + 7 * MINUTE]);
    expect(status.branches[0]!.purge).toMatchObject({ state: "verified" });
  });
});
