// A store created before tenants upgrades in place: existing requests read as filed for no tenant,
// and new ones keep theirs. From schema version 1 (before the keyed audit chain) and from version 2
// (main's audit-key migration), up to the latest, which holds the tenant column.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { SQLITE_MIGRATIONS } from "../../src/store/sqlite-schema.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "gf-tenant-migration-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const AUDIT_KEY = new Uint8Array(32).fill(7);
/** The migration that adds the tenant column (renumbered by moving its entry in SQLITE_MIGRATIONS). */
const TENANT_MIGRATION = SQLITE_MIGRATIONS.findIndex((m) => /ADD COLUMN tenant\b/.test(m)) + 1;

describe("tenant migration (SQLite)", () => {
  it("comes after the audit-key migration (2)", () => {
    expect(TENANT_MIGRATION).toBeGreaterThan(2);
    expect(SQLITE_MIGRATIONS[1]).toMatch(/store_seq/);
  });

  it.each([1, 2])(
    "upgrades a version %i database: old rows have no tenant, new ones keep theirs",
    async (from) => {
      const path = join(dir, `v${from}.db`);
      const db = new Database(path);
      for (const migration of SQLITE_MIGRATIONS.slice(0, from)) db.exec(migration);
      db.exec("CREATE TABLE gf_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      db.prepare("INSERT INTO gf_meta (key, value) VALUES ('schema_version', ?)").run(String(from));
      db.prepare(
        `INSERT INTO gf_requests (id, kind, state, fingerprint, idempotency_key, created_at, updated_at, due_at,
       after_at, wake_at, sealed, doc) VALUES ('req_old', 'erase', 'pending', 'sub_x', 'old-key', 1, 1, 2, 1, 1, NULL, ?)`,
      ).run(JSON.stringify({ adapters: [] }));
      db.close();

      const store = sqliteStore({ path });
      await store.migrate({ auditKey: AUDIT_KEY });
      expect(await store.getRequest("req_old")).toMatchObject({ id: "req_old", tenant: null });
      await store.createRequest({
        request: {
          id: "req_new",
          kind: "erase",
          state: "pending",
          fingerprint: "sub_y",
          idempotencyKey: "k/acme",
          tenant: "acme",
          createdAt: 2,
          updatedAt: 2,
          dueAt: 3,
          afterAt: 2,
          wakeAt: 2,
          pivotAt: null,
          completedAt: null,
          sealed: null,
          doc: { adapters: [] },
        },
        branches: [],
        audit: { at: 2, type: "request.created", data: {} },
      });
      expect((await store.list({ tenant: "acme" })).items.map((r) => r.id)).toEqual(["req_new"]);
      expect((await store.list({})).items.map((r) => [r.id, r.tenant])).toEqual([
        ["req_new", "acme"],
        ["req_old", null],
      ]);
      await store.close();
      const upgraded = new Database(path);
      const version = upgraded
        .prepare("SELECT value FROM gf_meta WHERE key = 'schema_version'")
        .pluck()
        .get();
      upgraded.close();
      expect(Number(version)).toBe(SQLITE_MIGRATIONS.length);
    },
  );
});
