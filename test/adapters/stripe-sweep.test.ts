/** Stripe retention sweeps: `expired()` finds customers whose subscriptions all ended before the cut-off. */
import { afterEach, describe, expect, it } from "vitest";
import { createOperationContext } from "../../src/testing/context.js";
import { stripeSimulator } from "../../src/testing/simulators/stripe/index.js";
import { budget, DAY, inactive90, list, months, NOW, prospect24, simulated } from "./sweep-helpers.js";

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!();
});

describe("stripe expired()", () => {
  it("yields customers whose subscriptions all ended before the cut-off; not recent ends, live ones or deleted customers", async () => {
    const { adapter, seed } = await simulated(stripeSimulator, (c) => open.push(c), {}, 2);
    const closed = [1, 2, 3].map(
      (i) =>
        seed(`closed${i}`, {
          stage: "closed",
          createdAt: months(30),
          lastActivityAt: NOW - (100 + i) * DAY,
        })[0]!,
    );
    seed("recent", { stage: "closed", createdAt: months(30), lastActivityAt: NOW - 10 * DAY });
    seed("customer", { stage: "customer", createdAt: months(40) });
    const found = await list(adapter, inactive90);
    expect(found.map((r) => r.id).sort()).toEqual([...closed].sort());
    // Resuming after the first record's subscription continues with the others.
    const rest = await list(adapter, inactive90, found[0]!.cursor);
    expect(rest.map((r) => r.id)).toEqual(found.slice(1).map((r) => r.id));
    // A deleted customer is no longer a candidate.
    const ctx = createOperationContext({
      subject: { ids: { stripe: closed[0]! } },
      now: () => new Date(NOW),
      rateLimit: budget(adapter),
    });
    await adapter.delete([{ type: "customer", id: closed[0]! }], ctx);
    expect((await list(adapter, inactive90)).map((r) => r.id)).not.toContain(closed[0]);
  });

  it("offers inactive only", async () => {
    const { adapter } = await simulated(stripeSimulator, (c) => open.push(c));
    expect(adapter.capabilities.sweeps).toEqual(["inactive"]);
    await expect(list(adapter, prospect24)).rejects.toMatchObject({ code: "CONFIGURATION" });
  });
});
