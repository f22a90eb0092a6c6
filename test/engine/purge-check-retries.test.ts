// A purge check that cannot get an answer yet: after the ETA the provider's status may fail
// transiently or still say `pending`. The engine checks again later (the request stays answered,
// its purge pending, the next check on the worker's timer), and only a non-retryable failure, or
// running out of attempts, makes the purge `not_confirmed` — never `verified` without an answer.
import { describe, expect, it } from "vitest";
import { createFanout, defineAdapter, FanoutError, memoryStore, type StatusResult } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { DAY, EMAIL, SECRET } from "./helpers.js";

type Answer = StatusResult | FanoutError;

/** Deletes into a trash purged within 30 days; after the ETA its status answers from `script`. */
function trash(clock: ReturnType<typeof fakeClock>, script: Answer[]) {
  let deletedAt = 0;
  const eta = () => new Date(deletedAt + 30 * DAY).toISOString();
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
      return { outcome: "scheduled", deleted: 1, eta: eta() };
    },
    async status() {
      if (clock.now() < deletedAt + 30 * DAY) return { state: "scheduled", remaining: 0, eta: eta() };
      checks.push(clock.now());
      const next = script.shift() ?? { state: "done", remaining: 0 };
      if (next instanceof FanoutError) throw next;
      return next;
    },
  });
  return { adapter, checks };
}

async function walk(script: Answer[], retry = { maximumAttempts: 5 }) {
  const clock = fakeClock();
  const store = memoryStore();
  const provider = trash(clock, script);
  const fanout = createFanout({ adapters: [provider.adapter], store, secret: SECRET, now: clock.now, retry });
  const req = await fanout.erase({ email: EMAIL });
  await fanout.drain();
  expect((await fanout.status(req.id)).state).toBe("completed");
  // Follow the worker's timer, as a deployed worker would, for up to 20 wake-ups.
  for (let i = 0; i < 20; i++) {
    const wake = await store.nextWake();
    if (wake === null) break;
    if (wake > clock.now()) clock.advance(wake - clock.now());
    await fanout.drain();
  }
  return { fanout, req, provider, clock };
}

const unavailable = () => new FanoutError("PROVIDER_UNAVAILABLE", "trash: 503", { retryable: true });

describe("a purge check without an answer yet", () => {
  it("retries after transient failures and a pending status, then verifies", async () => {
    const { fanout, req, provider } = await walk([
      unavailable(),
      { state: "pending", remaining: 0 },
      unavailable(),
    ]);
    const receipt = await fanout.receipt(req.id);
    expect(receipt.branches[0]!.purge).toMatchObject({ state: "verified" });
    expect(provider.checks).toHaveLength(4);
    // Each check came later than the one before it: a retry waits, it does not spin.
    for (let i = 1; i < provider.checks.length; i++)
      expect(provider.checks[i]!).toBeGreaterThan(provider.checks[i - 1]!);
  });

  it("a non-retryable failure leaves the purge not confirmed, with the error, and needs attention", async () => {
    const denied = new FanoutError("PERMISSION_DENIED", "trash: 403", { retryable: false });
    const { fanout, req, provider } = await walk([denied]);
    const status = await fanout.status(req.id);
    expect(status.branches[0]!.purge).toMatchObject({ state: "not_confirmed" });
    expect(status.state).toBe("needs_attention");
    expect(provider.checks).toHaveLength(1);
  });

  it("out of attempts after transient failures: not confirmed, never verified", async () => {
    const { fanout, req, provider } = await walk([unavailable(), unavailable(), unavailable()], {
      maximumAttempts: 2,
    });
    const status = await fanout.status(req.id);
    expect(status.branches[0]!.purge).toMatchObject({ state: "not_confirmed" });
    expect(provider.checks).toHaveLength(2);
  });
});
