// The demo end to end, as a user runs it: a child process in an empty directory, no credentials.
// Its --json result is checked in test/slow/cli-demo-json.test.ts (one more ~10 s run).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { simulators } from "../../src/testing/simulators/index.js";
import { cliProcess } from "./helpers.js";

const EMAIL = "jane.doe@example.test";
/** The second act's caller. */
const CALLER_DIGITS = "7946 0555";
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "gdpr-fanout-demo-"));
  dirs.push(dir);
  return dir;
}

describe("gdpr-fanout demo", () => {
  it("runs export and erasure against every registered simulator and exits 0", async () => {
    const cwd = tempDir();
    const started = Date.now();
    // No NO_COLOR: a pipe is not a terminal, so the output must be plain lines anyway.
    const r = await cliProcess(["demo"], {
      cwd,
      env: { NO_COLOR: undefined, GDPR_FANOUT_SECRET: undefined },
    });
    const seconds = (Date.now() - started) / 1000;
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(seconds).toBeLessThan(45);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain("\u001b["); // no ANSI codes, no redraws when stdout is a pipe

    const [beforeErasure, afterErasure] = r.stdout.split("2. Erasure");
    expect(beforeErasure).toContain(`Seeded a fictitious customer, ${EMAIL}`);
    expect(afterErasure).toBeDefined();
    expect(afterErasure).not.toContain(EMAIL);
    expect(afterErasure).not.toContain("jane.doe");
    expect(afterErasure).toMatch(/subject\s+sub_[0-9a-f]{32}/);
    expect(afterErasure).toMatch(/✓ verified: signature checks, audit chain intact and matching/);

    // Every registered provider took part and was verified by its oracle.
    for (const { id } of simulators) {
      expect(r.stdout, id).toMatch(new RegExp(`\\n\\s+${id}\\s+http://127\\.0\\.0\\.1:\\d+`));
      expect(afterErasure, id).toMatch(
        new RegExp(
          `\\n\\s+${id}\\s+\\d+\\s+0\\s+\\d+\\s+\\w+\\s+✓ (nothing left|scheduled: purged by \\d{4}-\\d{2}-\\d{2})`,
        ),
      );
    }

    // The second act: a caller's erasure in two tenants' CRMs, integration scope.
    const [, act] = r.stdout.split("5. A caller's erasure");
    expect(act).toBeDefined();
    const [intro, rest] = (act ?? "").split("The number is not shown again.");
    expect(intro).toContain(CALLER_DIGITS);
    expect(rest).toBeDefined();
    expect(rest).not.toContain(CALLER_DIGITS);
    for (const tenant of ["acme", "globex"]) {
      for (const provider of ["hubspot", "pipedrive"]) {
        // The integration's records gone, the tenant's own untouched.
        expect(rest, `${tenant} ${provider}`).toMatch(
          new RegExp(
            `\\n\\s+${tenant}\\s+${provider}\\s+(\\d+) → 0\\s+(\\d+) → \\2\\s+\\w+\\s+✓ calls erased, contact kept`,
          ),
        );
      }
      expect(rest).toMatch(
        new RegExp(`${tenant}: request req_\\w+ completed; receipt receipt-${tenant}\\.json ✓ verified`),
      );
    }

    const out = join(cwd, "gdpr-fanout-demo");
    for (const file of [
      "access-package/index.html",
      "access-package/manifest.json",
      "receipt.json",
      "report.html",
      "demo.db",
    ])
      expect(existsSync(join(out, file)), file).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, "access-package", "manifest.json"), "utf8"));
    expect(Object.keys(manifest.adapters).sort()).toEqual(simulators.map((s) => s.id).sort());
    expect(readFileSync(join(out, "access-package", "index.html"), "utf8")).toContain(EMAIL); // the person's own copy

    // Nothing the demo keeps besides the access package holds the email, nor the caller's number.
    for (const file of readdirSync(out).filter((f) => f !== "access-package")) {
      const text = readFileSync(join(out, file), "latin1");
      expect(text, file).not.toContain(EMAIL);
      for (const form of ["442079460555", "7946 0555", "79460555"]) expect(text, file).not.toContain(form);
    }
    for (const tenant of ["acme", "globex"]) {
      const tenantReceipt = JSON.parse(readFileSync(join(out, `receipt-${tenant}.json`), "utf8"));
      expect(tenantReceipt).toMatchObject({
        tenant,
        scope: "integration",
        instruction: { reference: `${tenant.toUpperCase()}-DSR-118` },
      });
      expect(tenantReceipt.branches.map((b: { adapter: string }) => b.adapter).sort()).toEqual([
        "hubspot",
        "pipedrive",
      ]);
    }
    const receipt = JSON.parse(readFileSync(join(out, "receipt.json"), "utf8"));
    expect(receipt.branches.map((b: { adapter: string }) => b.adapter).sort()).toEqual(
      simulators.map((s) => s.id).sort(),
    );
  }, 60_000);

  it("refuses a retention window longer than 30s (exit 2)", async () => {
    const r = await cliProcess(["demo", "--after", "2m"], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--after must be at most 30s/);
  }, 30_000);
});
