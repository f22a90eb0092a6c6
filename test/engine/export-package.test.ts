// Access packages are built in a private staging folder and appear only when complete: an export
// never adopts or overwrites what is at its destination, leaves nothing behind when it fails or is
// interrupted, streams its zip, reports progress, encrypts on request, and makes any provider file
// name safe instead of failing.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ExportFile, SubprocessorAdapter } from "../../src/adapter.js";
import { createFanout, memoryStore } from "../../src/index.js";
import { listZip, readZipEntry } from "../../src/zip/reader.js";
import { FakeProvider } from "./fake-provider.js";
import { EMAIL, SECRET } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "gf-export-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const dir = join(root, `case${++n}`);
  mkdirSync(dir);
  return dir;
};

/** An adapter over a fake provider whose export also hands over `files`; `during` runs first. */
function withFiles(
  id: string,
  files: () => ExportFile[],
  during?: () => void | Promise<void>,
): SubprocessorAdapter {
  const p = new FakeProvider(id);
  p.seed(EMAIL, 2);
  const base = p.adapter();
  return {
    ...base,
    async export(refs, ctx) {
      await during?.();
      return { ...(await base.export(refs, ctx)), files: files() };
    },
  };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const fanoutOf = (adapters: SubprocessorAdapter[]) =>
  createFanout({ adapters, store: memoryStore(), secret: SECRET });

/** Everything under `dir`, as relative paths (hidden staging folders included). */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe("destination", () => {
  it.each([
    [
      "a non-empty directory",
      (d: string) => writeFileSync(join(d, "pkg", "old.txt"), "x"),
      "pkg",
      "not_empty",
    ],
    ["an existing zip", (d: string) => writeFileSync(join(d, "pkg.zip"), "x"), "pkg.zip", "exists"],
    ["a file where the folder goes", (d: string) => writeFileSync(join(d, "pkg2"), "x"), "pkg2", "exists"],
    [
      "a symlink to a directory",
      (d: string) => symlinkSync(join(d, "pkg"), join(d, "link")),
      "link",
      "exists",
    ],
    ["a path under a file", (d: string) => writeFileSync(join(d, "f"), "x"), "f/pkg", "path"],
  ])("%s is refused at the call, recording nothing", async (_label, prepare, name, problem) => {
    const dir = fresh();
    mkdirSync(join(dir, "pkg"));
    prepare(dir);
    const fanout = fanoutOf([withFiles("alpha", () => [])]);
    const before = tree(dir);
    await expect(fanout.export({ email: EMAIL }, { to: join(dir, name) })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      details: { argument: "to", problem },
    });
    expect((await fanout.list()).items).toEqual([]);
    expect(tree(dir)).toEqual(before);
  });

  it("an empty directory is used; stray files beside it (an old .parts folder) are never adopted", async () => {
    const dir = fresh();
    mkdirSync(join(dir, "pkg"));
    mkdirSync(join(dir, "pkg.zip.parts"));
    writeFileSync(join(dir, "pkg.zip.parts", "someone-else.json"), '{"email":"other@example.test"}');
    const fanout = fanoutOf([withFiles("alpha", () => [])]);
    const folder = await fanout.export({ email: EMAIL }, { to: join(dir, "pkg") });
    expect(folder.manifest?.files.map((f) => f.path)).toEqual(["alpha.json", "index.html"]);
    const zip = await fanout.export({ email: EMAIL }, { to: join(dir, "pkg.zip") });
    expect((await listZip(zip.path!)).map((e) => e.name).sort()).toEqual([
      "alpha.json",
      "index.html",
      "manifest.json",
    ]);
    expect(statSync(zip.path!).mode & 0o777).toBe(0o600);
    expect(statSync(folder.path!).mode & 0o777).toBe(0o700);
    expect(tree(dir).filter((p) => p.startsWith("."))).toEqual([]);
  });
});

