// The conformance kit's integration-scope cases, in-process, against Capsule's adapter (its
// simulator models what a phone integration wrote) broken one way at a time: each defect fails
// exactly the cases that guard it, and the adapter as shipped passes every case. The adapters'
// own suites run these cases too, but outside the mutation scope's tests: here a weakened case (a
// mutation of src/testing/conformance/cases-integration.ts) shows.
import { describe, expect, it } from "vitest";
import type { OperationContext, SubprocessorAdapter } from "../../src/adapter.js";
import { integrationCases, integrationUnsupported } from "../../src/testing/conformance/cases-integration.js";
import { createHarness } from "../../src/testing/conformance/harness.js";
import type { CaseDefiner } from "../../src/testing/conformance/index.js";
import type { ConformanceCase } from "../../src/testing/conformance/options.js";
import {
  capsuleSimulator,
  createSimEnvironment,
  type SimulatorFactory,
  startSimulators,
} from "../../src/testing/index.js";
import { notebookSimulator } from "./example/notebook.js";

type Build = (o: Record<string, unknown>) => SubprocessorAdapter;
type Declared = { run: () => Promise<void>; unsupported: string | undefined };

const CASES = [
  "integration-erase",
  "integration-number",
  "integration-ids",
  "integration-foreign",
  "integration-unknown",
] as const satisfies readonly ConformanceCase[];

/** The integration cases for `build`'s adapter, declared against a simulator of `factory`. */
function casesFor(build: Build, modelsIt = true, factory: SimulatorFactory = capsuleSimulator) {
  // A delete's status is polled for at most 300 ms (Capsule's settles at once).
  const h = createHarness("http", factory, { simulator: factory, verifyTimeoutMs: 300 });
  h.adapter = build(factory.create(createSimEnvironment()).adapterOptions("http://127.0.0.1:9"));
  const cases = new Map<ConformanceCase, Declared>();
  const define: CaseDefiner = (name, run, unsupported) => cases.set(name, { run, unsupported });
  integrationCases(h, define, modelsIt);
  return { h, cases };
}

/** Runs every case against fresh simulators; returns the names of those that failed. */
async function failing(build: Build, factory: SimulatorFactory = capsuleSimulator) {
  const { h, cases } = casesFor(build, true, factory);
  h.sims = await startSimulators({ providers: [factory], transport: "http", pageSize: 2, timeScale: 0.01 });
  try {
    h.adapter = build(h.sims.options[factory.id] ?? {});
    const failed: ConformanceCase[] = [];
    for (const [name, { run, unsupported }] of cases) {
      expect(unsupported, `${name} applies`).toBeUndefined();
      await run().catch(() => failed.push(name));
    }
    return failed;
  } finally {
    await h.sims.close();
  }
}

const capsule: Build = (o) => capsuleSimulator.createAdapter(o);
const inScope = (ctx: OperationContext) => ctx.scope === "integration";

/** Capsule's adapter with `change` applied to what it does in integration scope. */
const broken =
  (change: (a: SubprocessorAdapter) => Partial<SubprocessorAdapter>): Build =>
  (o) => {
    const a = capsule(o);
    return { ...a, ...change(a) };
  };

