// The conformance suite must be able to fail: broken adapters (fixtures/broken-adapters.fixture.ts)
// run through it in a child vitest, and the case that guards each defect must fail.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { GUARDED_BY, WHOLE_SUITE_SAMPLE } from "./fixtures/broken-adapters.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

it("fails the case that guards each injected defect", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "gf-conformance-"));
  const config = join(dir, "vitest.config.mjs");
  const output = join(dir, "report.json");
  writeFileSync(
    config,
    `export default { test: { root: ${JSON.stringify(root)}, include: ["test/testing/fixtures/*.fixture.ts"], setupFiles: ["test/setup.ts"], pool: "forks" } };`,
  );
  try {
    execFileSync(
      process.execPath,
      [
        join(root, "node_modules", "vitest", "vitest.mjs"),
        "run",
        "--config",
        config,
        "--reporter=json",
        `--outputFile=${output}`,
      ],
      { cwd: root, stdio: "pipe" },
    );
  } catch {
    // Failures are expected: the report says which.
  }
  const report = JSON.parse(readFileSync(output, "utf8")) as {
    testResults: { assertionResults: { fullName: string; status: string }[] }[];
  };
  const results = report.testResults.flatMap((f) => f.assertionResults);
  const failed = (variant: string, testCase: string) =>
    results.some(
      (r) =>
        r.fullName.includes(`broken ${variant} `) &&
        r.fullName.includes(`${testCase}:`) &&
        r.status === "failed",
    );
  expect(results.length).toBeGreaterThan(50);
  for (const variant of WHOLE_SUITE_SAMPLE) {
    const testCase = GUARDED_BY[variant]!;
    expect(failed(variant, testCase), `${variant} fails ${testCase}`).toBe(true);
  }
  // The defects stay local: an unrelated case still passes for each variant.
  for (const variant of WHOLE_SUITE_SAMPLE) {
    const ok = results.some(
      (r) =>
        r.fullName.includes(`broken ${variant} `) &&
        r.fullName.includes("unknown-subject:") &&
        r.status === "passed",
    );
    expect(ok, variant).toBe(true);
  }
});
