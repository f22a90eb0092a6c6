// The conformance kit's cases, in-process, against the deliberately broken adapters: the case that
// guards each defect must fail, and it must fail on the notebook's correct adapter never. The same
// check as conformance-catches.test.ts without the child vitest, so that a weakened case (a
// mutation of src/testing/conformance/) shows here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import type { ConformanceCase } from "../../src/testing/conformance/options.js";
import {
  type SimulatorFactory,
  type Simulators,
  startSimulators,
  stripeSimulator,
} from "../../src/testing/index.js";
import { notebookAdapter, notebookSimulator } from "./example/notebook.js";
import { BROKEN_ADAPTERS, GUARDED_BY, WELL_FORMED_RESIDUALS } from "./fixtures/broken-adapters.js";
import { kitCases } from "./fixtures/kit-cases.js";

let sims: Simulators;
beforeAll(async () => {
  sims = await startSimulators({
    providers: [notebookSimulator],
    transport: "http",
    pageSize: 2,
    timeScale: 0.01,
  });
});
afterAll(() => sims?.close());

/** The kit's cases for `adapter`, by name (each with its skip reason, when it does not apply). */
const casesFor = (
  label: string,
  build: (o: Record<string, unknown>) => SubprocessorAdapter,
  factory: SimulatorFactory = notebookSimulator,
  running: () => Simulators | undefined = () => sims,
) => kitCases(label, build, factory, running);

const correct = (o: Record<string, unknown>) => notebookAdapter(o as { token: string; baseUrl: string });

describe("the conformance kit fails the case that guards each defect", () => {
  for (const [variant, guard] of Object.entries(GUARDED_BY)) {
    it(`${guard} fails for an adapter that ${variant.replaceAll("-", " ")}`, async () => {
      const build = BROKEN_ADAPTERS[variant];
      expect(build, variant).toBeDefined();
      const { cases } = casesFor(variant, build!);
      const guarding = cases.get(guard);
      expect(guarding?.unsupported, `${guard} applies to the notebook`).toBeUndefined();
      try {
        await expect(guarding!.run()).rejects.toThrow();
      } finally {
        sims.clearInjections();
      }
    });
  }
});

describe("the notebook's correct adapter passes every case that applies to it", () => {
  // One test per case, so that a mutant of one case runs only that case's test.
  const { cases, bind } = casesFor("correct", correct);
  beforeAll(bind);
  for (const [name, { run, unsupported }] of cases) {
    it.skipIf(unsupported !== undefined)(name, async () => {
      try {
        await run();
      } finally {
        sims.clearInjections();
      }
    });
  }
});

describe("the residuals case accepts what is well-formed", () => {
  it("residuals of every reason, a legal basis, an ISO date-time with an offset", async () => {
    const { cases } = casesFor("good-residuals", (o) => {
      const a = correct(o);
      return {
        ...a,
        async delete(refs, ctx) {
          return { ...(await a.delete(refs, ctx)), residual: WELL_FORMED_RESIDUALS as never };
        },
        async status(refs, deletion, ctx) {
          return {
            ...(await a.status(refs, deletion, ctx)),
            residual: WELL_FORMED_RESIDUALS.slice(1) as never,
          };
        },
      };
    });
    await cases.get("residuals")!.run();
  });
});

describe("coverage is optional", () => {
  it("locate-email and locate-phone pass an adapter that reports none", async () => {
    const { cases, bind } = casesFor("no-coverage", (o) => {
      const a = correct(o);
      return {
        ...a,
        async locate(subject, ctx) {
          const { refs } = await a.locate(subject, ctx);
          return { refs };
        },
      };
    });
    bind();
    await cases.get("locate-email")!.run();
    await cases.get("locate-phone")!.run();
  });
});

describe("cases that do not apply skip themselves, saying why", () => {
  it("locate-phone, when the adapter's lookup has no phone", () => {
    const { cases } = casesFor("no-phone", (o) => {
      const a = correct(o);
      return { ...a, capabilities: { ...a.capabilities, lookup: ["email", "id"] } };
    });
    expect(cases.get("locate-phone")?.unsupported).toBe('capabilities.lookup does not include "phone"');
    expect(cases.get("locate-email")?.unsupported).toBeUndefined();
  });
});

