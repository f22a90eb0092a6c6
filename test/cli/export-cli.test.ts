// `gdpr-fanout export` tells the truth about what is on disk: a failed export says nothing was
// written (and nothing was), `--encrypt` takes its password from the environment only, and an
// existing destination is a usage error before anything is recorded.
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listZip, readZipEntry } from "../../src/zip/reader.js";
import { cli, workspace } from "./helpers.js";

const SUBJECT = ["--email", "jane.doe@acme.test"];

describe("export command", () => {
  it("a failed export says nothing was written, and nothing was", async () => {
    const ws = workspace({ failExportIn: "beta" });
    try {
      const before = readdirSync(ws.dir);
      const r = await cli(["export", ...SUBJECT, "--to", "out.zip"], { cwd: ws.dir });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/failed/);
      expect(r.stdout).toContain("Nothing was written to out.zip: the partial files were removed.");
      expect(r.stdout).toContain("gdpr-fanout retry <id>");
      expect(r.stdout).not.toContain("a worker finishes it");
      expect(
        readdirSync(ws.dir)
          .filter((f) => !f.startsWith("test.db"))
          .sort(),
      ).toEqual(before.filter((f) => !f.startsWith("test.db")).sort());
    } finally {
      ws.cleanup();
    }
  });

  it("--encrypt reads the password from GDPR_FANOUT_EXPORT_PASSWORD", async () => {
    const ws = workspace();
    try {
      const missing = await cli(["export", ...SUBJECT, "--to", "a.zip", "--encrypt"], { cwd: ws.dir });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("GDPR_FANOUT_EXPORT_PASSWORD");
      const password = "a long enough export password";
      const r = await cli(["export", ...SUBJECT, "--to", "b.zip", "--encrypt"], {
        cwd: ws.dir,
        env: { GDPR_FANOUT_EXPORT_PASSWORD: password },
      });
      expect(r.code).toBe(0);
      const zip = join(ws.dir, "b.zip");
      expect((await listZip(zip)).every((e) => e.encrypted)).toBe(true);
      const manifest = JSON.parse((await readZipEntry(zip, "manifest.json", password))!.toString("utf8"));
      expect(manifest.encrypted).toBe("AES-256 (WinZip AE-2)");
    } finally {
      ws.cleanup();
    }
  });

  it("an existing destination is a usage error (exit 2) and records nothing", async () => {
    const ws = workspace();
    try {
      writeFileSync(join(ws.dir, "taken.zip"), "someone's file");
      const r = await cli(["export", ...SUBJECT, "--to", "taken.zip"], { cwd: ws.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("a package never overwrites");
      const list = await cli(["list", "--json"], { cwd: ws.dir });
      expect(JSON.parse(list.stdout).items).toEqual([]);
    } finally {
      ws.cleanup();
    }
  });
});
