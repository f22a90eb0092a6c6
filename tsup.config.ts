import { defineConfig } from "tsup";

/**
 * One entry per `exports` key of package.json (the exports test checks they match).
 * Adapters live at the top level (`adapters/<id>/index.ts`) and build to `dist/adapters/<id>.js`.
 */
export const entries: Record<string, string> = {
  index: "src/index.ts",
  testing: "src/testing/index.ts",
  "stores/sqlite": "src/stores/sqlite.ts",
  "stores/postgres": "src/stores/postgres.ts",
  "adapters/stripe": "adapters/stripe/index.ts",
  "adapters/capsule": "adapters/capsule/index.ts",
  "adapters/zoho": "adapters/zoho/index.ts",
  "adapters/hubspot": "adapters/hubspot/index.ts",
  "adapters/chargebee": "adapters/chargebee/index.ts",
  "adapters/pipedrive": "adapters/pipedrive/index.ts",
  "adapters/postmark": "adapters/postmark/index.ts",
};

export default defineConfig({
  // `cli` is the `gdpr-fanout` bin (package.json `bin`), not an `exports` key.
  entry: { ...entries, cli: "src/cli/main.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: true,
  external: [
    "better-sqlite3",
    "pg",
    "nock",
    "vitest",
    "@opentelemetry/api",
    "stripe",
    "chargebee",
    "postmark",
    "@hubspot/api-client",
    "pipedrive",
  ],
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  outDir: "dist",
});