describe("the restrict cases skip themselves, saying why", () => {
  it("for an adapter without restrict", () => {
    const { cases } = casesFor("no-restrict", correct);
    for (const name of ["restrict-roundtrip", "restrict-twice", "unrestrict-without-undo"] as const)
      expect(cases.get(name)?.unsupported).toBe("the adapter has no restrict capability");
  });

  it("for an adapter whose restrict cannot be undone", () => {
    const { cases } = casesFor(
      "one-way",
      (o) => {
        const a = stripeSimulator.createAdapter(o);
        return { ...a, capabilities: { ...a.capabilities, unrestrict: false } };
      },
      stripeSimulator,
      () => undefined,
    );
    for (const name of ["restrict-roundtrip", "restrict-twice", "unrestrict-without-undo"] as const)
      expect(cases.get(name)?.unsupported).toBe(
        "the adapter's restrict cannot be undone (capabilities.unrestrict is false)",
      );
    expect(
      casesFor("two-way", stripeSimulator.createAdapter, stripeSimulator, () => undefined).cases.get(
        "restrict-roundtrip",
      )?.unsupported,
    ).toBeUndefined();
  });
});

// The restrict cases, on an adapter that has a reversible first phase (Stripe's), each broken once.
type Breakage = (a: SubprocessorAdapter) => SubprocessorAdapter;
const BROKEN_RESTRICT: Record<string, [ConformanceCase, Breakage]> = {
  "restricts nothing": [
    "restrict-roundtrip",
    (a) => ({ ...a, restrict: async () => ({ undo: null, restricted: 0 }) }),
  ],
  "undoes nothing": ["restrict-roundtrip", (a) => ({ ...a, unrestrict: async () => {} })],
  "forgets what its first run restricted": [
    "restrict-twice",
    (a) => {
      const seen = new Set<string>();
      return {
        ...a,
        async restrict(refs, ctx) {
          const first = !seen.has(ctx.requestId);
          seen.add(ctx.requestId);
          const done = await a.restrict!(refs, ctx);
          return first ? done : { undo: { subscriptions: [] }, restricted: 0 };
        },
      };
    },
  ],
  "keeps the subject's email in its undo record": [
    "restrict-roundtrip",
    (a) => ({
      ...a,
      async restrict(refs, ctx) {
        const done = await a.restrict!(refs, ctx);
        return { ...done, undo: { kept: done.undo ?? null, for: ctx.subject.email ?? "" } };
      },
      unrestrict: (refs, undo, ctx) => a.unrestrict!(refs, (undo as { kept?: never } | undefined)?.kept, ctx),
    }),
  ],
  "needs the undo record": [
    "unrestrict-without-undo",
    (a) => ({
      ...a,
      unrestrict: async (refs, undo, ctx) =>
        undo === undefined ? undefined : a.unrestrict!(refs, undo, ctx),
    }),
  ],
};

describe("the restrict cases fail an adapter whose reversible phase is broken", () => {
  let stripeSims: Simulators;
  beforeAll(async () => {
    stripeSims = await startSimulators({ providers: [stripeSimulator], pageSize: 2, timeScale: 0.01 });
  });
  afterAll(() => stripeSims?.close());
  const stripe = (o: Record<string, unknown>) => stripeSimulator.createAdapter(o);

  for (const [defect, [guard, breakage]] of Object.entries(BROKEN_RESTRICT)) {
    it(`${guard} fails for an adapter that ${defect}`, async () => {
      const { cases, bind } = casesFor(
        defect.replaceAll(" ", "-"),
        (o) => breakage(stripe(o)),
        stripeSimulator,
        () => stripeSims,
      );
      bind();
      await expect(cases.get(guard)!.run()).rejects.toThrow();
    });
  }

  it("fail, saying so, for an adapter whose capabilities promise an unrestrict it lacks", async () => {
    const lacking = (o: Record<string, unknown>) => {
      const { unrestrict: _none, ...rest } = stripe(o);
      return rest as SubprocessorAdapter;
    };
    const { cases, bind } = casesFor("lacks-unrestrict", lacking, stripeSimulator, () => stripeSims);
    bind();
    for (const name of ["restrict-roundtrip", "restrict-twice", "unrestrict-without-undo"] as const)
      await expect(cases.get(name)!.run()).rejects.toThrow(
        "restrict/unrestrict missing although capabilities say otherwise",
      );
  });

  for (const guard of new Set(Object.values(BROKEN_RESTRICT).map(([g]) => g))) {
    it(`${guard} passes for Stripe's own adapter`, async () => {
      const { cases, bind } = casesFor(`stripe-${guard}`, stripe, stripeSimulator, () => stripeSims);
      bind();
      await cases.get(guard)!.run();
    });
  }
});
