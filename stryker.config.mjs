// @ts-check
// StrykerJS settings shared by every scope of `npm run test:mutation` (scripts/mutation.ts sets
// `mutate` and `testFiles` per scope). Run alone (`npx stryker run`), it mutates the engine.
// See docs/testing-quality.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  // The default suite minus what cannot see a mutant (see the file).
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  // Each mutant runs only the tests that reached it in the first (instrumented) run.
  coverageAnalysis: "perTest",
  // One test-runner process: the machine has 2 cores, shared. `--concurrency 2` when it is yours.
  concurrency: 1,
  mutate: ["src/engine/**/*.ts", "!src/engine/types.ts"],
  plugins: ["@stryker-mutator/vitest-runner", "./scripts/stryker-ignore.mjs"],
  ignorers: ["assertion-messages", "function-sample"],
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: ".tmp/mutation/report.json" },
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: ".tmp/stryker",
  // The first run executes the whole selection under instrumentation: minutes on a busy machine.
  dryRunTimeoutMinutes: 45,
  timeoutMS: 10000,
  timeoutFactor: 2,
  // Module-level constants (static mutants) are not re-evaluated between mutants by the vitest runner
  // here: they were reported surviving although the tests kill them when applied by hand (the set
  // of valid status states in validate-output.ts). Ignored rather than listed as false survivors.
  ignoreStatic: true,
};
