/**
 * `sqliteStore()`: the embedded default store, on better-sqlite3 (12.x) in WAL mode. Several
 * processes may share one file (SQLite's locking serialises writers); every write is one
 * transaction. `secure_delete` overwrites deleted content, so a shredded subject does not linger
 * in free pages, and the commit that shreds one checkpoints the WAL (TRUNCATE), so no old page
 * image keeps it either (see docs/security.md).
 */
import { FanoutError } from "../errors.js";
import { chainEntry, checkAuditKey, headAfter, missingAuditKey } from "./audit-chain.js";
import {
  applyControl,
  holdCovers,
  leaseLost,
  subjectFingerprints,
  subjectHeld,
  unknownRequest,
} from "./control.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import {
  auditFromRow,
  auditHeadFromRow,
  branchDoc,
  branchFromRow,
  legalColumn,
  listedRequestFromRow,
  requestFromRow,
} from "./row-codec.js";
import { sqliteHolds } from "./sqlite-holds.js";
import { sqliteOpenError } from "./sqlite-open.js";
import { SQLITE_MIGRATIONS } from "./sqlite-schema.js";
import { reusingStatements } from "./sqlite-statements.js";
import { applyProgress, decideClaim, sweepDoc, sweepFromRow } from "./sweep-rows.js";
import {
  ANSWERED_STATES,
  type AuditEntry,
  type AuditInput,
  type BranchRecord,
  type NewRequest,
  type RequestRecord,
  type SagaStore,
  type StepLogEntry,
  type SweepRecord,
} from "./types.js";

/** The slice of a better-sqlite3 `Database` this store uses (inject your own with `database`). */
export interface SqliteDatabase {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  exec(source: string): unknown;
  prepare(source: string): {
    run(...params: unknown[]): { changes: number };
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
  };
  transaction<F extends (...args: never[]) => unknown>(fn: F): F & { immediate: F };
  close(): unknown;
}

/** Options of {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file. @default "./gdpr-fanout.db" */
  path?: string;
  /** An open better-sqlite3 database to use instead of `path`. */
  database?: SqliteDatabase;
  /**
   * `full` syncs the WAL on every commit (durable across power loss); `normal` only at checkpoints
   * (durable across process crashes).
   * @default "full"
   */
  synchronous?: "full" | "normal";
  /** How long a writer waits for another process's lock. @default 5000 */
  busyTimeoutMs?: number;
}

type Row = Record<string, unknown>;

