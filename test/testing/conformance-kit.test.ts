// The conformance kit's cases, in-process, against the deliberately broken adapters: the case that
// guards each defect must fail, and it must fail on the notebook's correct adapter never. The same
// check as conformance-catches.test.ts without the child vitest, so that a weakened case (a
// mutation of src/testing/conformance/) shows here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { eraseCases } from "../../src/testing/conformance/cases-erase.js";
import { errorCases } from "../../src/testing/conformance/cases-errors.js";
import { readCases } from "../../src/testing/conformance/cases-read.js";
import { restrictCases } from "../../src/testing/conformance/cases-restrict.js";
import { verifyCases } from "../../src/testing/conformance/cases-verify.js";
import { createHarness } from "../../src/testing/conformance/harness.js";
import type { CaseDefiner } from "../../src/testing/conformance/index.js";
import type { ConformanceCase } from "../../src/testing/conformance/options.js";
import { createSimEnvironment, type Simulators, startSimulators } from "../../src/testing/index.js";
import { notebookAdapter, notebookSimulator } from "./example/notebook.js";
import { BROKEN_ADAPTERS, GUARDED_BY } from "./fixtures/broken-adapters.js";

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
function casesFor(label: string, build: (o: Record<string, unknown>) => SubprocessorAdapter) {
  const h = createHarness("http", notebookSimulator, {
    simulator: notebookSimulator,
    subject: (n) => ({ email: `kit-${label}-${n}@example.test`, name: `Kit Person${n}` }),
  });
  // Bound to the running simulator by `bind` (before that, an adapter for reading capabilities).
  h.adapter = build(notebookSimulator.create(createSimEnvironment()).adapterOptions("http://127.0.0.1:9"));
  const bind = () => {
    h.sims = sims;
    h.adapter = build(sims.options.notebook ?? {});
  };
  if (sims) bind();
  const cases = new Map<ConformanceCase, { run: () => Promise<void>; unsupported?: string }>();
  const define: CaseDefiner = (name, run, unsupported) =>
    cases.set(name, unsupported === undefined ? { run } : { run, unsupported });
  readCases(h, define);
  errorCases(h, define);
  restrictCases(h, define);
  eraseCases(h, define);
  verifyCases(h, define);
  return { cases, bind };
}

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
