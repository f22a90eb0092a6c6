import { defineConfig } from "vitest/config";
import { packageAliases } from "./vitest.shared.js";

// The suite Stryker runs against each mutant (see stryker.config.mjs and docs/testing-quality.md):
// the default suite minus what cannot see a mutant or only costs time. Left out:
// - test/examples and examples/: docs' code blocks, already covered by the tests they illustrate;
// - test/testing/conformance-catches.test.ts: runs the kit in a child vitest, where no mutant is
//   active (test/testing/conformance-kit.test.ts runs the same broken adapters in-process);
// - test/store/postgres-*: need a PostgreSQL server (`npm run test:postgres`).
export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [
      "test/slow/**",
      "test/examples/**",
      "test/testing/conformance-catches.test.ts",
      "test/store/postgres-*.test.ts",
      "node_modules/**",
    ],
    setupFiles: ["test/setup.ts"],
    // One module registry for all the files a mutant runs: Stryker's first run of the engine
    // scope's ~40 files took 27 s, 17 s of it overhead, mostly importing the engine afresh per file
    // (measured: those files take 43 s isolated, 12.5 s not, one thread). Mutants are switched at run time through a
    // global, so no re-import is needed (static ones are ignored, see stryker.config.mjs). The files
    // pass together (checked: `vitest run -c vitest.mutation.config.ts` on the scopes' files).
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
