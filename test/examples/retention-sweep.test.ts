// examples/retention-sweep.ts runs as a reader would run it, and does what its header says.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("examples/retention-sweep.ts", () => {
  it("erases the prospects past 24 months in each CRM, and only them", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", join("examples", "retention-sweep.ts")],
      {
        timeout: 90_000,
      },
    );
    expect(stdout).toContain("dry run: 4 expired (hubspot 1, pipedrive 1, zoho 1, capsule 1)");
    expect(stdout).toContain("filed 4 erasure requests");
    expect(stdout).toContain("completed 4 requests");
    expect(stdout).toContain("old-prospect: hubspot 0, pipedrive 0, zoho 0, capsule 0 records left");
    expect(stdout).not.toMatch(/young-prospect: [^\n]*\b0 records left|young-prospect: hubspot 0/);
    expect(stdout).toMatch(/old-customer: hubspot [1-9]/);
  }, 120_000);
});
