/**
 * `runAdapterConformance`: the published suite every adapter + simulator pair passes, run once per
 * transport (a real HTTP server on 127.0.0.1 and nock). Call it at the top level of a vitest file:
 *
 * ```ts
 * import { runAdapterConformance } from "gdpr-fanout/testing";
 * import { mySimulator } from "./my-simulator.js";
 *
 * runAdapterConformance({ simulator: mySimulator, skip: { "abort-pagination": "one request only" } });
 * ```
 *
 * Every case checks effects through the simulator's oracle, its irreversible-operation counts or
 * the served-call log, not only through what the adapter returns.
 */
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkCallsAgainstSpecs, loadSpecs } from "../contract/openapi.js";
import { createSimEnvironment } from "../environment.js";
import { startSimulators } from "../start-simulators.js";
import { eraseCases } from "./cases-erase.js";
import { errorCases } from "./cases-errors.js";
import { readCases } from "./cases-read.js";
import { restrictCases } from "./cases-restrict.js";
import { verifyCases } from "./cases-verify.js";
import { createHarness, type Harness } from "./harness.js";
import { type InProcessConformanceOptions, isInProcess, runInProcessConformance } from "./in-process.js";
import {
  type AdapterConformanceOptions,
  CONFORMANCE_CASES,
  type ConformanceCase,
  validateSkips,
} from "./options.js";

export {
  IN_PROCESS_CASES,
  type InProcessCase,
  type InProcessConformanceOptions,
} from "./in-process.js";
export { type AdapterConformanceOptions, CONFORMANCE_CASES, type ConformanceCase } from "./options.js";

/** Declares one case; `unsupported` (a reason) skips it for a capability the adapter lacks. */
export type CaseDefiner = (name: ConformanceCase, fn: () => Promise<void>, unsupported?: string) => void;

/** The environment variable naming the folder of official specs (CI: `../shared/specs`). */
export const SPECS_DIR_ENV = "GDPR_FANOUT_SPECS_DIR";

/**
 * Registers the conformance suite for `options.simulator` and its adapter — or, given `seed` and
 * `remaining` instead of a simulator, the light suite for an in-process adapter (see in-process.ts).
 */
export function runAdapterConformance(
  options: AdapterConformanceOptions | InProcessConformanceOptions,
): void {
  if (isInProcess(options)) {
    runInProcessConformance(options);
    return;
  }
  validateSkips(options.skip);
  const factory = options.simulator;
  const build = options.adapter ?? ((o: Record<string, unknown>) => factory.createAdapter(o));
  // The adapter's capabilities decide which cases apply; read them before any server starts.
  const probe = build(factory.create(createSimEnvironment()).adapterOptions("http://127.0.0.1:9"));
  const transports = options.transports ?? ["http", "nock"];
  const specsRoot = process.env[SPECS_DIR_ENV];

  describe(options.name ?? `adapter conformance: ${factory.id}`, () => {
    for (const transport of transports) {
      describe(`over ${transport}`, () => {
        const h: Harness = createHarness(transport, factory, options);
        h.adapter = probe;
        beforeAll(async () => {
          const start: Parameters<typeof startSimulators>[0] = {
            providers: [factory],
            transport,
            pageSize: options.pageSize ?? 2,
            timeScale: options.timeScale ?? 0.01,
          };
          h.sims = await startSimulators(start);
          h.adapter = build(h.sims.options[factory.id] ?? {});
        });
        afterEach(() => h.sims?.clearInjections());
        afterAll(async () => {
          await h.sims?.close();
        });

        const test: CaseDefiner = (name, fn, unsupported) => {
          const title = `${name}: ${CONFORMANCE_CASES[name]}`;
          const skipped = options.skip?.[name];
          if (skipped !== undefined) it.skip(`${title} (skipped: ${skipped})`, fn);
          else if (unsupported !== undefined) it.skip(`${title} (skipped: ${unsupported})`, fn);
          else it(title, fn);
        };
        readCases(h, test);
        errorCases(h, test);
        restrictCases(h, test);
        eraseCases(h, test);
        verifyCases(h, test);

        if (options.specs !== undefined) {
          const specs = options.specs;
          it.skipIf(!specsRoot)(
            specsRoot
              ? `contract: every call of this run matches an operation in ${specs}/`
              : `contract: skipped because ${SPECS_DIR_ENV} is not set (CI sets it to ../shared/specs)`,
            () => {
              const loaded = loadSpecs(join(specsRoot ?? "", specs));
              const mismatches = checkCallsAgainstSpecs(h.sims.calls(factory.id), loaded);
              expect(mismatches).toEqual([]);
            },
          );
        }
      });
    }
  });
}
