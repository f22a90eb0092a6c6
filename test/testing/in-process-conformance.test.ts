// The light path of runAdapterConformance (in-process adapters: seed + remaining, no simulator)
// must be able to fail: adapters with one defect each run through it in a child vitest, and the
// case guarding each defect fails while a correct adapter passes every case.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { runAdapterConformance } from "../../src/testing/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

it("fails the case that guards each defect, and passes a correct adapter", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "gf-in-process-"));
  const config = join(dir, "vitest.config.mjs");
  const output = join(dir, "report.json");
  writeFileSync(
    config,
    `export default { test: { root: ${JSON.stringify(root)}, include: ["test/testing/fixtures-in-process/*.fixture.ts"], setupFiles: ["test/setup.ts"], pool: "forks" } };`,
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
  const status = (defect: string, name: string) =>
    results.find((r) => r.fullName.includes(`broken ${defect} `) && r.fullName.includes(`${name}:`))?.status;
  const correct = results.filter((r) => r.fullName.includes("broken none "));
  expect(correct.filter((r) => r.status === "passed")).toHaveLength(9);
  expect(correct.filter((r) => r.status === "failed")).toEqual([]);
  expect(status("keeps-phone", "delete-verified")).toBe("failed");
  expect(status("first-row-only", "locate-email")).toBe("failed");
  expect(status("restrict-not-undone", "restrict-roundtrip")).toBe("failed");
  expect(status("restrict-not-undone", "delete-verified")).toBe("passed");
});

it("asks for restricted() when the adapter can restrict, and for written skip reasons", () => {
  const adapter = {
    id: "x",
    capabilities: {
      export: true,
      restrict: true,
      unrestrict: true,
      asyncDelete: false,
      softDelete: false,
      lookup: ["email"] as const,
    },
    locate: async () => ({ refs: [] }),
    export: async () => ({ records: [] }),
    restrict: async () => ({ undo: null, restricted: 0 }),
    unrestrict: async () => {},
    delete: async () => ({ outcome: "erased" as const, deleted: 0 }),
    status: async () => ({ state: "done" as const, remaining: 0 }),
  };
  expect(() => runAdapterConformance({ adapter, seed: () => [], remaining: () => 0 })).toThrow(
    /give restricted\(subject\)/,
  );
  expect(() =>
    runAdapterConformance({
      adapter,
      seed: () => [],
      remaining: () => 0,
      restricted: () => 0,
      skip: { "locate-ids": "" },
    }),
  ).toThrow(/needs a written reason/);
});
