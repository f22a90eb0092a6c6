// docs/tenants.md runs as written: each ```ts block that is not marked `fragment` is saved and
// imported (the same convention as the docs runner of the other pages).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUT = join(ROOT, ".tmp", "docs-tenants");

function runnableBlocks(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)) {
    const [lang = "", ...words] = (match[1] ?? "").trim().split(/\s+/);
    if (["ts", "typescript"].includes(lang) && !words.includes("fragment")) out.push(match[2] ?? "");
  }
  return out;
}

describe("docs/tenants.md", () => {
  const blocks = runnableBlocks(readFileSync(join(ROOT, "docs", "tenants.md"), "utf8"));
  it("has a runnable example", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  blocks.forEach((code, i) => {
    it(`block ${i + 1} runs`, async () => {
      const file = join(OUT, `block-${i + 1}.ts`);
      writeFileSync(file, code);
      const logs: string[] = [];
      const log = console.log;
      console.log = (...args: unknown[]) => logs.push(args.join(" "));
      try {
        await import(pathToFileURL(file).href);
      } finally {
        console.log = log;
      }
      if (i === 0)
        expect(logs.sort()).toEqual(["acme completed ACME-TICKET-118", "globex completed GLOBEX-TICKET-118"]);
    }, 60_000);
  });
});
