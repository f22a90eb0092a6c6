/**
 * Subject holds in Postgres (`gf_holds`, migration 3). Placing or releasing a hold takes an
 * exclusive advisory lock per subject (transaction-scoped); a commit that expects no covering hold
 * (the pivot) takes it shared before it locks its row and reads the holds, so the two never
 * interleave: the pivot sees the hold, or the hold finds the request past its pivot.
 */
import { FanoutError } from "../errors.js";
import { HOLD_AUDITED, HOLD_WOKEN, unknownHold } from "./control.js";
import { inTransaction, type PgPool, type PgPoolClient } from "./postgres-pool.js";
import { holdFromRow, requestFromRow } from "./row-codec.js";
import type { AuditInput, HoldQuery, HoldRecord, SagaStore } from "./types.js";

type Queryable = Pick<PgPoolClient, "query">;

/** The hold methods of a Postgres store, with the lock and the read the commit's check uses. */
export function postgresHolds(deps: {
  pools: { get(): Promise<PgPool> };
  schema: string;
  s: string;
  /** Appends one audit entry to the locked request `row` (read with its `audit_*` chain head). */
  appendAudit(q: Queryable, row: Record<string, unknown>, input: AuditInput): Promise<void>;
}): Pick<SagaStore, "createHold" | "releaseHold" | "getHold" | "listHolds"> & {
  lock(q: Queryable, fingerprint: string, mode: "shared" | "exclusive"): Promise<unknown>;
  active(q: Queryable, fingerprint: string): Promise<HoldRecord[]>;
} {
  const { pools, schema, s, appendAudit } = deps;
  /**
   * A transaction-scoped advisory lock per subject: exclusive for placing and releasing holds,
   * shared for a commit that must see no hold (the pivot). Its statement is separate from the reads
   * that follow, so they see every hold committed before the lock was granted.
   */
  const lock = (q: Queryable, fingerprint: string, mode: "shared" | "exclusive") =>
    q.query({
      text: `SELECT ${mode === "shared" ? "pg_advisory_xact_lock_shared" : "pg_advisory_xact_lock"}(hashtext($1))`,
      values: [`gdpr-fanout:subject:${schema}:${fingerprint}`],
    });
  /** Appends `audit` to the fingerprint's open erasure requests and wakes them; returns their ids. */
  const touchSubject = async (q: Queryable, fingerprint: string, now: number, audit: AuditInput) => {
    const { rows } = await q.query({
      text: `SELECT r.*, a.seq AS audit_seq, a.hash AS audit_hash FROM ${s}.gf_requests r
             LEFT JOIN LATERAL (SELECT seq, hash FROM ${s}.gf_audit WHERE request_id = r.id
                                ORDER BY seq DESC LIMIT 1) a ON true
             WHERE r.fingerprint = $1 AND r.completed_at IS NULL AND r.kind = 'erase'
             ORDER BY r.id FOR UPDATE OF r`,
      values: [fingerprint],
    });
    const touched: string[] = [];
    for (const row of rows) {
      const r = requestFromRow(row);
      if (!HOLD_AUDITED(r)) continue;
      await appendAudit(q, row, audit);
      if (HOLD_WOKEN(r)) {
        await q.query({
          text: `UPDATE ${s}.gf_requests SET wake_at = $1, updated_at = $1 WHERE id = $2`,
          values: [now, r.id],
        });
      }
      touched.push(r.id);
    }
    return touched;
  };

  const active = async (q: Queryable, fingerprint: string) =>
    (
      await q.query({
        text: `SELECT * FROM ${s}.gf_holds WHERE fingerprint = $1 AND released_at IS NULL`,
        values: [fingerprint],
      })
    ).rows.map(holdFromRow);
  const getHold = async (id: string) => {
    const { rows } = await (await pools.get()).query({
      text: `SELECT * FROM ${s}.gf_holds WHERE id = $1`,
      values: [id],
    });
    return rows[0] ? holdFromRow(rows[0]) : undefined;
  };
  return {
    lock,
    active,
    getHold,
    async createHold(hold: HoldRecord, audit: AuditInput) {
      return inTransaction(await pools.get(), async (c) => {
        await lock(c, hold.fingerprint, "exclusive");
        try {
          await c.query({
            text: `INSERT INTO ${s}.gf_holds (id, fingerprint, reason, reference, adapters, created_at, released_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            values: [
              hold.id,
              hold.fingerprint,
              hold.reason,
              hold.reference,
              hold.adapters === null ? null : JSON.stringify(hold.adapters),
              hold.createdAt,
              hold.releasedAt,
            ],
          });
        } catch (error) {
          if ((error as { code?: unknown }).code === "23505")
            throw new FanoutError("CONFLICT", `Hold ${hold.id} already exists`, { retryable: false });
          throw error;
        }
        return touchSubject(c, hold.fingerprint, hold.createdAt, audit);
      });
    },
    async releaseHold(id: string, now: number, audit: AuditInput) {
      const pool = await pools.get();
      const found = await getHold(id);
      if (!found) throw unknownHold(id);
      return inTransaction(pool, async (c) => {
        await lock(c, found.fingerprint, "exclusive");
        const { rows } = await c.query({
          text: `SELECT * FROM ${s}.gf_holds WHERE id = $1 FOR UPDATE`,
          values: [id],
        });
        const hold = holdFromRow(rows[0]!);
        if (hold.releasedAt !== null) return { hold, requests: [] as string[] };
        await c.query({ text: `UPDATE ${s}.gf_holds SET released_at = $1 WHERE id = $2`, values: [now, id] });
        return {
          hold: { ...hold, releasedAt: now },
          requests: await touchSubject(c, hold.fingerprint, now, audit),
        };
      });
    },
    async listHolds(query: HoldQuery) {
      const where: string[] = [];
      const values: unknown[] = [];
      if (query.fingerprint !== undefined) {
        values.push(query.fingerprint);
        where.push(`fingerprint = $${values.length}`);
      }
      if (query.active) where.push("released_at IS NULL");
      const { rows } = await (await pools.get()).query({
        text: `SELECT * FROM ${s}.gf_holds ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at, id`,
        values,
      });
      return rows.map(holdFromRow);
    },
  };
}
