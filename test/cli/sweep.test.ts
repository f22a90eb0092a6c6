/** `gdpr-fanout sweep`: dry run, filing, NDJSON with --json, the progress board on a terminal, usage errors. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { cli, SECRET, workspace } from "./helpers.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

function space(prospects = 130) {
  const w = workspace({ sweepCrm: prospects });
  cleanups.push(w.cleanup);
  return w;
}

describe("gdpr-fanout sweep", () => {
  it("--dry-run counts the expired records and files nothing", async () => {
    const w = space();
    const dry = await cli(["sweep", "--policy", "prospect", "--older-than", "24mo", "--dry-run"], {
      cwd: w.dir,
    });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/130 records past the cut-off \d{4}-\d{2}-\d{2}; nothing filed/);
    // The workspace's CRM reports no email or phone: a DPO is told no hold by email could be checked.
    expect(dry.stdout).toMatch(/\bheld\b.*\bunchecked\b/);
    expect(dry.stdout).toContain("130 could not be checked against holds placed by email or phone");
    const list = await cli(["--json", "list"], { cwd: w.dir });
    expect(JSON.parse(list.stdout).items).toEqual([]);
  });

  it("--json prints each sweep event as one NDJSON line, then the result; requests are filed once", async () => {
    const w = space();
    const run = await cli(["--json", "sweep", "--policy", "prospect", "--older-than", "24mo"], {
      cwd: w.dir,
    });
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines[0]!.type).toBe("sweep.started");
    expect(lines.filter((l) => l.type === "sweep.progress").length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toMatchObject({
      type: "result",
      policy: "prospect",
      filed: 130,
      existing: 0,
      held: 0,
      unchecked: 130,
    });
    expect(lines.find((l) => l.type === "sweep.completed")).toMatchObject({ held: 0, unchecked: 130 });
    // Counts and fingerprints only: no record id of the fake CRM (six-digit ids) in the output.
    expect(run.stdout).not.toMatch(/"00\d{4}"/);
    const again = await cli(["--json", "sweep", "--policy", "prospect", "--older-than", "24mo"], {
      cwd: w.dir,
    });
    expect(JSON.parse(again.stdout.trim().split("\n").at(-1)!)).toMatchObject({ filed: 0, existing: 130 });
  });

  it("draws a progress block on a terminal and a summary table", async () => {
    const w = space(40);
    let out = "";
    const io: CliIo = {
      stdout: { write: (s: string) => (out += s), isTTY: true, columns: 120 },
      stderr: { write: () => true },
      cwd: w.dir,
      env: { GDPR_FANOUT_SECRET: SECRET },
    };
    const code = await runCli(["sweep", "--policy", "prospect", "--older-than", "2y"], io);
    expect(code).toBe(0);
    expect(out).toContain("\u001b[2K");
    expect(out).toMatch(/✓.*crm.*40 expired, 40 filed, 0 already filed/);
    expect(out).toMatch(/40.*erasure requests filed/);
  });

  it("the HTML report shows each sweep run and what became of the requests it filed", async () => {
    const w = space(12);
    expect((await cli(["sweep", "--policy", "prospect", "--older-than", "24mo"], { cwd: w.dir })).code).toBe(
      0,
    );
    expect((await cli(["report", "--html", "report.html"], { cwd: w.dir })).code).toBe(0);
    const html = readFileSync(join(w.dir, "report.html"), "utf8");
    expect(html).toContain('<h2 id="sweeps-h">Retention sweeps</h2>');
    expect(html).toMatch(
      /data-sweep="prospect:crm"[\s\S]*?<b>crm<\/b>[\s\S]*?done[\s\S]*?>12<\/td><td data-label="filed">12<\/td><td data-label="already filed">0<\/td>\s*<td data-label="held">0<\/td><td data-label="unchecked">12<\/td>/,
    );
    expect(html).toContain("a subject hold placed by email or phone could not be checked");
    expect(html).toMatch(/<b>prospect<\/b>: 12 pending/);
    // The fake CRM's record ids (001000…001011) appear nowhere.
    expect(html).not.toMatch(/[^0-9a-f]0010\d\d[^0-9a-f]/);
  });

  it("refuses an adapter that does not answer the policy, and minutes written for months", async () => {
    const w = space(1);
    const inactive = await cli(["sweep", "--policy", "inactive", "--older-than", "90d", "--adapter", "crm"], {
      cwd: w.dir,
    });
    expect(inactive.code).toBe(2);
    expect(inactive.stderr).toMatch(/does not answer the inactive policy/);
    const minutes = await cli(["sweep", "--policy", "prospect", "--older-than", "24m"], { cwd: w.dir });
    expect(minutes.code).toBe(2);
    expect(minutes.stderr).toMatch(/24mo/);
  });
});
