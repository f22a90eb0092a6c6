/**
 * Subject holds in SQLite (`gf_holds`, migration 3). Every write runs in an immediate transaction:
 * SQLite's write lock serialises it with every commit, so a commit that expects no covering hold
 * (the pivot) sees a hold either entirely or not at all.
 */
import { FanoutError } from "../errors.js";
import { HOLD_AUDITED, HOLD_WOKEN, unknownHold } from "./control.js";
import { holdFromRow, requestFromRow } from "./row-codec.js";
import type { SqliteDatabase } from "./sqlite-store.js";
import type { AuditInput, HoldQuery, HoldRecord, SagaStore } from "./types.js";

type Row = Record<string, unknown>;

/** The hold methods of a SQLite store, and `active` for the commit's `noSubjectHold` check. */
export function sqliteHolds(
  open: () => Promise<SqliteDatabase>,
  appendAudit: (d: SqliteDatabase, requestId: string, input: AuditInput) => void,
): Pick<SagaStore, "createHold" | "releaseHold" | "getHold" | "listHolds"> & {
  active(d: SqliteDatabase, fingerprint: string): HoldRecord[];
} {
  const active = (d: SqliteDatabase, fingerprint: string): HoldRecord[] =>
    (
      d
        .prepare("SELECT * FROM gf_holds WHERE fingerprint = ? AND released_at IS NULL")
        .all(fingerprint) as Row[]
    ).map(holdFromRow);
  /** Appends `audit` to the fingerprint's open erasure requests and wakes them; returns their ids. */
  const touchSubject = (d: SqliteDatabase, fingerprint: string, now: number, audit: AuditInput) => {
    const rows = d
      .prepare("SELECT * FROM gf_requests WHERE fingerprint = ? AND completed_at IS NULL AND kind = 'erase'")
      .all(fingerprint) as Row[];
    const touched: string[] = [];
    for (const row of rows) {
      const r = requestFromRow(row);
      if (!HOLD_AUDITED(r)) continue;
      appendAudit(d, r.id, audit);
      if (HOLD_WOKEN(r))
        d.prepare("UPDATE gf_requests SET wake_at = ?, updated_at = ? WHERE id = ?").run(now, now, r.id);
      touched.push(r.id);
    }
    return touched;
  };

  return {
    active,
    async createHold(hold: HoldRecord, audit: AuditInput) {
      const d = await open();
      return d
        .transaction(() => {
          if (d.prepare("SELECT 1 FROM gf_holds WHERE id = ?").get(hold.id)) {
            throw new FanoutError("CONFLICT", `Hold ${hold.id} already exists`, { retryable: false });
          }
          d.prepare(
            `INSERT INTO gf_holds (id, fingerprint, reason, reference, adapters, created_at, released_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            hold.id,
            hold.fingerprint,
            hold.reason,
            hold.reference,
            hold.adapters === null ? null : JSON.stringify(hold.adapters),
            hold.createdAt,
            hold.releasedAt,
          );
          return touchSubject(d, hold.fingerprint, hold.createdAt, audit);
        })
        .immediate();
    },
    async releaseHold(id: string, now: number, audit: AuditInput) {
      const d = await open();
      return d
        .transaction(() => {
          const row = d.prepare("SELECT * FROM gf_holds WHERE id = ?").get(id) as Row | undefined;
          if (!row) throw unknownHold(id);
          const hold = holdFromRow(row);
          if (hold.releasedAt !== null) return { hold, requests: [] as string[] };
          d.prepare("UPDATE gf_holds SET released_at = ? WHERE id = ?").run(now, id);
          return {
            hold: { ...hold, releasedAt: now },
            requests: touchSubject(d, hold.fingerprint, now, audit),
          };
        })
        .immediate();
    },
    async getHold(id: string) {
      const row = (await open()).prepare("SELECT * FROM gf_holds WHERE id = ?").get(id) as Row | undefined;
      return row ? holdFromRow(row) : undefined;
    },
    async listHolds(query: HoldQuery) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.fingerprint !== undefined) {
        where.push("fingerprint = ?");
        params.push(query.fingerprint);
      }
      if (query.active) where.push("released_at IS NULL");
      const rows = (await open())
        .prepare(
          `SELECT * FROM gf_holds ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at, id`,
        )
        .all(...params) as Row[];
      return rows.map(holdFromRow);
    },
  };
}
