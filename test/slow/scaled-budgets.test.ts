// 30 subjects erased across all seven simulated providers at timeScale 0.01 (issue #23): with the
// budgets the adapters declare scaled like the simulators' windows, the batch is bound by CPU and
// Chargebee's scaled budget (≈1,100 Chargebee calls at 150 per 600 ms ≈ 4.5 s), not by the real
// budgets (≈7 minutes of Chargebee's 150 a minute). Measured on the shared 2-core machine under a
// load average of 15: 47–64 s, CPU-bound (≈8,000 simulated calls).
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";

let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

describe("simulators at timeScale 0.01", () => {
  it("30 subjects erased across all seven providers at timeScale 0.01, settled in seconds", async () => {
    sims = await startSimulators({ transport: "nock", timeScale: 0.01 });
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: "scaled-budgets-secret-0123456789",
      pollInterval: sims.pollInterval,
      concurrency: 30,
    });
    const emails = Array.from({ length: 30 }, (_, i) => `person${i}@acme.test`);
    const started = Date.now();
    for (const email of emails) {
      const ids = await sims.seedSubject({ email }, { records: 2 });
      await fanout.erase({ email, ids });
    }
    await fanout.settle({ timeoutMs: 250_000 });
    const seconds = (Date.now() - started) / 1000;
    const states = (await fanout.list({ limit: 100 })).items.map((r) => r.state);
    expect(states.filter((s) => s === "completed")).toHaveLength(30);
    for (const email of emails)
      expect(Object.values(await sims.remaining(email)).every((n) => n === 0)).toBe(true);
    console.log(`30 subjects x ${sims.providers.length} providers settled in ${seconds.toFixed(1)} s`);
    // Unscaled, Chargebee's calls alone would need ~7 minutes; on a loaded shared machine ~1 minute.
    expect(seconds).toBeLessThan(180);
  }, 300_000);
});
