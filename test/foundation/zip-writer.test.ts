// The streaming zip writer and its reader: round trips (plain, AES-256, ZIP64 records), what other
// tools make of the files (Info-ZIP `unzip`, 7-Zip, where installed), and refusal of wrong passwords.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listZip, readZipEntry } from "../../src/zip/reader.js";
import { ZipWriter, type ZipWriterOptions } from "../../src/zip/writer.js";

const tmp = mkdtempSync(join(tmpdir(), "gf-zip-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const has = (bin: string, args: string[]) => {
  try {
    execFileSync(bin, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
const sevenZip = ["7zz", "7z"].find((bin) => has(bin, ["i"]));
const unzip = has("unzip", ["-v"]);

const big = Buffer.alloc(3_000_000);
for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
const bigPath = join(tmp, "big.bin");
writeFileSync(bigPath, big);
const NAME = "stripe/files/Zoë 履歴書.pdf";

async function make(file: string, options: ZipWriterOptions = {}) {
  const path = join(tmp, file);
  const zip = await ZipWriter.create(path, options);
  await zip.add("manifest.json", Buffer.from('{"a":1}'));
  await zip.add(NAME, bigPath, { size: big.length });
  await zip.add("empty.txt", new Uint8Array(0));
  await zip.finish();
  return path;
}

describe.each([
  ["plain", {}],
  ["ZIP64 records", { zip64: true }],
  ["AES-256", { password: "correct horse battery" }],
  ["AES-256 with ZIP64 records", { password: "correct horse battery", zip64: true }],
])("%s", (label, options: { password?: string; zip64?: boolean }) => {
  const file = `${label.replace(/\W+/g, "-")}.zip`;
  it("round-trips through the reader", async () => {
    const path = await make(file, options);
    expect((await listZip(path)).map((e) => [e.name, e.uncompressed])).toEqual([
      ["manifest.json", 7],
      [NAME, big.length],
      ["empty.txt", 0],
    ]);
    expect((await readZipEntry(path, NAME, options.password))?.equals(big)).toBe(true);
    expect((await readZipEntry(path, "empty.txt", options.password))?.length).toBe(0);
    if (options.password) {
      await expect(readZipEntry(path, NAME, "wrong password")).rejects.toThrow(/wrong password/);
      expect(readFileSync(path).includes(big.subarray(0, 64))).toBe(false);
    }
  });

  it.skipIf(!sevenZip)("7-Zip tests it as sound", () => {
    const path = join(tmp, file);
    const args = ["t", ...(options.password ? [`-p${options.password}`] : []), path];
    expect(execFileSync(sevenZip!, args).toString()).toContain("Everything is Ok");
  });

  it.skipIf(!unzip || options.password !== undefined)("Info-ZIP unzip tests it as sound", () => {
    expect(execFileSync("unzip", ["-t", join(tmp, file)]).toString()).toContain("No errors detected");
  });
});

it("never writes over an existing file or through a symlink", async () => {
  const existing = join(tmp, "taken.zip");
  writeFileSync(existing, "mine");
  await expect(ZipWriter.create(existing)).rejects.toMatchObject({ code: "EEXIST" });
  expect(readFileSync(existing, "utf8")).toBe("mine");
});
