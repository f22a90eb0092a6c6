import { defineConfig } from "vitest/config";
import { packageAliases } from "./vitest.shared.js";

export default defineConfig({
  resolve: { alias: packageAliases },
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    exclude: ["test/slow/**", "node_modules/**"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
