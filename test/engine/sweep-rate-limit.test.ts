// A sweep's listing answered with a 429: the sweep pauses the adapter's budget for the provider's
// Retry-After (so every request sharing the credential waits too, as a step's 429 does), announces
// the retry with its wait, resumes from its cursor and files each expired record once.
import { describe, expect, it } from "vitest";
import { monthsBefore } from "../../src/engine/sweep-cutoff.js";
import { createFanout, memoryStore, type RateLimitSpec } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { SECRET } from "./helpers.js";
import { FakeCrm } from "./sweep-fake.js";

describe("a sweep's listing answered with a 429", () => {
  it("penalises the adapter's budget for the Retry-After, announces the wait, and files every record once", async () => {
    const clock = fakeClock();
    const crm = new FakeCrm();
    const old = crm.add(30, "prospect", monthsBefore(clock.now(), 30));
    crm.failAt = { index: 12, code: "RATE_LIMITED", retryAfterMs: 40 };
    const penalties: [string, number][] = [];
    const fanout = createFanout({
      adapters: [crm.adapter()],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
      random: () => 0.5,
      rateLimiter: {
        async acquire(_key: string, _spec: RateLimitSpec) {},
        penalize(key: string, ms: number) {
          penalties.push([key, ms]);
        },
      },
    });
    const retrying: { attempt: number; retryInMs: number; adapter: string }[] = [];
    fanout.on("sweep.retrying", (e) => retrying.push(e as never));
    const result = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result.adapters.crm).toMatchObject({ state: "completed" });
    expect(penalties).toEqual([["crm", 40]]);
    expect(retrying).toHaveLength(1);
    expect(retrying[0]).toMatchObject({ adapter: "crm", attempt: 1 });
    expect(retrying[0]!.retryInMs).toBeGreaterThanOrEqual(40);
    // The second listing started from the cursor the first reached, not from the beginning.
    expect(crm.listings).toHaveLength(2);
    expect(crm.listings[1]).toBeDefined();
    expect(result).toMatchObject({ found: old.length, filed: old.length, existing: 0 });
  });
});
