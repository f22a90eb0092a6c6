// Retention sweeps against the four CRM simulators (issue #17): prospects of several ages and
// stages are seeded in each, a `prospect` sweep with a 24-month period erases exactly those past it,
// judged by the simulators' oracles; the young, the recently active and the customers are untouched.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { monthsBefore } from "../../src/engine/sweep-cutoff.js";
import { createFanout, memoryStore, type SagaStore } from "../../src/index.js";
import { checkCallsAgainstSpecs, type Simulators, startSimulators } from "../../src/testing/index.js";
import { clock, NOW, settleAll, sweepRequests } from "./sweep-helpers.js";

const CRMS = ["hubspot", "pipedrive", "zoho", "capsule"] as const;
const SECRET = "retention-sweeps-secret-0123456789";
const TIME_SCALE = 0.001;

let sims: Simulators | undefined;
afterEach(async () => {
  await sims?.close();
  sims = undefined;
});

const person = (name: string) => ({ email: `${name}@prospects.test`, name: `Sweep ${name}` });

async function seedPeople(s: Simulators) {
  const m = (n: number) => monthsBefore(NOW, n);
  const people = {
    // Past the 24 months: erased.
    old30: { stage: "prospect", createdAt: m(30) },
    old48: { stage: "prospect", createdAt: m(48), lastActivityAt: m(26) },
    // Within them, or a customer: untouched.
    young: { stage: "prospect", createdAt: m(12) },
    active: { stage: "prospect", createdAt: m(40), lastActivityAt: m(3) },
    customer: { stage: "customer", createdAt: m(60) },
  } as const;
  for (const [name, options] of Object.entries(people))
    await s.seedSubject(person(name), { records: 1, ...options });
  return Object.keys(people);
}

async function sweepRequestIds(store: SagaStore): Promise<string[]> {
  return (await sweepRequests(store)).map((r) => r.id);
}

describe("a 24-month prospect sweep across HubSpot, Pipedrive, Zoho and Capsule", () => {
  it("erases exactly the prospects past 24 months in each CRM; the young, the active and the customers stay", async () => {
    const c = clock();
    sims = await startSimulators({
      providers: [...CRMS],
      transport: "nock",
      pageSize: 3,
      timeScale: TIME_SCALE,
      now: c.now,
    });
    const names = await seedPeople(sims);
    const before = Object.fromEntries(
      await Promise.all(names.map(async (n) => [n, await sims!.remaining(person(n))])),
    );
    for (const n of names)
      for (const crm of CRMS) expect(before[n][crm], `${n} in ${crm}`).toBeGreaterThan(0);
    const store = memoryStore();
    const fanout = createFanout({
      // sims.adapters() declares budgets scaled by timeScale, endpoint budgets of sweeps included.
      adapters: sims.adapters(),
      store,
      secret: SECRET,
      now: c.now,
      pollInterval: 10,
      retry: { initialInterval: 10 },
    });

    const dry = await fanout.sweep({ policy: "prospect", olderThan: "24mo", dryRun: true });
    expect(Object.keys(dry.adapters).sort()).toEqual([...CRMS].sort());
    for (const crm of CRMS)
      expect(dry.adapters[crm], crm).toMatchObject({ state: "completed", found: 2, filed: 0 });
    expect(await sweepRequestIds(store)).toEqual([]);

    const result = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    for (const crm of CRMS)
      expect(result.adapters[crm], crm).toMatchObject({ state: "completed", found: 2, filed: 2 });
    const ids = await sweepRequestIds(store);
    expect(ids).toHaveLength(8);
    // Where the official specs are at hand, every call the sweeps made is an operation in them.
    const specs = process.env.GDPR_FANOUT_SPECS_DIR;
    if (specs) {
      for (const p of ["hubspot", "zoho"]) {
        const calls = sims.calls(p).filter((c) => !c.path.startsWith("/oauth/"));
        expect(checkCallsAgainstSpecs(calls, join(specs, p)), p).toEqual([]);
      }
    }
    // The dry run's fingerprints are the filed requests' subjects.
    const filed = new Set((await Promise.all(ids.map((id) => fanout.status(id)))).map((s) => s.subject));
    expect(filed).toEqual(new Set(CRMS.flatMap((crm) => dry.adapters[crm]!.fingerprints ?? [])));

    const states = await settleAll(fanout, c, ids);
    expect(states.every((s) => s === "completed")).toBe(true);
    for (const id of ids) {
      const status = await fanout.status(id);
      expect(status.branches).toHaveLength(1);
      expect(status.branches[0]!.outcome).toMatch(/^(erased|scheduled)$/);
    }
    for (const n of names) {
      const after = await sims.remaining(person(n));
      for (const crm of CRMS) {
        if (n === "old30" || n === "old48") expect(after[crm], `${n} in ${crm}`).toBe(0);
        else expect(after[crm], `${n} in ${crm}`).toBe(before[n][crm]);
      }
    }
    // Nothing was applied twice to any record.
    for (const crm of CRMS) {
      for (const [key, n] of sims.simulator(crm).destructiveApplications())
        expect(n, `${crm} ${key}`).toBe(1);
    }

    // A second sweep of the policy finds nothing more to do.
    const again = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(again.filed).toBe(0);
    expect(await sweepRequestIds(store)).toHaveLength(8);
  });
});
