// The CLI with a config whose `tenants` resolver builds each tenant's adapters: erase for a tenant in
// integration scope, then list, status, the worker and the receipt all say whose request it is.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { cli, ROOT } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "gdpr-fanout-cli-tenants-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fake = pathToFileURL(join(ROOT, "test", "engine", "tenant-crm.ts")).href;
const store = pathToFileURL(join(ROOT, "src", "stores", "sqlite.ts")).href;
writeFileSync(
  join(dir, "gdpr-fanout.config.mjs"),
  `import { TenantCrm } from ${JSON.stringify(fake)};
import { sqliteStore } from ${JSON.stringify(store)};
const crm = new TenantCrm();
const tokens = { acme: crm.account("acme", "tok_acme_cli"), globex: crm.account("globex", "tok_globex_cli") };
crm.seed("acme", { email: "caller@example.test", phone: "+442079460123" });
export default {
  store: sqliteStore({ path: ${JSON.stringify(join(dir, "t.db"))}, synchronous: "normal" }),
  tenants: async (tenant) => [crm.adapter(tokens[tenant])],
  pollInterval: 5,
};
`,
);

describe("CLI with tenants", () => {
  it("files, lists, runs and shows a tenant's integration-scope request", async () => {
    const erase = await cli(
      [
        "erase",
        "--phone",
        "+44 20 7946 0123",
        "--tenant",
        "acme",
        "--integration",
        "--instruction",
        "ACME-DSR-7",
        "--instructed-at",
        "2026-11-27T09:00:00Z",
        "--idempotency-key",
        "dsr-7",
        "--json",
      ],
      { cwd: dir },
    );
    expect(erase.code, erase.stderr).toBe(0);
    const filed = JSON.parse(erase.stdout);
    expect(filed).toMatchObject({ tenant: "acme", scope: "integration", adapters: ["crm"] });

    const refused = await cli(["erase", "--phone", "+44 20 7946 0123", "--tenant", "acme", "--integration"], {
      cwd: dir,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/instruction/);

    expect((await cli(["worker", "--once"], { cwd: dir })).code).toBe(0);
    const list = await cli(["list", "--tenant", "acme"], { cwd: dir });
    expect(list.stdout).toMatch(/tenant/);
    expect(list.stdout).toMatch(
      new RegExp(`${filed.id}\\s+erase \\(integration\\)\\s+completed\\s+sub_\\w+\\s+acme`),
    );
    expect(
      JSON.parse((await cli(["list", "--tenant", "globex", "--json"], { cwd: dir })).stdout).items,
    ).toEqual([]);
    expect(
      JSON.parse((await cli(["list", "--key-prefix", "dsr-7/", "--json"], { cwd: dir })).stdout).items,
    ).toHaveLength(1);

    const status = await cli(["status", filed.id], { cwd: dir });
    expect(status.stdout).toMatch(/tenant\s+acme/);
    expect(status.stdout).toMatch(/scope\s+integration/);
    expect(status.stdout).toMatch(/controller's instruction\s+ACME-DSR-7/);
    const receipt = await cli(["receipt", filed.id], { cwd: dir });
    expect(receipt.stdout).toMatch(/tenant\s+acme/);
    expect(receipt.stdout).toMatch(/instructed ACME-DSR-7/);
    expect((await cli(["report", "--html", "report.html"], { cwd: dir })).code).toBe(0);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain("tenant acme");
    expect(html).toContain("integration (only what the integration wrote)");
    expect(html).toContain("ACME-DSR-7");
    for (const out of [erase.stdout, list.stdout, status.stdout, receipt.stdout, html]) {
      expect(out).not.toContain("tok_acme_cli");
      expect(out).not.toContain("7946");
    }
  }, 30_000);
});
