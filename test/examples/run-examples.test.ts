// Every example runs, as a reader would run it, and does what its header says.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), "gf-examples-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const example = (file: string, args: string[] = [], env: Record<string, string> = {}) =>
  run(process.execPath, ["--import", "tsx", join("examples", file), ...args], {
    timeout: 60_000,
    env: { ...process.env, ...env },
  });

describe("examples", () => {
  it("account-closure-handler.ts records a closure and restricts at once", async () => {
    const { stdout } = await example("account-closure-handler.ts");
    expect(stdout).toMatch(/^HTTP 202; request req_\w+ is waiting until /);
    expect(stdout).toMatch(/stripe: \d+ records, ready/);
  });

  it("account-closure-retention.ts keeps invoices 7 years on a legal basis, then erases them", async () => {
    const { stdout } = await example("account-closure-retention.ts");
    expect(stdout).toMatch(/^closure req_\w+: waiting until 2027-03-01/);
    expect(stdout).toContain("after 90 days: completed");
    expect(stdout).toMatch(/kept: stripe \d+ invoice \(NL AWR art\. 52\) until 2034-12-31T23:00:00\.000Z/);
    expect(stdout).toMatch(/kept: chargebee \d+ invoice \(NL AWR art\. 52\)/);
    expect(stdout).toMatch(/scheduled: req_\w+ \(waiting\) erases them at 2034-12-31T23:00:00\.000Z/);
    expect(stdout).toMatch(/stripe invoices with personal data now: [1-9]/);
    expect(stdout).toContain("at 2034-12-31T23:00:00.000Z: completed");
    expect(stdout).toContain("stripe invoices with personal data then: 0");
    expect(stdout).toContain("follow-up receipt verifies: true");
    expect(stdout).not.toContain("vera@acme.test");
  });

  it("worker.ts runs a request to completion and stops cleanly", async () => {
    const { stdout } = await example("worker.ts", ["--once"], { GDPR_FANOUT_DB: join(tmp, "worker.db") });
    expect(stdout).toMatch(/request req_\w+: completed/);
  });

  it("export-to-zip.ts writes a zip with a manifest", async () => {
    const to = join(tmp, "package.zip");
    const { stdout } = await example("export-to-zip.ts", [to]);
    expect(stdout).toContain(`access package: ${to}`);
    const files = unzipSync(new Uint8Array(readFileSync(to)));
    expect(Object.keys(files)).toContain("manifest.json");
    expect(Object.keys(files)).toContain("stripe.json");
    const index = new TextDecoder().decode(files["index.html"]);
    expect(index).toContain('<html lang="nl">');
    expect(index).toContain("<title>Uw persoonsgegevens bij Acme Ltd</title>");
    expect(index).toContain('data-option="controller.retention"'); // not configured: a placeholder
  });

  it("call-statistics-adapter.ts anonymises instead of deleting", async () => {
    const { stdout } = await example("call-statistics-adapter.ts");
    expect(stdout).toContain("request completed; call-stats outcome: anonymized");
    const rows = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
      customer_email: string | null;
      caller: string | null;
      duration_s: number;
    }[];
    expect(rows.map((r) => r.duration_s)).toEqual([320, 95, 60]);
    expect(rows.slice(0, 2).every((r) => r.customer_email === null && r.caller === null)).toBe(true);
    expect(rows[2]?.customer_email).toBe("other@acme.test");
  });
});
