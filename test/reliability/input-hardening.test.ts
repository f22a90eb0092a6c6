/**
 * Input that used to surface as a raw TypeError, a silent default or a failure after a request was
 * recorded: store files that cannot be opened, a logger that is not one, list filters and export
 * options of the wrong kind, CLI flags that do not parse. Each is a typed error at the call.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { cli, workspace } from "../cli/helpers.js";
import { FakeProvider } from "../engine/fake-provider.js";
import { EMAIL, SECRET } from "../engine/helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "gf-input-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("opening the SQLite store", () => {
  const aFile = join(tmp, "a-file");
  writeFileSync(aFile, "not a directory");
  const textFile = join(tmp, "notes.txt");
  writeFileSync(textFile, "These are my notes, not a database. ".repeat(20));

  it.each([
    ["a missing directory", join(tmp, "missing", "dir", "store.db"), "CONFIGURATION", /does not exist/],
    ["a path under a regular file", join(aFile, "store.db"), "CONFIGURATION", /is a file, not a directory/],
    ["a directory", tmp, "CONFIGURATION", /is a directory/],
    ["a file that is not SQLite", textFile, "STORE_CORRUPT", /not a SQLite database/],
  ])("%s is a typed error naming the database file and what to fix", async (_label, path, code, why) => {
    const store = sqliteStore({ path });
    const error = await store.migrate().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code, details: expect.objectContaining({ role: "database file" }) });
    expect((error as Error).message).toContain("database file (sqliteStore `path`)");
    expect((error as Error).message).toMatch(why);
    await store.close();
  });

  it("leaves a non-SQLite file as it was", async () => {
    const before = readFileSync(textFile);
    await sqliteStore({ path: textFile })
      .migrate()
      .catch(() => {});
    expect(readFileSync(textFile).equals(before)).toBe(true);
  });

  it("the CLI says which file and what to change (exit 5)", async () => {
    const ws = workspace({ db: join(tmp, "nowhere", "cli.db") });
    try {
      const r = await cli(["list"], { cwd: ws.dir });
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/database file .*does not exist; create it first.*\[CONFIGURATION\]/);
    } finally {
      ws.cleanup();
    }
  });
});

describe("createFanout refuses a logger that is not one", () => {
  const adapters = [new FakeProvider("alpha").adapter()];
  it.each([
    ["a string", "debug"],
    ["console.log", console.log],
    ["an object without error()", { debug() {}, info() {}, warn() {} }],
    ["a child that is not a function", { debug() {}, info() {}, warn() {}, error() {}, child: 1 }],
  ])("%s", (_label, logger) => {
    expect(() =>
      createFanout({ adapters, store: memoryStore(), secret: SECRET, logger: logger as never }),
    ).toThrow(expect.objectContaining({ code: "CONFIGURATION", details: { option: "logger" } }));
  });
});

describe("list and export arguments", () => {
  const store = memoryStore();
  const fanout = createFanout({ adapters: [new FakeProvider("alpha").adapter()], store, secret: SECRET });
  it.each([
    ["an unknown state", { state: "done" }],
    ["an unknown kind", { kind: "refund" }],
    ["a string overdue", { overdue: "yes" }],
    ["a numeric overdue", { overdue: 1 }],
    ["a cursor that is not a string", { cursor: 5 }],
  ])("list with %s is INVALID_ARGUMENT", async (_label, options) => {
    await expect(fanout.list(options as never)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it.each([
    ["a string", "no"],
    ["a number", 0],
    ["null", null],
  ])("export({ wait: %s }) is INVALID_ARGUMENT and records nothing", async (_label, wait) => {
    await expect(
      fanout.export({ email: EMAIL }, { to: join(tmp, "never"), wait: wait as never }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "wait" } });
    expect((await fanout.list()).items).toEqual([]);
  });
});

describe("CLI flags", () => {
  it("worker --idle abc is a usage error (exit 2)", async () => {
    const ws = workspace();
    try {
      const r = await cli(["worker", "--idle", "abc"], { cwd: ws.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--idle must be a whole number");
    } finally {
      ws.cleanup();
    }
  });

  it("report --html under a regular file is a usage error (exit 2)", async () => {
    const ws = workspace();
    try {
      writeFileSync(join(ws.dir, "plain"), "x");
      const r = await cli(["report", "--html", "plain/report.html"], { cwd: ws.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--html: .*plain is a file, not a directory/);
    } finally {
      ws.cleanup();
    }
  });

  it("report --show-subjects replaces an existing world-readable file with a private one", async () => {
    const ws = workspace();
    try {
      const path = join(ws.dir, "report.html");
      writeFileSync(path, "old");
      chmodSync(path, 0o644);
      const r = await cli(["report", "--html", "report.html", "--show-subjects"], { cwd: ws.dir });
      expect(r.code).toBe(0);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, "utf8")).toContain("<!doctype html>");
    } finally {
      ws.cleanup();
    }
  });
});
