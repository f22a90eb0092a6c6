// Reliability: a Pipedrive delete cut short by a provider error at any point, then retried, still
// leaves nothing of the subject live (found by the fault suite in test/slow/faults.test.ts).
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";

const EMAIL = "partial.delete@example.test";
let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

describe("Pipedrive delete interrupted at every write", () => {
  it.each(Array.from({ length: 14 }, (_, k) => k))("a 500 on write #%i after the pivot", async (k) => {
    sims = await startSimulators({ providers: ["pipedrive"], transport: "nock", pageSize: 4, timeScale: 0.001 });
    await sims.seedSubject({ email: EMAIL }, { records: 3 });
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: "partial-delete-secret-0123456789",
      retry: { initialInterval: 1, maximumInterval: 5, maximumAttempts: 10 },
      pollInterval: 5,
    });
    const req = await fanout.erase({ email: EMAIL });
    sims.inject("pipedrive", { status: 500, match: { method: "DELETE" }, afterCalls: k });
    for (let i = 0; i < 200; i++) {
      await fanout.drain();
      const s = await fanout.status(req.id);
      if (s.state === "completed" || s.state === "needs_attention") break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const status = await fanout.status(req.id);
    expect(status.state).toBe("completed");
    const oracle = sims.oracle("pipedrive", EMAIL);
    expect(oracle.live, JSON.stringify(oracle.byType)).toBe(0);
  });
});
