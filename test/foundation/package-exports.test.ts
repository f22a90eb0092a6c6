// Builds the package and imports every `exports` key from dist, as a consumer would.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  exports: Record<string, string | { types: string; default: string }>;
  bin?: Record<string, string>;
};
const codeExports = Object.entries(pkg.exports).filter(([key]) => key !== "./package.json");

describe("built package", () => {
  beforeAll(() => {
    execFileSync(
      process.execPath,
      [join(root, "node_modules", "tsup", "dist", "cli-default.js"), "--silent"],
      {
        cwd: root,
        stdio: "pipe",
      },
    );
  }, 180_000);

  it.each(codeExports)("emits and imports %s", async (key, target) => {
    if (typeof target === "string") throw new Error(`${key}: exports must give types and default`);
    expect(Object.keys(target)[0]).toBe("types");
    expect(existsSync(join(root, target.types)), target.types).toBe(true);
    const mod = (await import(pathToFileURL(join(root, target.default)).href)) as Record<string, unknown>;
    expect(Object.keys(mod).length).toBeGreaterThan(0);
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value !== "function") continue;
      // No export may be a placeholder that only throws "not implemented".
      expect(value.toString(), `${key} ${name}`).not.toMatch(/not implemented/i);
    }
  });

  it("declares every bin it ships", () => {
    for (const file of Object.values(pkg.bin ?? {})) expect(existsSync(join(root, file)), file).toBe(true);
  });
});
