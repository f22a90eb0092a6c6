// The demo's --json result document (a second full demo run, so it lives with the slow suites;
// the main suite runs the demo once in test/cli/demo.test.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { simulators } from "../../src/testing/simulators/index.js";
import { cliProcess } from "../cli/helpers.js";

const EMAIL = "jane.doe@example.test";
const cwd = mkdtempSync(join(tmpdir(), "gdpr-fanout-demo-json-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe("gdpr-fanout demo --json", () => {
  it("--json prints one result document", async () => {
    const r = await cliProcess(["demo", "--json", "--after", "1s", "--records", "1", "--dir", "out"], {
      cwd,
    });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({
      ok: true,
      dir: join(cwd, "out"),
      receipt: { valid: true, auditValid: true },
    });
    expect(Object.keys(result).sort()).toEqual([
      "dir",
      "erase",
      "export",
      "files",
      "ok",
      "providers",
      "receipt",
      "remaining",
      "seconds",
      "subject",
      "tenants",
    ]);
    expect(result.subject).toMatch(/^sub_[0-9a-f]{32}$/);
    expect(result.export).toMatchObject({ state: "completed", path: join(cwd, "out", "access-package") });
    expect(result.providers).toEqual(simulators.map((s) => s.id));
    expect(result.erase.state).toBe("completed");
    for (const id of result.providers) expect(result.remaining[id].live, id).toBe(0);
    expect(r.stdout).not.toContain(EMAIL);
    // The second act: one completed integration-scope request and a valid receipt per tenant.
    expect(Object.keys(result.tenants).sort()).toEqual(["acme", "globex"]);
    for (const tenant of ["acme", "globex"]) {
      expect(result.tenants[tenant]).toMatchObject({ state: "completed", receipt: { valid: true } });
      for (const o of Object.values(result.tenants[tenant].oracle) as {
        integration: number[];
        tenant: number[];
      }[]) {
        expect(o.integration[1]).toBe(0);
        expect(o.tenant[1]).toBe(o.tenant[0]);
      }
    }
    expect(r.stdout).not.toContain("7946");
  }, 60_000);
});
