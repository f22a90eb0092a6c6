/**
 * Sweep rows in Postgres: each claim or progress write reads the row under `FOR UPDATE` and writes
 * it back in the same transaction, so two sweeps of one policy started at once cannot both hold an
 * adapter's listing (the rules themselves are in sweep-rows.ts, shared with the other stores).
 */
import { inTransaction, type PgPool, type PgPoolClient } from "./postgres-pool.js";
import { applyProgress, decideClaim, sweepDoc, sweepFromRow } from "./sweep-rows.js";
import type { SagaStore, SweepRecord } from "./types.js";

type SweepMethods = Required<Pick<SagaStore, "claimSweep" | "saveSweep" | "listSweeps">>;

/** The sweep methods of a Postgres store on schema `s` (quoted). */
export function postgresSweeps(pool: () => Promise<PgPool>, s: string): SweepMethods {
  const lock = async (c: PgPoolClient, key: string): Promise<SweepRecord | undefined> => {
    const { rows } = await c.query({
      text: `SELECT * FROM ${s}.gf_sweeps WHERE key = $1 FOR UPDATE`,
      values: [key],
    });
    return rows[0] ? sweepFromRow(rows[0]) : undefined;
  };
  const put = (c: PgPoolClient, r: SweepRecord) =>
    c.query({
      text: `INSERT INTO ${s}.gf_sweeps (key, owner, lease_until, doc) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, lease_until = EXCLUDED.lease_until,
               doc = EXCLUDED.doc`,
      values: [r.key, r.owner, r.leaseUntil, sweepDoc(r)],
    });
  return {
    async claimSweep(claim) {
      return inTransaction(await pool(), async (c) => {
        // Two first claims at once: the second INSERT waits for the first and then finds its row.
        await c.query({
          text: `INSERT INTO ${s}.gf_sweeps (key, owner, lease_until, doc) VALUES ($1, NULL, NULL, $2)
                 ON CONFLICT (key) DO NOTHING`,
          values: [claim.key, JSON.stringify({ placeholder: true })],
        });
        const { rows } = await c.query({
          text: `SELECT * FROM ${s}.gf_sweeps WHERE key = $1 FOR UPDATE`,
          values: [claim.key],
        });
        const row = rows[0];
        const placeholder =
          row !== undefined && (JSON.parse(String(row.doc)) as { placeholder?: boolean }).placeholder;
        const existing = row && !placeholder ? sweepFromRow(row) : undefined;
        const next = decideClaim(existing, claim);
        if (next) await put(c, next);
        return next;
      });
    },
    async saveSweep(owner, now, progress) {
      await inTransaction(await pool(), async (c) => {
        await put(c, applyProgress(await lock(c, progress.key), owner, now, progress));
      });
    },
    async listSweeps() {
      const { rows } = await (await pool()).query({ text: `SELECT * FROM ${s}.gf_sweeps ORDER BY key` });
      return rows.map(sweepFromRow);
    },
  };
}