describe("staging", () => {
  it("is private while the export runs, and the destination appears only when complete", async () => {
    const dir = fresh();
    const to = join(dir, "pkg");
    const seen: { toExists: boolean; staging: string[]; modes: number[] }[] = [];
    const look = () => {
      const staging = readdirSync(dir).filter((f) => f.startsWith(".pkg."));
      const folder = join(dir, staging[0] ?? "none");
      seen.push({
        toExists: existsSync(to),
        staging,
        modes: existsSync(folder)
          ? [
              statSync(folder).mode & 0o777,
              ...readdirSync(folder).map((f) => statSync(join(folder, f)).mode & 0o777),
            ]
          : [],
      });
    };
    const fanout = fanoutOf([
      withFiles("alpha", () => [{ name: "a.txt", contentType: "text/plain", bytes: bytes("a") }]),
      withFiles("beta", () => [], look),
    ]);
    const handle = await fanout.export({ email: EMAIL }, { to });
    expect(handle.state).toBe("completed");
    // beta's export ran after or beside alpha's: the staging folder existed, private, `to` did not.
    expect(seen[0]?.toExists).toBe(false);
    expect(seen[0]?.staging).toHaveLength(1);
    expect(seen[0]?.staging[0]).toMatch(/^\.pkg\.req_[0-9a-z]+\.partial$/);
    expect(seen[0]?.modes[0]).toBe(0o700);
    for (const mode of seen[0]?.modes.slice(1) ?? []) expect([0o600, 0o700]).toContain(mode);
    expect(tree(dir).filter((p) => p.startsWith("."))).toEqual([]);
  });

  it("a failed export leaves nothing behind", async () => {
    const dir = fresh();
    const failing = new FakeProvider("beta");
    failing.seed(EMAIL, 1);
    failing.fail("export", { code: "VALIDATION", times: 10 });
    const fanout = fanoutOf([
      withFiles("alpha", () => [
        { name: "secret.pdf", contentType: "application/pdf", bytes: bytes("%PDF raw personal data") },
      ]),
      failing.adapter(),
    ]);
    const handle = await fanout.export({ email: EMAIL }, { to: join(dir, "pkg.zip") });
    expect(handle).toMatchObject({ state: "needs_attention", path: null, manifest: null });
    expect(tree(dir)).toEqual([]);
  });

  it("an interrupted export leaves nothing behind, and a later run builds the whole package", async () => {
    const dir = fresh();
    const stop = new AbortController();
    let calls = 0;
    const slow = withFiles(
      "beta",
      () => [],
      async () => {
        calls++;
        if (calls === 1) {
          stop.abort();
          await new Promise((r) => setTimeout(r, 20));
        }
      },
    );
    const fanout = fanoutOf([
      withFiles("alpha", () => [{ name: "a.txt", contentType: "text/plain", bytes: bytes("alpha file") }]),
      slow,
    ]);
    const to = join(dir, "pkg");
    const handle = await fanout.export({ email: EMAIL }, { to, signal: stop.signal });
    expect(handle.state).not.toBe("completed");
    expect(tree(dir)).toEqual([]);
    await fanout.drain();
    const manifest = JSON.parse(readFileSync(join(to, "manifest.json"), "utf8"));
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual([
      "alpha.json",
      "alpha/files/a.txt",
      "beta.json",
      "index.html",
    ]);
    expect(readFileSync(join(to, "alpha/files/a.txt"), "utf8")).toBe("alpha file");
  });

  it("a run resumed after a crash reuses its private staging folder, leftovers replaced", async () => {
    const dir = fresh();
    const fanout = fanoutOf([
      withFiles("alpha", () => [{ name: "a.txt", contentType: "text/plain", bytes: bytes("new") }]),
    ]);
    const handle = await fanout.export({ email: EMAIL }, { to: join(dir, "pkg"), wait: false });
    // What a worker killed mid-assembly leaves: a private folder with half of a package.
    const staging = join(dir, `.pkg.${handle.id}.partial`);
    mkdirSync(join(staging, "alpha", "files"), { recursive: true, mode: 0o700 });
    writeFileSync(join(staging, "alpha", "files", "a.txt"), "old", { mode: 0o600 });
    writeFileSync(join(staging, "index.html"), "old", { mode: 0o600 });
    writeFileSync(join(staging, "manifest.json"), "{}", { mode: 0o600 });
    await fanout.drain();
    expect((await fanout.status(handle.id)).state).toBe("completed");
    expect(readFileSync(join(dir, "pkg", "alpha", "files", "a.txt"), "utf8")).toBe("new");
    expect(readFileSync(join(dir, "pkg", "index.html"), "utf8")).toContain("<!doctype html>");
    expect(tree(dir).filter((p) => p.startsWith("."))).toEqual([]);
  });

  it("a planted staging folder (a symlink) is refused and left untouched", async () => {
    const dir = fresh();
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(elsewhere);
    const fanout = fanoutOf([withFiles("alpha", () => [])]);
    const handle = await fanout.export({ email: EMAIL }, { to: join(dir, "pkg"), wait: false });
    symlinkSync(elsewhere, join(dir, `.pkg.${handle.id}.partial`));
    await fanout.drain();
    expect((await fanout.status(handle.id)).state).toBe("needs_attention");
    expect(lstatSync(join(dir, `.pkg.${handle.id}.partial`)).isSymbolicLink()).toBe(true);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(existsSync(join(dir, "pkg"))).toBe(false);
  });
});

