import { defineConfig } from "vitest/config";

// The slow suites: crash recovery with real process kills. CI runs them after `npm test`.
export default defineConfig({
  test: {
    include: ["test/slow/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
