/** Capsule retention sweeps: `expired()` against the simulator's party filters (tags, dates, id keyset). */
import { afterEach, describe, expect, it } from "vitest";
import { capsuleSimulator, createCapsuleSimulator } from "../../src/testing/simulators/capsule/index.js";
import { inactive90, list, months, prospect24, simulated } from "./sweep-helpers.js";

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!();
});

describe("capsule expired()", () => {
  it("yields untagged people added and untouched before the cut-off, in id order, and resumes after a cursor", async () => {
    const { adapter, seed } = await simulated(capsuleSimulator, (c) => open.push(c));
    const old = [1, 2, 3, 4].map(
      (i) => seed(`old${i}`, { stage: "prospect", createdAt: months(30 + i) })[0]!,
    );
    seed("young", { stage: "prospect", createdAt: months(6) });
    seed("contacted", { stage: "prospect", createdAt: months(40), lastActivityAt: months(1) });
    seed("customer", { stage: "customer", createdAt: months(40) });
    const all = await list(adapter, prospect24);
    expect(all.map((r) => r.id)).toEqual(old);
    expect(all.every((r) => r.type === "party" && r.cursor === r.id)).toBe(true);
    expect((await list(adapter, prospect24, all[1]!.cursor)).map((r) => r.id)).toEqual(old.slice(2));
  });

  it("takes the account's own customer tags", async () => {
    // An account that tags its customers "Client": with the default tags its customers look like prospects.
    const factory = createCapsuleSimulator({ existingTags: ["Client"] });
    const plain = await simulated(factory, (c) => open.push(c));
    const client = plain.seed("client", { stage: "customer", createdAt: months(30) })[0]!;
    expect((await list(plain.adapter, prospect24)).map((r) => r.id)).toEqual([client]);
    const told = await simulated(factory, (c) => open.push(c), { sweep: { customerTags: ["Client"] } });
    told.seed("client", { stage: "customer", createdAt: months(30) });
    const prospect = told.seed("prospect", { stage: "prospect", createdAt: months(30) })[0]!;
    expect((await list(told.adapter, prospect24)).map((r) => r.id)).toEqual([prospect]);
  });

  it("offers prospect only", async () => {
    const { adapter } = await simulated(capsuleSimulator, (c) => open.push(c));
    expect(adapter.capabilities.sweeps).toEqual(["prospect"]);
    await expect(list(adapter, inactive90)).rejects.toMatchObject({ code: "CONFIGURATION" });
  });
});