describe("zip", () => {
  it("is streamed file by file with progress events", async () => {
    const dir = fresh();
    const big = new Uint8Array(20 << 20).map((_, i) => (i * 31) % 251);
    const fanout = fanoutOf([
      withFiles("alpha", () => [{ name: "recording.mp3", contentType: "audio/mpeg", bytes: big }]),
    ]);
    const progress: { phase: string; done: number; total: number; unit: string }[] = [];
    fanout.on("export.progress", (e) =>
      progress.push({ phase: e.phase, done: e.done, total: e.total, unit: e.unit }),
    );
    const handle = await fanout.export({ email: EMAIL }, { to: join(dir, "big.zip") });
    expect(handle.state).toBe("completed");
    expect(progress[0]).toEqual({ phase: "exporting", done: 1, total: 1, unit: "adapters" });
    const packing = progress.filter((p) => p.phase === "packing");
    expect(packing.length).toBeGreaterThanOrEqual(2);
    expect(packing.at(-1)).toMatchObject({ done: packing.at(-1)?.total, unit: "bytes" });
    expect((await readZipEntry(handle.path!, "alpha/files/recording.mp3"))?.equals(Buffer.from(big))).toBe(
      true,
    );
  });

  it("counts adapters exported so far, one more with each, up to every adapter", async () => {
    const dir = fresh();
    const small = () => [{ name: "note.txt", contentType: "text/plain", bytes: bytes("a note") }];
    const fanout = fanoutOf([withFiles("alpha", small), withFiles("beta", small), withFiles("gamma", small)]);
    const exporting: { done: number; total: number }[] = [];
    fanout.on("export.progress", (e) => {
      if (e.phase === "exporting") exporting.push({ done: e.done, total: e.total });
    });
    const handle = await fanout.export({ email: EMAIL }, { to: join(dir, "three.zip") });
    expect(handle.state).toBe("completed");
    expect(exporting).toEqual([
      { done: 1, total: 3 },
      { done: 2, total: 3 },
      { done: 3, total: 3 },
    ]);
  });

  it("encrypts with AES-256 when asked: contents and provider file names hidden, the password opens it", async () => {
    const dir = fresh();
    const password = "correct horse battery staple";
    const fanout = fanoutOf([
      withFiles("alpha", () => [
        {
          name: "Jane Doe passport.pdf",
          contentType: "application/pdf",
          bytes: bytes("%PDF-1.7 passport scan"),
        },
      ]),
    ]);
    const to = join(dir, "pkg.zip");
    const handle = await fanout.export({ email: EMAIL }, { to, encrypt: { password } });
    expect(handle.manifest?.encrypted).toBe("AES-256 (WinZip AE-2)");
    const entries = await listZip(to);
    expect(entries.every((e) => e.encrypted && e.method === 99 && e.aesMethod === 8)).toBe(true);
    const raw = readFileSync(to, "latin1");
    for (const needle of ["Jane Doe", "passport", EMAIL, "%PDF"]) expect(raw).not.toContain(needle);
    const file = handle.manifest?.files.find((f) => f.name === "Jane Doe passport.pdf");
    expect(file?.path).toBe("alpha/files/file-0001.pdf");
    expect((await readZipEntry(to, file!.path, password))?.toString()).toBe("%PDF-1.7 passport scan");
    await expect(readZipEntry(to, file!.path, "not the password")).rejects.toThrow(/wrong password/);
    await expect(readZipEntry(to, file!.path)).rejects.toThrow(/password is needed/);
  });

  const sevenZip = ["7zz", "7z"].find((bin) => {
    try {
      execFileSync(bin, ["i"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  });
  it.skipIf(!sevenZip)(
    "an encrypted package opens in 7-Zip with the password (where 7-Zip is installed)",
    async () => {
      const dir = fresh();
      const password = "correct horse battery staple";
      const fanout = fanoutOf([
        withFiles("alpha", () => [
          { name: "scan.pdf", contentType: "application/pdf", bytes: bytes("%PDF scan") },
        ]),
      ]);
      const to = join(dir, "pkg.zip");
      await fanout.export({ email: EMAIL }, { to, encrypt: { password } });
      const out = join(dir, "out");
      execFileSync(sevenZip!, ["x", `-p${password}`, `-o${out}`, to], { stdio: "ignore" });
      expect(readFileSync(join(out, "alpha/files/file-0001.pdf"), "utf8")).toBe("%PDF scan");
      expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).files).toContainEqual(
        expect.objectContaining({ name: "scan.pdf" }),
      );
      expect(() => execFileSync(sevenZip!, ["t", "-pwrong-password", to], { stdio: "ignore" })).toThrow();
    },
  );

  it.each<[string, { to: string; pw?: unknown }, string, string]>([
    ["a folder", { to: "x" }, "encrypt", "a .zip destination"],
    ["a short password", { to: "x.zip", pw: "short" }, "encrypt.password", "at least 12 characters"],
    // Characters, not UTF-16 units: 11 emoji are 22 units and still too short.
    ["11 characters", { to: "x.zip", pw: "🔑".repeat(11) }, "encrypt.password", "at least 12 characters"],
    ["a password that is not text", { to: "x.zip", pw: 123456789012345 }, "encrypt.password", "text"],
  ])("encrypt with %s is INVALID_ARGUMENT naming the argument", async (_label, c, argument, says) => {
    const fanout = fanoutOf([withFiles("alpha", () => [])]);
    const password = "pw" in c ? c.pw : "long enough password";
    await expect(
      fanout.export({ email: EMAIL }, { to: join(fresh(), c.to), encrypt: { password } as never }),
    ).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining(says),
      details: { argument },
    });
  });

  it("accepts a password of exactly 12 characters, and refuses an export without `to`", async () => {
    const fanout = fanoutOf([withFiles("alpha", () => [])]);
    const to = join(fresh(), "twelve.zip");
    const handle = await fanout.export({ email: EMAIL }, { to, encrypt: { password: "🔑".repeat(12) } });
    expect(handle.manifest?.encrypted).toBe("AES-256 (WinZip AE-2)");
    await expect(fanout.export({ email: EMAIL }, {} as never)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("export needs `to`"),
      details: { argument: "to" },
    });
  });
});

