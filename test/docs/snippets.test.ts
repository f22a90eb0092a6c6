/**
 * Every code block of README.md and docs/*.md that claims to run is run here, as written, with the
 * default test timeout. What "claims to run" means (the convention the docs follow):
 *
 * - Blocks tagged `ts`, `typescript`, `js`, `mjs` or `javascript` run. A block that is only a
 *   fragment of a larger program (it uses names defined elsewhere, needs a real provider or a
 *   database, or shows one option on its own) says so with a second word in its info string,
 *   ```` ```ts fragment ````, and is not run (GitHub still highlights it as TypeScript).
 * - Blocks in other languages (sh, yaml, ini, Dockerfile, text, query plans) are not run here; the
 *   install and `gdpr-fanout secret` commands of the getting-started page run in
 *   test/slow/packed-package.test.ts, against the packed package.
 * - A block whose first line is a comment naming a file (`// fanout.ts`, `// gdpr-fanout.config.ts`)
 *   is saved under that name beside the page's other blocks, so a later block can import it
 *   (`import { fanout } from "./fanout.js"`); other blocks get a generated name.
 * - A block that declares tests (`it`, `test`, `describe`, `runAdapterConformance`) runs as a test
 *   file; any other block runs as a script inside one test.
 * - The blocks of a page run in order, in that page's own empty directory (the working directory
 *   while they run), with the environment a reader would have set: GDPR_FANOUT_SECRET and the
 *   providers' credentials below (dummy values: no block reaches a provider; tests never leave
 *   127.0.0.1).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, it } from "vitest";
import { blocks, RUNNABLE } from "./markdown-blocks.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUT = join(ROOT, ".tmp", "docs");
const DECLARES_TESTS = /^\s*(it|test|describe|runAdapterConformance)(\.\w+)?\(/m;

/** What a reader following the docs has in their environment. */
const READER_ENV: Record<string, string> = {
  GDPR_FANOUT_SECRET: "docs-reader-secret-0123456789abcdef",
  STRIPE_SECRET_KEY: "sk_test_docsReader0123456789",
  HUBSPOT_ACCESS_TOKEN: "pat-eu1-docs-reader-0123456789",
  CHARGEBEE_SITE: "acme-test",
  CHARGEBEE_API_KEY: "test_docsReader0123456789",
  POSTMARK_ACCOUNT_TOKEN: "docs-reader-postmark-account-token",
  DPO_EMAIL: "dpo@example.com",
};

const pages = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

const savedEnv: Record<string, string | undefined> = {};
const savedCwd = process.cwd();
beforeAll(() => {
  for (const [key, value] of Object.entries(READER_ENV)) {
    savedEnv[key] = process.env[key];
    process.env[key] = value;
  }
});
afterAll(() => {
  process.chdir(savedCwd);
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

for (const page of pages) {
  const runnable = blocks(page, readFileSync(join(ROOT, page), "utf8")).filter(
    (b) => RUNNABLE.has(b.lang) && !b.fragment,
  );
  if (runnable.length === 0) continue;
  const dir = join(OUT, page.replace(/[/.]/g, "_"));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const b of runnable) {
    mkdirSync(dirname(join(dir, b.file)), { recursive: true });
    writeFileSync(join(dir, b.file), b.code);
  }
  describe(page, () => {
    for (const b of runnable) {
      const title = `block ${b.index + 1} (${b.file})`;
      const load = () => import(pathToFileURL(join(dir, b.file)).href);
      if (DECLARES_TESTS.test(b.code)) {
        describe(title, async () => {
          process.chdir(dir);
          try {
            await load();
          } catch (error) {
            // A block that throws while declaring its tests fails as one test, not the whole file.
            it("declares its tests", () => {
              throw error;
            });
          }
        });
      } else {
        it(`${title} runs`, async () => {
          process.chdir(dir);
          await load();
        });
      }
    }
  });
}
