/** Chargebee retention sweeps: `expired()` finds customers whose subscriptions were all cancelled before the cut-off. */
import { afterEach, describe, expect, it } from "vitest";
import { createOperationContext } from "../../src/testing/context.js";
import { chargebeeSimulator } from "../../src/testing/simulators/chargebee/index.js";
import { DAY, inactive90, list, months, NOW, prospect24, simulated } from "./sweep-helpers.js";

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!();
});

describe("chargebee expired()", () => {
  it("yields customers cancelled before the cut-off, not recent cancellations, live subscriptions or cleared data", async () => {
    const { adapter, seed } = await simulated(chargebeeSimulator, (c) => open.push(c), {}, 2);
    const closed = seed("closed", {
      stage: "closed",
      createdAt: months(30),
      lastActivityAt: NOW - 120 * DAY,
    });
    seed("recent", { stage: "closed", createdAt: months(30), lastActivityAt: NOW - 10 * DAY });
    seed("customer", { stage: "customer", createdAt: months(40) });
    const found = await list(adapter, inactive90);
    expect(found.map((r) => r.id).sort()).toEqual([...closed].sort());
    expect(found.every((r) => r.type === "customer")).toBe(true);
    // Once its personal data is cleared, a cancelled customer is no longer a candidate.
    const id = closed[0]!;
    const ctx = createOperationContext({ subject: { ids: { chargebee: id } }, now: () => new Date(NOW) });
    await adapter.delete([{ type: "customer", id }], ctx);
    expect((await list(adapter, inactive90)).map((r) => r.id)).toEqual(closed.slice(1));
  });

  it("offers inactive only", async () => {
    const { adapter } = await simulated(chargebeeSimulator, (c) => open.push(c));
    expect(adapter.capabilities.sweeps).toEqual(["inactive"]);
    await expect(list(adapter, prospect24)).rejects.toMatchObject({ code: "CONFIGURATION" });
  });
});