describe("provider file names", () => {
  const hostile = [
    `${"é".repeat(150)}.pdf`, // 300 bytes
    "nul\u0000byte.txt",
    "invoice\u202Efdp.exe",
    "CON",
    "aux.txt",
    "trailing space.txt   ",
    "trailing dot...",
    "../../escape.txt",
    "C:\\windows\\win.ini",
    ".hidden",
    "",
    "Report.PDF",
    "report.pdf",
  ];
  it("are made safe and unique, originals kept in the manifest, the export never fails on them", async () => {
    const dir = fresh();
    const fanout = fanoutOf([
      withFiles("alpha", () =>
        hostile.map((name, i) => ({ name, contentType: "text/plain", bytes: bytes(`file ${i}`) })),
      ),
    ]);
    const to = join(dir, "pkg");
    const handle = await fanout.export({ email: EMAIL }, { to });
    expect(handle.state).toBe("completed");
    const files = handle.manifest!.files.filter((f) => f.path.startsWith("alpha/files/"));
    expect(files).toHaveLength(hostile.length);
    const names = files.map((f) => basename(f.path));
    expect(new Set(names.map((x) => x.toLowerCase())).size).toBe(names.length);
    for (const name of names) {
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
      expect(name).not.toMatch(/[\p{Cc}\p{Cf}/\\:*?"<>|]/u);
      expect(name).not.toMatch(/[. ]$/);
      expect(name).not.toMatch(/^\./);
      expect(name.split(".")[0]).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)$/i);
    }
    // Every file is inside the package, with its content and its original name.
    for (const [i, original] of hostile.entries()) {
      const file = files.find((f) => readFileSync(join(to, f.path), "utf8") === `file ${i}`);
      expect(file, original).toBeDefined();
      expect(dirname(join(to, file!.path))).toBe(join(to, "alpha", "files"));
      expect(file!.name ?? basename(file!.path)).toBe(original);
    }
  });
});