/** Creates a SQLite-backed {@link SagaStore}. */
export function sqliteStore(options: SqliteStoreOptions = {}): SagaStore {
  let db: SqliteDatabase | undefined = options.database && reusingStatements(options.database);
  let opening: Promise<SqliteDatabase> | undefined;

  async function open(): Promise<SqliteDatabase> {
    if (db) return db;
    opening ??= (async () => {
      const { default: Database } = await import("better-sqlite3");
      const path = options.path ?? "./gdpr-fanout.db";
      let database: SqliteDatabase | undefined;
      try {
        database = new Database(path) as unknown as SqliteDatabase;
        database.pragma("journal_mode = WAL");
        database.pragma(`synchronous = ${options.synchronous === "normal" ? "NORMAL" : "FULL"}`);
        database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
        database.pragma("secure_delete = ON");
      } catch (error) {
        database?.close();
        throw sqliteOpenError(path, error);
      }
      // Wrapped after the pragmas: an open that fails is reported above, typed, and never cached.
      db = reusingStatements(database);
      return db;
    })();
    // A failed open is not cached: the next call tries again (the directory may exist by then).
    return opening.catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
  }

  const lastAudit = (d: SqliteDatabase, requestId: string): AuditEntry | undefined => {
    const row = d
      .prepare("SELECT * FROM gf_audit WHERE request_id = ? ORDER BY seq DESC LIMIT 1")
      .get(requestId) as Row | undefined;
    return row ? auditFromRow(row) : undefined;
  };
  let key: Buffer | undefined;
  const readHead = (d: SqliteDatabase) =>
    auditHeadFromRow(d.prepare("SELECT * FROM gf_audit_head WHERE id = 1").get() as Row | undefined);
  /** Appends inside the caller's (immediate) transaction, so store numbers are handed out one at a time. */
  const appendAudit = (d: SqliteDatabase, requestId: string, input: AuditInput) => {
    if (!key) throw missingAuditKey();
    // Numbering goes on past the highest number seen, so a damaged head never stops appends (the
    // damage is for verification to report).
    // `IS NOT NULL` lets SQLite answer from the partial index on store_seq (older rows have none):
    // without it MAX scanned the whole audit table on every append, so recording a request got
    // slower with every request in the store (12 ms at 95,000 against 0.1 ms with the index).
    const { top } = d
      .prepare("SELECT MAX(store_seq) AS top FROM gf_audit WHERE store_seq IS NOT NULL")
      .get() as { top: number | null };
    const storeSeq = Math.max(Number(top ?? 0), readHead(d)?.storeSeq ?? 0) + 1;
    const entry = chainEntry(key, requestId, lastAudit(d, requestId), storeSeq, input);
    d.prepare(
      "INSERT INTO gf_audit (request_id, seq, store_seq, at, type, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ).run(
      entry.requestId,
      entry.seq,
      entry.storeSeq,
      entry.at,
      entry.type,
      JSON.stringify(entry.data),
      entry.prevHash,
      entry.hash,
    );
    const head = headAfter(key, entry);
    d.prepare(
      `INSERT INTO gf_audit_head (id, store_seq, hash, mac) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET store_seq = excluded.store_seq, hash = excluded.hash, mac = excluded.mac`,
    ).run(head.storeSeq, head.hash, head.mac);
  };
  const putBranch = (d: SqliteDatabase, b: BranchRecord) => {
    d.prepare(
      `INSERT INTO gf_branches (request_id, adapter_id, position, doc) VALUES (?, ?, ?, ?)
       ON CONFLICT (request_id, adapter_id) DO UPDATE SET doc = excluded.doc, position = excluded.position`,
    ).run(b.requestId, b.adapterId, b.position, branchDoc(b));
  };
  /**
   * A shred is on disk only once the WAL frames holding the old page images are gone: the
   * checkpoint copies the current pages (sealed value cleared, freed bytes zeroed by
   * `secure_delete`) into the file and TRUNCATE empties the WAL. It waits for readers up to the
   * busy timeout; when another process still reads an older snapshot, the next commit tries again.
   */
  let shredded = false;
  const checkpointed = (d: SqliteDatabase): boolean => {
    const [result] = d.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
    return result?.busy === 0;
  };
  const getRow = (d: SqliteDatabase, id: string) =>
    d.prepare("SELECT * FROM gf_requests WHERE id = ?").get(id) as Row | undefined;
  const getSweep = (d: SqliteDatabase, key: string): SweepRecord | undefined => {
    const row = d.prepare("SELECT * FROM gf_sweeps WHERE key = ?").get(key) as Row | undefined;
    return row ? sweepFromRow(row) : undefined;
  };
  const putSweep = (d: SqliteDatabase, r: SweepRecord) => {
    d.prepare(
      `INSERT INTO gf_sweeps (key, owner, lease_until, doc) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until, doc = excluded.doc`,
    ).run(r.key, r.owner, r.leaseUntil, sweepDoc(r));
  };

  /** Inserts a request (inside the caller's transaction); an existing idempotency key wins. */
  const insert = (d: SqliteDatabase, input: NewRequest) => {
    const r = input.request;
    if (r.idempotencyKey !== null) {
      const existing = d
        .prepare("SELECT * FROM gf_requests WHERE idempotency_key = ?")
        .get(r.idempotencyKey) as Row | undefined;
      if (existing) return { request: requestFromRow(existing), created: false };
    }
    d.prepare(
      `INSERT INTO gf_requests (id, kind, state, fingerprint, idempotency_key, created_at, updated_at, due_at, after_at,
       wake_at, pivot_at, completed_at, sealed, doc, legal, tenant) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      r.id,
      r.kind,
      r.state,
      r.fingerprint,
      r.idempotencyKey,
      r.createdAt,
      r.updatedAt,
      r.dueAt,
      r.afterAt,
      r.wakeAt,
      r.pivotAt,
      r.completedAt,
      r.sealed,
      JSON.stringify(r.doc),
      legalColumn(r.legal),
      r.tenant ?? null,
    );
    for (const b of input.branches) putBranch(d, b);
    appendAudit(d, r.id, input.audit);
    return { request: requestFromRow(getRow(d, r.id)!), created: true };
  };
  const holds = sqliteHolds(open, appendAudit);
  const store: SagaStore = {
    kind: "sqlite",
    async migrate(migrateOptions = {}) {
      key = checkAuditKey(migrateOptions.auditKey) ?? key;
      const d = await open();
      d.exec("CREATE TABLE IF NOT EXISTS gf_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      d.transaction(() => {
        const row = d.prepare("SELECT value FROM gf_meta WHERE key = 'schema_version'").get() as
          | { value: string }
          | undefined;
        const current = row ? Number(row.value) : 0;
        if (!Number.isInteger(current) || current > SQLITE_MIGRATIONS.length) {
          throw new FanoutError(
            "STORE_CORRUPT",
            `Database schema version ${row?.value} is newer than this gdpr-fanout knows`,
            {
              retryable: false,
            },
          );
        }
        for (let v = current; v < SQLITE_MIGRATIONS.length; v++) d.exec(SQLITE_MIGRATIONS[v]!);
        d.prepare(
          "INSERT INTO gf_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        ).run(String(SQLITE_MIGRATIONS.length));
      }).immediate();
    },
    async createRequest(input) {
      const d = await open();
      return d.transaction(() => insert(d, input)).immediate();
    },
    async getRequest(id) {
      const row = getRow(await open(), id);
      return row ? requestFromRow(row) : undefined;
    },
    async getBranches(requestId) {
      const rows = (await open())
        .prepare("SELECT * FROM gf_branches WHERE request_id = ? ORDER BY position")
        .all(requestId) as Row[];
      return rows.map(branchFromRow);
    },
    async list(query) {
      const d = await open();
      const limit = Math.max(1, Math.min(query.limit ?? 100, 1000));
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.state) {
        where.push("state = ?");
        params.push(query.state);
      }
      if (query.kind) {
        where.push("kind = ?");
        params.push(query.kind);
      }
      if (query.fingerprint !== undefined) {
        where.push("fingerprint = ?");
        params.push(query.fingerprint);
      }
      if (query.overdueAt !== undefined) {
        where.push(
          `completed_at IS NULL AND state NOT IN (${ANSWERED_STATES.map((st) => `'${st}'`).join(", ")}) AND due_at < ?`,
        );
        params.push(query.overdueAt);
      }
      if (query.tenant !== undefined) {
        where.push("tenant = ?");
        params.push(query.tenant);
      }
      if (query.idempotencyKeyPrefix !== undefined) {
        // substr, not LIKE: LIKE is case-insensitive in SQLite and treats % and _ as wildcards.
        where.push("substr(idempotency_key, 1, length(?)) = ?");
        params.push(query.idempotencyKeyPrefix, query.idempotencyKeyPrefix);
      }
      if (query.cursor) {
        const c = decodeCursor(query.cursor);
        where.push("(created_at < ? OR (created_at = ? AND id < ?))");
        params.push(c.createdAt, c.createdAt, c.id);
      }
      const sql = `SELECT * FROM gf_requests ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
                   ORDER BY created_at DESC, id DESC LIMIT ?`;
      const rows = d.prepare(sql).all(...params, limit + 1) as Row[];
      const items = rows.slice(0, limit).map(listedRequestFromRow);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },
    async claim(owner, now, leaseMs, limit, onlyId) {
      const d = await open();
      const rows = d
        .prepare(
          `UPDATE gf_requests SET lease_owner = ?, lease_until = ?, fence = fence + 1
         WHERE id IN (SELECT id FROM gf_requests
                      WHERE wake_at IS NOT NULL AND wake_at <= ? AND (lease_until IS NULL OR lease_until < ?)
                      ${onlyId === undefined ? "" : "AND id = ?"}
                      ORDER BY wake_at LIMIT ?)
         RETURNING *`,
        )
        .all(owner, now + leaseMs, now, now, ...(onlyId === undefined ? [] : [onlyId]), limit) as Row[];
      const claimed: RequestRecord[] = [];
      for (const row of rows) {
        try {
          claimed.push(requestFromRow(row));
        } catch {
          // A corrupt row is parked (wake_at cleared) so it cannot block the queue; status() reports it.
          d.prepare(
            "UPDATE gf_requests SET wake_at = NULL, lease_owner = NULL, lease_until = NULL WHERE id = ?",
          ).run(row.id);
        }
      }
      return claimed;
    },
    async renewLease(lease, now, leaseMs) {
      const result = (await open())
        .prepare(
          "UPDATE gf_requests SET lease_until = ? WHERE id = ? AND fence = ? AND lease_owner = ? AND lease_until >= ?",
        )
        .run(now + leaseMs, lease.requestId, lease.fence, lease.owner, now);
      return result.changes === 1;
    },
    async releaseLease(lease) {
      (await open())
        .prepare(
          "UPDATE gf_requests SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND fence = ? AND lease_owner = ?",
        )
        .run(lease.requestId, lease.fence, lease.owner);
    },
    async commit(lease, now, change) {
      const d = await open();
      d.transaction(() => {
        const row = d
          .prepare(
            "SELECT fence, lease_owner, lease_until, hold_reason, withdraw_requested FROM gf_requests WHERE id = ?",
          )
          .get(lease.requestId) as Row | undefined;
        if (!row) throw unknownRequest(lease.requestId);
        if (
          Number(row.fence) !== lease.fence ||
          row.lease_owner !== lease.owner ||
          Number(row.lease_until ?? 0) < now
        ) {
          throw leaseLost(lease.requestId);
        }
        if (change.expect?.notHeld && row.hold_reason !== null) {
          throw new FanoutError("CONFLICT", `Request ${lease.requestId} is held`, { retryable: false });
        }
        if (change.expect?.notWithdrawn && Number(row.withdraw_requested) === 1) {
          throw new FanoutError("CONFLICT", `Request ${lease.requestId} is being withdrawn`, {
            retryable: false,
          });
        }
        const held = change.expect?.noSubjectHold;
        if (
          held &&
          holdCovers(
            subjectFingerprints(held.fingerprint, held.aliases).flatMap((f) => holds.active(d, f)),
            held.adapters,
          )
        )
          throw subjectHeld(lease.requestId);
        for (const request of change.create ?? []) insert(d, request);
        const r = change.request;
        if (r) {
          const sets: string[] = [];
          const params: unknown[] = [];
          const column = (name: string, value: unknown) => {
            sets.push(`${name} = ?`);
            params.push(value);
          };
          if (r.state !== undefined) column("state", r.state);
          if (r.wakeAt !== undefined) column("wake_at", r.wakeAt);
          if (r.pivotAt !== undefined) column("pivot_at", r.pivotAt);
          if (r.completedAt !== undefined) column("completed_at", r.completedAt);
          if (r.sealed !== undefined) column("sealed", r.sealed);
          if (r.doc !== undefined) column("doc", JSON.stringify(r.doc));
          column("updated_at", r.updatedAt ?? now);
          d.prepare(`UPDATE gf_requests SET ${sets.join(", ")} WHERE id = ?`).run(...params, lease.requestId);
        }
        for (const b of change.branches ?? []) putBranch(d, b);
        const insertStep = d.prepare(
          "INSERT INTO gf_steps (request_id, adapter_id, step, attempt, status, at, error_code) VALUES (?, ?, ?, ?, ?, ?, ?)",
        );
        for (const s of change.steps ?? [])
          insertStep.run(s.requestId, s.adapterId, s.step, s.attempt, s.status, s.at, s.errorCode);
        for (const a of change.audit ?? []) appendAudit(d, lease.requestId, a);
      }).immediate();
      if (change.request?.sealed === null) shredded = true;
      if (shredded) shredded = !checkpointed(d);
    },
    async control(requestId, now, change, audit) {
      const d = await open();
      return d
        .transaction(() => {
          const row = getRow(d, requestId);
          if (!row) throw unknownRequest(requestId);
          const patch = applyControl(requestFromRow(row), change, now);
          d.prepare(
            `UPDATE gf_requests SET hold_reason = ?, withdraw_requested = ?, retry_requested = ?, wake_at = ?,
             due_at = ?, after_at = ?, legal = ?, updated_at = ? WHERE id = ?`,
          ).run(
            patch.holdReason,
            patch.withdrawRequested ? 1 : 0,
            patch.retryRequested,
            patch.wakeAt,
            patch.dueAt,
            patch.afterAt,
            legalColumn(patch.legal),
            now,
            requestId,
          );
          appendAudit(d, requestId, audit);
          return requestFromRow(getRow(d, requestId)!);
        })
        .immediate();
    },
    async steps(requestId) {
      const rows = (await open())
        .prepare("SELECT * FROM gf_steps WHERE request_id = ? ORDER BY id")
        .all(requestId) as Row[];
      return rows.map(
        (r): StepLogEntry => ({
          requestId: String(r.request_id),
          adapterId: String(r.adapter_id),
          step: r.step as StepLogEntry["step"],
          attempt: Number(r.attempt),
          status: r.status as StepLogEntry["status"],
          at: Number(r.at),
          errorCode: (r.error_code as string | null) ?? null,
        }),
      );
    },
    async audit(requestId) {
      const rows = (await open())
        .prepare("SELECT * FROM gf_audit WHERE request_id = ? ORDER BY seq")
        .all(requestId) as Row[];
      return rows.map(auditFromRow);
    },
    async auditTrail(after, limit) {
      const rows = (await open())
        .prepare("SELECT * FROM gf_audit WHERE store_seq > ? ORDER BY store_seq LIMIT ?")
        .all(after, limit) as Row[];
      return rows.map(auditFromRow);
    },
    async auditHead() {
      return readHead(await open());
    },
    async nextWake() {
      const row = (await open())
        .prepare(
          `SELECT MIN(CASE WHEN lease_until IS NOT NULL AND lease_until > wake_at THEN lease_until ELSE wake_at END) AS next
           FROM gf_requests WHERE wake_at IS NOT NULL`,
        )
        .get() as { next: number | null };
      return row.next === null ? null : Number(row.next);
    },
    createHold: holds.createHold,
    releaseHold: holds.releaseHold,
    getHold: holds.getHold,
    listHolds: holds.listHolds,
    async claimSweep(claim) {
      const d = await open();
      return d
        .transaction(() => {
          const next = decideClaim(getSweep(d, claim.key), claim);
          if (next) putSweep(d, next);
          return next;
        })
        .immediate();
    },
    async saveSweep(owner, now, progress) {
      const d = await open();
      d.transaction(() =>
        putSweep(d, applyProgress(getSweep(d, progress.key), owner, now, progress)),
      ).immediate();
    },
    async listSweeps() {
      const rows = (await open()).prepare("SELECT * FROM gf_sweeps ORDER BY key").all() as Row[];
      return rows.map(sweepFromRow);
    },
    async close() {
      if (db && shredded) checkpointed(db);
      if (db && !options.database) db.close();
      db = undefined;
      opening = undefined;
    },
  };
  return store;
}
