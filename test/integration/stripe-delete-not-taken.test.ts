// An erasure whose first Stripe customer delete does not take (Stripe answered it as a success and
// kept the customer): the saga's verify finds the customer live, deletes again, and completes with
// nothing live — judged by the simulator's oracle, not by what the adapter says.
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";

const EMAIL = "kept.once@acme.test";
let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

describe.each(["http", "nock"] as const)(
  "stripe: a customer delete that does not take, over %s",
  (transport) => {
    it("is deleted again in the next round and the erasure completes with nothing live", async () => {
      sims = await startSimulators({ providers: ["stripe"], transport, pageSize: 3, timeScale: 0.001 });
      const ids = await sims.seedSubject({ email: EMAIL }, { records: 4 });
      const kept = sims.keepOnDelete("stripe", { type: "customer", times: 1 });
      const fanout = createFanout({
        adapters: sims.adapters(),
        store: memoryStore(),
        secret: "stripe-kept-delete-secret-0123456789",
        pollInterval: 20,
      });
      const req = await fanout.erase({ email: EMAIL, ids }, { reason: "account-closed" });
      for (let i = 0; i < 300; i++) {
        await fanout.drain();
        const s = await fanout.status(req.id);
        if (s.state === "completed" || s.state === "needs_attention") break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(kept.fired, "the first customer delete did not take").toBe(1);
      const status = await fanout.status(req.id);
      expect(sims.oracle("stripe", EMAIL).live, "live records at Stripe").toBe(0);
      expect(status.attention).toBeNull();
      expect(status.state).toBe("completed");
      expect(status.branches[0]?.outcome).toBe("erased");
      // Deleted once (the delete that did not take applied nothing), each document redacted once.
      expect([...sims.simulator("stripe").destructiveApplications().values()].every((n) => n === 1)).toBe(
        true,
      );
    });
  },
);
