/** Pipedrive retention sweeps: `expired()` against the simulator's persons list (`updated_until`, won deals, v2 cursors). */
import { afterEach, describe, expect, it } from "vitest";
import { pipedriveSimulator } from "../../src/testing/simulators/pipedrive/index.js";
import { inactive90, list, months, prospect24, simulated } from "./sweep-helpers.js";

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!();
});

describe("pipedrive expired()", () => {
  it("yields persons without a won deal, added and updated before the cut-off, across pages", async () => {
    const { adapter, seed } = await simulated(pipedriveSimulator, (c) => open.push(c));
    const old = [1, 2, 3, 4].map(
      (i) => seed(`old${i}`, { stage: "prospect", createdAt: months(30 + i) })[0]!,
    );
    seed("young", { stage: "prospect", createdAt: months(6) });
    seed("touched", { stage: "prospect", createdAt: months(40), lastActivityAt: months(3) });
    seed("customer", { stage: "customer", createdAt: months(40) });
    const all = await list(adapter, prospect24);
    expect(all.map((r) => r.id)).toEqual(old);
    expect(all.every((r) => r.type === "person")).toBe(true);
    // Resuming from a record's cursor reads its page again: nothing is lost, a few come twice.
    const rest = await list(adapter, prospect24, all[3]!.cursor);
    expect(rest.map((r) => r.id)).toContain(old[3]);
    expect(old.slice(0, 3).filter((id) => !rest.some((r) => r.id === id)).length).toBeGreaterThan(0);
  });

  it("offers prospect only", async () => {
    const { adapter } = await simulated(pipedriveSimulator, (c) => open.push(c));
    expect(adapter.capabilities.sweeps).toEqual(["prospect"]);
    await expect(list(adapter, inactive90)).rejects.toMatchObject({ code: "CONFIGURATION" });
  });
});
