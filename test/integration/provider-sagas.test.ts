// An erasure saga, end to end, against each registered provider simulator: the oracle decides.
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, simulators, startSimulators } from "../../src/testing/index.js";

const EMAIL = "jane.doe@acme.test";
let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

const cases = simulators.flatMap((factory) =>
  (["http", "nock"] as const).map((transport) => [factory.id, transport] as const),
);

describe.each(cases)("erasure saga against the %s simulator over %s", (provider, transport) => {
  it("restricts, erases and verifies until nothing is live", async () => {
    sims = await startSimulators({ providers: [provider], transport, pageSize: 3, timeScale: 0.001 });
    const ids = await sims.seedSubject({ email: EMAIL }, { records: 7 });
    expect(sims.oracle(provider, EMAIL).live).toBeGreaterThan(0);
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: "provider-saga-secret-0123456789",
      pollInterval: 20,
    });
    const req = await fanout.erase({ email: EMAIL, ids }, { reason: "account-closed" });
    for (let i = 0; i < 300; i++) {
      await fanout.drain();
      const s = await fanout.status(req.id);
      if (s.state === "completed" || s.state === "needs_attention") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const status = await fanout.status(req.id);
    expect(status.attention).toBeNull();
    expect(status.state).toBe("completed");
    expect(["erased", "anonymized", "scheduled"]).toContain(status.branches[0]?.outcome);
    if (status.branches[0]?.outcome === "scheduled") expect(status.branches[0]?.eta).not.toBeNull();
    expect((await sims.remaining(EMAIL))[provider]).toBe(0);
    expect([...sims.simulator(provider).destructiveApplications().values()].every((n) => n === 1)).toBe(true);
    const receipt = await fanout.receipt(req.id);
    expect(JSON.stringify(receipt)).not.toContain(EMAIL);
    expect((await fanout.verifyReceipt(receipt)).valid).toBe(true);
  });
});
