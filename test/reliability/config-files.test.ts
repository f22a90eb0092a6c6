/**
 * Bad config files (property-based): random bytes, broken JavaScript, default exports of any JSON
 * value, functions that throw or return junk. `loadConfig` then `createFanout` either work or throw
 * a typed `CONFIGURATION`/`INVALID_ARGUMENT` error; nothing else escapes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/cli/config.js";
import { createFanout, isFanoutError } from "../../src/index.js";

const RUNS = Number(process.env.GF_PROPERTY_RUNS ?? 60);
const tmp = mkdtempSync(join(tmpdir(), "gf-config-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const source = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
  fc.string({ maxLength: 200 }),
  fc.jsonValue().map((v) => `export default ${JSON.stringify(v) ?? "undefined"};`),
  fc.jsonValue().map((v) => `export default () => (${JSON.stringify(v) ?? "undefined"});`),
  fc.string({ maxLength: 40 }).map((m) => `export default () => { throw new Error(${JSON.stringify(m)}); };`),
  fc.string({ maxLength: 40 }).map((m) => `throw new Error(${JSON.stringify(m)});`),
  fc.constantFrom(
    "export default { adapters: [] };",
    "export default { adapters: [{}] };",
    "export default { adapters: [{ id: 'x' }], secret: 'short' };",
    "export const options = {};",
    "export default async () => null;",
    "export default { adapters: 'stripe', retry: { maximumAttempts: -1 } };",
    "import 'node:does-not-exist'; export default {};",
    "export default {",
  ),
);

describe("config files (property-based)", () => {
  it("load or fail with a typed error, never another crash", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(source, async (text) => {
        const path = join(tmp, `c${++n}.mjs`);
        writeFileSync(path, text);
        const io = { stdout: process.stdout, stderr: process.stderr, cwd: tmp, env: {} };
        try {
          const { options } = await loadConfig(io as never, path);
          createFanout(options);
        } catch (error) {
          if (!isFanoutError(error)) throw new Error(`untyped: ${String(error)}`);
          expect(["CONFIGURATION", "INVALID_ARGUMENT"]).toContain(error.code);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
