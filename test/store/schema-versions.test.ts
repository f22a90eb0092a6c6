// The numbered migrations of the SQLite and Postgres stores: which number each change has (found by
// the table it creates), and a SQLite file left at the version just before the sweep rows' migration
// moves on to it without touching what was there. When another migration ships before the sweep
// rows', their entry moves down one line in both lists and the sweep rows' number here changes with it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { POSTGRES_MIGRATIONS } from "../../src/store/postgres-schema.js";
import { SQLITE_MIGRATIONS } from "../../src/store/sqlite-schema.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";

const tmp = mkdtempSync(join(tmpdir(), "gf-schema-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The migration number (1-based) whose text mentions `marker`. */
const numberOf = (migrations: readonly string[], marker: string) =>
  migrations.findIndex((m) => m.includes(marker)) + 1;

describe("store schema versions", () => {
  it("numbers the audit keys 2, the legal facts and holds 3, the tenant column 4 and the sweep rows 5, in both SQL stores", () => {
    for (const migrations of [SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS]) {
      expect(numberOf(migrations, "gf_audit_head")).toBe(2);
      expect(numberOf(migrations, "gf_holds")).toBe(3);
      expect(numberOf(migrations, "ADD COLUMN tenant")).toBe(4);
      expect(numberOf(migrations, "gf_sweeps")).toBe(5);
    }
    expect(SQLITE_MIGRATIONS).toHaveLength(POSTGRES_MIGRATIONS.length);
  });

  it("moves a SQLite file at the version before the sweep rows to the latest, adding them and keeping its requests", async () => {
    const before = numberOf(SQLITE_MIGRATIONS, "gf_sweeps") - 1;
    const path = join(tmp, `at-v${before}.db`);
    const db = new Database(path);
    db.exec("CREATE TABLE gf_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    for (const migration of SQLITE_MIGRATIONS.slice(0, before)) db.exec(migration);
    db.prepare("INSERT INTO gf_meta (key, value) VALUES ('schema_version', ?)").run(String(before));
    db.prepare(
      `INSERT INTO gf_requests (id, kind, state, fingerprint, created_at, updated_at, due_at, after_at, doc)
       VALUES ('req_before', 'erase', 'completed', 'sub_0', 1, 1, 2, 1, '{}')`,
    ).run();
    db.close();

    const store = sqliteStore({ path });
    await store.migrate();
    expect(await store.listSweeps!()).toEqual([]);
    await store.close();

    const after = new Database(path, { readonly: true });
    const version = after.prepare("SELECT value FROM gf_meta WHERE key = 'schema_version'").get() as {
      value: string;
    };
    const tables = after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    const kept = after.prepare("SELECT id, state FROM gf_requests").all();
    after.close();
    expect(kept).toEqual([{ id: "req_before", state: "completed" }]);
    expect(Number(version.value)).toBe(SQLITE_MIGRATIONS.length);
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(["gf_audit_head", "gf_holds", "gf_sweeps"]),
    );
  });
});
