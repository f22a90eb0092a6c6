import { afterAll, describe, expect, it } from "vitest";
import { postgresStore } from "../../src/stores/postgres.js";
import { runStoreConformance } from "../../src/testing/store-conformance.js";
import { dropSchemas, freshSchema, PG_SKIP_REASON, PG_URL, testPool } from "./postgres-helpers.js";

const prefix = `gf_conf_${process.pid}_`;

if (!PG_URL) {
  describe(`SagaStore conformance: postgres${PG_SKIP_REASON}`, () => {
    it.skip("needs a database", () => {});
  });
} else {
  const pool = testPool();
  afterAll(async () => {
    await dropSchemas(pool, prefix);
    await pool.end();
  });

  // Each case gets its own schema: a store that owns its pool, as an application would create it.
  runStoreConformance("postgres", async () =>
    postgresStore({ connectionString: PG_URL, schema: freshSchema(`conf_${process.pid}`) }),
  );
  // And one on an injected pool, several stores sharing it.
  runStoreConformance("postgres (injected pool)", async () =>
    postgresStore({ pool, schema: freshSchema(`conf_${process.pid}`) }),
  );

  describe("postgres store specifics", () => {
    it("migrates concurrently from several stores exactly once", async () => {
      const schema = freshSchema(`conf_${process.pid}`);
      const stores = Array.from({ length: 6 }, () => postgresStore({ connectionString: PG_URL, schema }));
      await Promise.all(stores.map((s) => s.migrate()));
      const { rows } = await pool.query({ text: `SELECT version FROM "${schema}".gf_migrations` });
      expect(rows.map((r) => Number(r.version)).sort((a, b) => a - b)).toEqual([1, 2, 3]);
      await Promise.all(stores.map((s) => s.close()));
    });

    it("refuses a schema name that is not a plain identifier", () => {
      expect(() => postgresStore({ connectionString: PG_URL, schema: 'x"; DROP TABLE y; --' })).toThrow(
        expect.objectContaining({ code: "CONFIGURATION" }),
      );
      expect(() => postgresStore({ schema: "ok" })).toThrow(
        expect.objectContaining({ code: "CONFIGURATION" }),
      );
    });

    it("parks a foreign row instead of claiming it, and lists it as needing attention", async () => {
      const schema = freshSchema(`conf_${process.pid}`);
      const store = postgresStore({ pool, schema });
      await store.migrate();
      await pool.query({
        text: `INSERT INTO "${schema}".gf_requests (id, kind, state, fingerprint, created_at, updated_at, due_at,
                 after_at, wake_at, doc) VALUES ('req_foreign', 'refund', 'bogus', 'x', 1, 1, 1, 1, 0, 'null')`,
      });
      expect(await store.claim("w", 10, 1000, 5)).toEqual([]);
      const { rows } = await pool.query({
        text: `SELECT wake_at, lease_owner FROM "${schema}".gf_requests WHERE id = 'req_foreign'`,
      });
      expect(rows[0]).toEqual({ wake_at: null, lease_owner: null });
      expect((await store.list({})).items).toMatchObject([{ id: "req_foreign", state: "needs_attention" }]);
      await expect(store.getRequest("req_foreign")).rejects.toMatchObject({ code: "STORE_CORRUPT" });
      await store.close();
    });

    it("hands each due request to exactly one of many concurrent claimers", async () => {
      const schema = freshSchema(`conf_${process.pid}`);
      const store = postgresStore({ connectionString: PG_URL, schema, maxConnections: 12 });
      await store.migrate({ auditKey: new Uint8Array(32).fill(1) });
      const T0 = 1_000_000;
      for (let i = 0; i < 60; i++) {
        await store.createRequest({
          request: {
            id: `req_${i}`,
            kind: "erase",
            state: "pending",
            fingerprint: "sub_x",
            idempotencyKey: null,
            createdAt: T0 + i,
            updatedAt: T0,
            dueAt: T0,
            afterAt: T0,
            wakeAt: T0 + i,
            pivotAt: null,
            completedAt: null,
            sealed: null,
            doc: { adapters: [] },
          },
          branches: [],
          audit: { at: T0, type: "request.created", data: {} },
        });
      }
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, w) => store.claim(`w${w}`, T0 + 100, 30_000, 7)),
      );
      const ids = claims.flat().map((r) => r.id);
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
      for (const batch of claims) expect(batch.every((r) => r.fence === 1)).toBe(true);
      await store.close();
    });
  });
}
