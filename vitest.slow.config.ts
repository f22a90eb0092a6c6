import { defineConfig } from "vitest/config";
import { packageAliases } from "./vitest.shared.js";

// The slow suites: crash recovery with real process kills. CI runs them after `npm test`.
export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: ["test/slow/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
