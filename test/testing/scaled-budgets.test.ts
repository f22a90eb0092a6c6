// sims.adapters() declares the providers' budgets scaled like the simulators' windows, and
// sims.pollInterval fits the scaled job delays: a batch of erasures at timeScale 0.01 takes seconds,
// not the minutes the real budgets (Chargebee: 150 requests a minute) would need.
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";

let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

describe("simulators at a time scale", () => {
  it("scales the declared budgets and the poll interval", async () => {
    sims = await startSimulators({
      transport: "nock",
      timeScale: 0.01,
      providers: ["chargebee", "pipedrive"],
    });
    const [chargebee, pipedrive] = sims.adapters();
    expect(chargebee?.rateLimit).toEqual({ requests: 150, intervalMs: 600 });
    expect(pipedrive?.rateLimit?.intervalMs).toBe(20);
    expect(sims.pollInterval).toBe(50);
  });

  it("Chargebee's 150 requests a minute scaled: 10 erasures settle in seconds, not minutes", async () => {
    sims = await startSimulators({ transport: "nock", timeScale: 0.01, providers: ["chargebee"] });
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: "scaled-budgets-secret-0123456789",
      pollInterval: sims.pollInterval,
      concurrency: 10,
    });
    const emails = Array.from({ length: 10 }, (_, i) => `person${i}@acme.test`);
    for (const email of emails) {
      const ids = await sims.seedSubject({ email }, { records: 1 });
      await fanout.erase({ email, ids });
    }
    const started = Date.now();
    await fanout.settle({ timeoutMs: 60_000 });
    const calls = sims.calls("chargebee").length;
    // Unscaled, these calls alone would need calls / 150 minutes.
    expect(calls).toBeGreaterThan(150);
    expect(Date.now() - started).toBeLessThan(20_000);
    const states = (await fanout.list({ limit: 100 })).items.map((r) => r.state);
    expect(states.filter((s) => s === "completed")).toHaveLength(10);
    for (const email of emails) expect(await sims.remaining(email)).toEqual({ chargebee: 0 });
  }, 60_000);
});