/** Each defect, the cases it must fail (in the order the kit declares them). */
const DEFECTS: Record<string, [Build, ConformanceCase[]]> = {
  "works as the account, not as the integration": [
    broken((a) => {
      const asAccount = (ctx: OperationContext) => ({ ...ctx, scope: "subject" as const });
      return {
        locate: (s, ctx) => a.locate(s, asAccount(ctx)),
        delete: (refs, ctx) => a.delete(refs, asAccount(ctx)),
        status: (refs, d, ctx) => a.status(refs, d, asAccount(ctx)),
      };
    }),
    ["integration-erase", "integration-number", "integration-ids"],
  ],
  "misses the last call it found": [
    broken((a) => ({
      async locate(s, ctx) {
        const found = await a.locate(s, ctx);
        return inScope(ctx) && found.refs.length > 1 ? { ...found, refs: found.refs.slice(0, -1) } : found;
      },
    })),
    ["integration-erase"],
  ],
  "puts the caller's number in its refs": [
    broken((a) => ({
      async locate(s, ctx) {
        const found = await a.locate(s, ctx);
        return { ...found, refs: found.refs.map((r) => ({ ...r, scope: `caller ${ctx.subject.phone}` })) };
      },
    })),
    ["integration-erase"],
  ],
  "names the number in its delete's detail": [
    broken((a) => ({
      async delete(refs, ctx) {
        return { ...(await a.delete(refs, ctx)), detail: `calls of ${ctx.subject.phone} erased` };
      },
    })),
    // integration-ids gives no number.
    ["integration-erase", "integration-number"],
  ],
  "deletes nothing": [
    broken((a) => ({
      async delete(refs, ctx) {
        return inScope(ctx) ? { outcome: "erased", deleted: 0 } : a.delete(refs, ctx);
      },
    })),
    ["integration-erase", "integration-number", "integration-ids"],
  ],
  "reports its delete as pending forever": [
    broken(() => ({ status: async (refs) => ({ state: "pending", remaining: refs.length }) })),
    ["integration-erase", "integration-number", "integration-ids"],
  ],
  "reports a record left after its delete": [
    broken((a) => ({
      async status(refs, d, ctx) {
        return { ...(await a.status(refs, d, ctx)), remaining: 1 };
      },
    })),
    ["integration-erase", "integration-number", "integration-ids"],
  ],
  "does not say it searched by id": [
    broken((a) => ({
      async locate(s, ctx) {
        const found = await a.locate(s, ctx);
        return { ...found, coverage: { types: [], ...found.coverage, searchedBy: ["phone"] } };
      },
    })),
    ["integration-erase"],
  ],
  "says it searched by email": [
    broken((a) => ({
      async locate(s, ctx) {
        const found = await a.locate(s, ctx);
        const searchedBy = [...(found.coverage?.searchedBy ?? []), "email" as const];
        return { ...found, coverage: { types: [], ...found.coverage, searchedBy } };
      },
    })),
    // integration-erase asks for phone and id among others.
    ["integration-number", "integration-unknown"],
  ],
  "ignores the ids it is given": [
    broken((a) => ({
      locate: (s, ctx) => a.locate({ ...s, ids: {} }, ctx),
    })),
    ["integration-erase", "integration-ids"],
  ],
  "locates each id twice": [
    broken((a) => ({
      async locate(s, ctx) {
        const found = await a.locate(s, ctx);
        return s.phone === undefined ? { ...found, refs: [...found.refs, ...found.refs] } : found;
      },
    })),
    ["integration-ids"],
  ],
  "finds something for anyone": [
    broken((a) => ({
      async locate(s, ctx) {
        const found = await a.locate(s, ctx);
        return found.refs.length > 0 ? found : { ...found, refs: [{ type: "entry", id: "1" }] };
      },
    })),
    ["integration-erase", "integration-foreign", "integration-unknown"],
  ],
};

describe("the integration cases fail exactly the cases that guard each defect", () => {
  for (const [defect, [build, expected]] of Object.entries(DEFECTS)) {
    it(`an adapter that ${defect}`, async () => {
      expect(await failing(build)).toEqual(expected);
    });
  }
});

describe("an adapter that keeps integration scope", () => {
  it("passes every integration case (Capsule's, as shipped)", async () => {
    expect(await failing(capsule)).toEqual([]);
  });
});

describe("the integration cases skip themselves, saying why", () => {
  it("for an adapter without integration scope", () => {
    const { cases, h } = casesFor((o) => {
      const a = capsule(o);
      const { integrationLookup: _none, ...capabilities } = a.capabilities;
      return { ...a, capabilities };
    });
    const why = "the adapter has no integration scope (capabilities.integrationLookup)";
    expect([...cases.keys()]).toEqual(CASES);
    for (const name of CASES) expect(cases.get(name)?.unsupported).toBe(why);
    expect(integrationUnsupported(h, false)).toBe(why);
  });

  it("for a simulator that does not model it", () => {
    const { cases } = casesFor(capsule, false);
    for (const name of CASES)
      expect(cases.get(name)?.unsupported).toBe(
        "the simulator does not model integration scope (seedIntegration)",
      );
    expect(casesFor(capsule, true).cases.get("integration-erase")?.unsupported).toBeUndefined();
  });

  it("and fail, saying so, when told the simulator models it and it does not", async () => {
    const claims: Build = (o) => {
      const a = notebookSimulator.createAdapter(o);
      return { ...a, capabilities: { ...a.capabilities, integrationLookup: ["phone", "id"] } };
    };
    const { h, cases } = casesFor(claims, true, notebookSimulator);
    h.sims = await startSimulators({ providers: [notebookSimulator], transport: "http", timeScale: 0.01 });
    try {
      h.adapter = claims(h.sims.options.notebook ?? {});
      await expect(cases.get("integration-number")!.run()).rejects.toThrow(
        "the simulator has no seedIntegration",
      );
    } finally {
      await h.sims.close();
    }
  });
});
