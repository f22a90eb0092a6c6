// An erasure saga, end to end, against the Stripe simulator: the oracle is what decides.
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";

const EMAIL = "jane.doe@acme.test";
let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

describe.each(["http", "nock"] as const)("erasure saga against the Stripe simulator over %s", (transport) => {
  it("restricts, erases and verifies until the oracle is empty", async () => {
    sims = await startSimulators({ providers: ["stripe"], transport, pageSize: 3, timeScale: 0.001 });
    const ids = await sims.seedSubject({ email: EMAIL }, { records: 7 });
    expect((await sims.remaining(EMAIL)).stripe).toBeGreaterThan(0);
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: "stripe-saga-secret-0123456789",
      pollInterval: 20,
    });
    const req = await fanout.erase({ email: EMAIL, ids }, { reason: "account-closed" });
    for (let i = 0; i < 200; i++) {
      await fanout.drain();
      const s = await fanout.status(req.id);
      if (s.state === "completed" || s.state === "needs_attention") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const status = await fanout.status(req.id);
    expect(status.attention).toBeNull();
    expect(status.state).toBe("completed");
    expect((await sims.remaining(EMAIL)).stripe).toBe(0);
    expect(sims.oracle("stripe", EMAIL).restricted).toBe(0);
    expect([...sims.simulator("stripe").destructiveApplications().values()].every((n) => n === 1)).toBe(true);
    const receipt = await fanout.receipt(req.id);
    expect(receipt.branches[0]?.jobs.length).toBeGreaterThan(0); // the redaction job, polled in verify
    expect(JSON.stringify(receipt)).not.toContain(EMAIL);
  });
});
