import { defineConfig } from "vitest/config";
import { packageAliases } from "./vitest.shared.js";

// The nock transport tests on another nock (CI: nock@15.0.0 installed in a temp dir):
// GDPR_FANOUT_NOCK_DIR is that nock's package folder; every `nock` import resolves to it.
const nockDir = process.env.GDPR_FANOUT_NOCK_DIR;
if (!nockDir) throw new Error("set GDPR_FANOUT_NOCK_DIR to the folder of the nock package to test");

export default defineConfig({
  resolve: { alias: [...packageAliases, { find: /^nock$/, replacement: nockDir }] },
  test: {
    include: ["test/testing/nock-transport.test.ts", "test/testing/start-simulators.test.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 20_000,
    pool: "forks",
  },
});
