/**
 * Shared by the Postgres tests: the database URL (GDPR_FANOUT_PG_URL; without it the tests skip
 * and say so in their names), a pool, and throwaway schemas dropped afterwards.
 */
import pg from "pg";
import type { PgPool } from "../../src/store/postgres-pool.js";

export const PG_URL = process.env.GDPR_FANOUT_PG_URL ?? "";
/** Appended to suite names when skipped. */
export const PG_SKIP_REASON = PG_URL
  ? ""
  : " (skipped: GDPR_FANOUT_PG_URL is not set; run scripts/with-postgres.sh or npm run test:postgres)";

export function testPool(max = 10): pg.Pool & PgPool {
  const pool = new pg.Pool({ connectionString: PG_URL, max });
  pool.on("error", () => {});
  return pool;
}

let n = 0;
/** A fresh schema name for one test or run. */
export const freshSchema = (prefix = "t") =>
  `gf_${prefix}_${process.pid}_${Date.now().toString(36)}_${++n}`.toLowerCase();

export async function dropSchemas(pool: PgPool, prefix: string): Promise<void> {
  const { rows } = await pool.query({
    text: "SELECT nspname FROM pg_namespace WHERE nspname LIKE $1",
    values: [`${prefix}%`],
  });
  for (const row of rows) await pool.query({ text: `DROP SCHEMA "${String(row.nspname)}" CASCADE` });
}
