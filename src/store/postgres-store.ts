/**
 * `postgresStore()`: the store for many worker processes on many machines, on node-postgres (`pg`,
 * an optional peer dependency imported on first use). Workers claim due requests with
 * `FOR UPDATE SKIP LOCKED` and hold them under a lease with a fencing token; every write checks
 * the token and the lease's expiry in the same statement, so a worker that was paused or cut off
 * past its lease cannot overwrite the new owner's state (`LEASE_LOST`). Control-plane changes and
 * audit appends happen under the request's row lock. See docs/stores.md.
 */
import { FanoutError } from "../errors.js";
import { chainEntry, checkAuditKey, headAfter, missingAuditKey } from "./audit-chain.js";
import { applyControl, holdCovers, leaseLost, subjectHeld, unknownRequest } from "./control.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { auditRows, branchRows, chain, headOf, stepRow } from "./postgres-codec.js";
import { postgresHolds } from "./postgres-holds.js";
import {
  inTransaction,
  lazyPool,
  type PgConnectionOptions,
  type PgPool,
  type PgPoolClient,
  quoteSchema,
} from "./postgres-pool.js";
import { migratePostgres } from "./postgres-schema.js";
import { postgresSql } from "./postgres-sql.js";
import {
  auditFromRow,
  auditHeadFromRow,
  branchFromRow,
  legalColumn,
  listedRequestFromRow,
  requestFromRow,
} from "./row-codec.js";
import {
  ANSWERED_STATES,
  type AuditEntry,
  type AuditInput,
  type NewRequest,
  type RequestRecord,
  type SagaStore,
  type StepLogEntry,
} from "./types.js";

/** Options of {@link postgresStore}. */
export interface PostgresStoreOptions extends PgConnectionOptions {}

type Row = Record<string, unknown>;
type Queryable = Pick<PgPoolClient, "query">;

/** Creates a Postgres-backed {@link SagaStore}. Call `migrate()` once before use (it is idempotent). */
export function postgresStore(options: PostgresStoreOptions): SagaStore {
  const { name: schema, quoted: s } = quoteSchema(options.schema);
  const pools = lazyPool(options);
  const sql = postgresSql(s);
  const named = (key: keyof typeof sql, values: unknown[]) => ({
    name: `gf_${schema}_${key}`,
    text: sql[key],
    values,
  });

  let key: Buffer | undefined;
  const auditKey = () => {
    if (!key) throw missingAuditKey();
    return key;
  };
  /** Locks the store's audit head (inside the caller's transaction) and returns the next store number. */
  const nextStoreSeq = async (q: Queryable): Promise<number> => {
    const { rows } = await q.query(named("lockAuditHead", []));
    return Number(rows[0]?.next ?? 1);
  };
  const setHead = async (q: Queryable, last: AuditEntry) => {
    const head = headAfter(auditKey(), last);
    await q.query(named("setAuditHead", [head.storeSeq, head.hash, head.mac]));
  };
  const insertAudit = async (q: Queryable, requestId: string, entries: AuditEntry[]) => {
    if (entries.length === 0) return;
    await q.query({
      text: `INSERT INTO ${s}.gf_audit (request_id, seq, store_seq, at, type, data, prev_hash, hash)
             SELECT $1, a.seq, a.store_seq, a.at, a.type, a.data, a.prev_hash, a.hash
             FROM jsonb_to_recordset($2::jsonb)
               AS a(seq integer, store_seq bigint, at float8, type text, data text, prev_hash text, hash text)`,
      values: [requestId, auditRows(entries)],
    });
    await setHead(q, entries.at(-1)!);
  };

  /**
   * Inserts a request inside the caller's transaction (after any request row lock it holds: the
   * audit head is locked last); `undefined` when its idempotency key exists already.
   */
  const insert = async (q: Queryable, input: NewRequest): Promise<RequestRecord | undefined> => {
    const r = input.request;
    const genesis = chainEntry(auditKey(), r.id, undefined, await nextStoreSeq(q), input.audit);
    try {
      const { rows } = await q.query(
        named("createRequest", [
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
          branchRows(input.branches),
          genesis.at,
          genesis.type,
          JSON.stringify(genesis.data),
          genesis.prevHash,
          genesis.hash,
          genesis.storeSeq,
          legalColumn(r.legal),
        ]),
      );
      if (!rows[0]) return undefined;
      await setHead(q, genesis);
      return requestFromRow(rows[0]);
    } catch (error) {
      if ((error as { code?: unknown }).code === "23505") {
        throw new FanoutError("CONFLICT", `Request ${r.id} already exists`, { retryable: false });
      }
      throw error;
    }
  };
  /** Appends one entry to the chain of the locked request `row` (read with its `audit_*` head). */
  const appendAudit = async (q: Queryable, row: Row, input: AuditInput) => {
    const requestId = String(row.id);
    const storeSeq = await nextStoreSeq(q);
    await insertAudit(q, requestId, chain(auditKey(), requestId, headOf(row), storeSeq, [input]));
  };
  const holds = postgresHolds({ pools, schema, s, appendAudit });
  const store: SagaStore = {
    kind: "postgres",
    async migrate(migrateOptions = {}) {
      key = checkAuditKey(migrateOptions.auditKey) ?? key;
      await migratePostgres(await pools.get(), schema, s);
    },
    async createRequest(input) {
      const pool = await pools.get();
      auditKey(); // before anything changes: one request, one first entry
      const created = await inTransaction(pool, (c) => insert(c, input));
      if (created) return { request: created, created: true };
      const existing = await pool.query({
        text: `SELECT * FROM ${s}.gf_requests WHERE idempotency_key = $1`,
        values: [input.request.idempotencyKey],
      });
      if (!existing.rows[0])
        throw new FanoutError("CONFLICT", `Request ${input.request.id} could not be created`);
      return { request: requestFromRow(existing.rows[0]), created: false };
    },
    async getRequest(id) {
      const { rows } = await (await pools.get()).query({
        name: `gf_${schema}_get`,
        text: `SELECT * FROM ${s}.gf_requests WHERE id = $1`,
        values: [id],
      });
      return rows[0] ? requestFromRow(rows[0]) : undefined;
    },
    async getBranches(requestId) {
      const { rows } = await (await pools.get()).query({
        name: `gf_${schema}_branches`,
        text: `SELECT * FROM ${s}.gf_branches WHERE request_id = $1 ORDER BY position`,
        values: [requestId],
      });
      return rows.map(branchFromRow);
    },
    async list(query) {
      const limit = Math.max(1, Math.min(query.limit ?? 100, 1000));
      const where: string[] = [];
      const values: unknown[] = [];
      const param = (value: unknown) => {
        values.push(value);
        return `$${values.length}`;
      };
      if (query.state) where.push(`state = ${param(query.state)}`);
      if (query.kind) where.push(`kind = ${param(query.kind)}`);
      if (query.fingerprint !== undefined) where.push(`fingerprint = ${param(query.fingerprint)}`);
      if (query.overdueAt !== undefined) {
        where.push(
          `completed_at IS NULL AND state <> ALL(${param(ANSWERED_STATES)}::text[]) AND due_at < ${param(query.overdueAt)}`,
        );
      }
      if (query.cursor) {
        const c = decodeCursor(query.cursor);
        where.push(`(created_at, id) < (${param(c.createdAt)}, ${param(c.id)})`);
      }
      const { rows } = await (await pools.get()).query({
        text: `SELECT * FROM ${s}.gf_requests ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
               ORDER BY created_at DESC, id DESC LIMIT ${param(limit + 1)}`,
        values,
      });
      const items = rows.slice(0, limit).map(listedRequestFromRow);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },
    async claim(owner, now, leaseMs, limit, onlyId) {
      const pool = await pools.get();
      const { rows } = await pool.query(
        onlyId === undefined
          ? named("claim", [now, owner, now + leaseMs, limit])
          : named("claimOne", [now, owner, now + leaseMs, onlyId, limit]),
      );
      rows.sort((a, b) => Number(a.wake_at) - Number(b.wake_at));
      const claimed: RequestRecord[] = [];
      for (const row of rows) {
        try {
          claimed.push(requestFromRow(row));
        } catch {
          // A corrupt row is parked (wake_at cleared) so it cannot block the queue; status() reports it.
          await pool.query({
            text: `UPDATE ${s}.gf_requests SET wake_at = NULL, lease_owner = NULL, lease_until = NULL WHERE id = $1`,
            values: [row.id],
          });
        }
      }
      return claimed;
    },
    async renewLease(lease, now, leaseMs) {
      const result = await (await pools.get()).query(
        named("renew", [now + leaseMs, lease.requestId, lease.fence, lease.owner, now]),
      );
      return result.rowCount === 1;
    },
    async releaseLease(lease) {
      await (await pools.get()).query(named("release", [lease.requestId, lease.fence, lease.owner]));
    },
    async commit(lease, now, change) {
      const pool = await pools.get();
      const r = change.request;
      const patch = r
        ? JSON.stringify({
            ...r,
            ...(r.doc === undefined ? {} : { doc: JSON.stringify(r.doc) }),
            updatedAt: r.updatedAt ?? now,
          })
        : null;
      const steps = change.steps?.length ? JSON.stringify(change.steps.map(stepRow)) : null;
      const branches = change.branches?.length ? branchRows(change.branches) : null;
      const check = (row: Row | undefined) => {
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
        if (change.expect?.notWithdrawn && row.withdraw_requested === true) {
          throw new FanoutError("CONFLICT", `Request ${lease.requestId} is being withdrawn`, {
            retryable: false,
          });
        }
      };
      const write = async (q: Queryable, audit: string | null) => {
        const { rows } = await q.query(
          named(patch === null && audit === null ? "commitShared" : "commit", [
            lease.requestId,
            lease.fence,
            lease.owner,
            now,
            change.expect?.notHeld === true,
            change.expect?.notWithdrawn === true,
            patch,
            branches,
            steps,
            audit,
          ]),
        );
        check(rows[0]);
      };
      const held = change.expect?.noSubjectHold;
      if (!change.audit?.length && !held && !change.create?.length) return write(pool, null);
      // Appending audit needs the chain's head, read under the row lock in the same transaction.
      if (change.audit?.length || change.create?.length) auditKey(); // before anything changes
      await inTransaction(pool, async (c) => {
        // The subject's lock first, then the row's: the order createHold takes them in.
        if (held) await holds.lock(c, held.fingerprint, "shared");
        const { rows } = await c.query(named("lockWithHead", [lease.requestId]));
        check(rows[0]);
        if (held && holdCovers(await holds.active(c, held.fingerprint), held.adapters))
          throw subjectHeld(lease.requestId);
        for (const request of change.create ?? []) await insert(c, request);
        if (!change.audit?.length) return write(c, null);
        const storeSeq = await nextStoreSeq(c);
        const entries = chain(auditKey(), lease.requestId, headOf(rows[0]!), storeSeq, change.audit);
        await write(c, auditRows(entries));
        await setHead(c, entries.at(-1)!);
      });
    },
    async control(requestId, now, change, audit) {
      return inTransaction(await pools.get(), async (c) => {
        const { rows } = await c.query({
          text: `SELECT r.*, a.seq AS audit_seq, a.hash AS audit_hash FROM ${s}.gf_requests r
                 LEFT JOIN LATERAL (SELECT seq, hash FROM ${s}.gf_audit WHERE request_id = r.id
                                    ORDER BY seq DESC LIMIT 1) a ON true
                 WHERE r.id = $1 FOR UPDATE OF r`,
          values: [requestId],
        });
        const row = rows[0];
        if (!row) throw unknownRequest(requestId);
        const patch = applyControl(requestFromRow(row), change, now);
        const updated = await c.query({
          text: `UPDATE ${s}.gf_requests SET hold_reason = $1, withdraw_requested = $2, retry_requested = $3,
                   wake_at = $4, updated_at = $5, due_at = $7, after_at = $8, legal = $9 WHERE id = $6 RETURNING *`,
          values: [
            patch.holdReason,
            patch.withdrawRequested,
            patch.retryRequested,
            patch.wakeAt,
            now,
            requestId,
            patch.dueAt,
            patch.afterAt,
            legalColumn(patch.legal),
          ],
        });
        const storeSeq = await nextStoreSeq(c);
        await insertAudit(c, requestId, chain(auditKey(), requestId, headOf(row), storeSeq, [audit]));
        return requestFromRow(updated.rows[0]!);
      });
    },
    async steps(requestId) {
      const { rows } = await (await pools.get()).query({
        text: `SELECT * FROM ${s}.gf_steps WHERE request_id = $1 ORDER BY id`,
        values: [requestId],
      });
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
      const { rows } = await (await pools.get()).query({
        text: `SELECT * FROM ${s}.gf_audit WHERE request_id = $1 ORDER BY seq`,
        values: [requestId],
      });
      return rows.map(auditFromRow);
    },
    async auditTrail(after, limit) {
      const { rows } = await (await pools.get()).query({
        text: `SELECT * FROM ${s}.gf_audit WHERE store_seq > $1 ORDER BY store_seq LIMIT $2`,
        values: [after, limit],
      });
      return rows.map(auditFromRow);
    },
    async auditHead() {
      const { rows } = await (await pools.get()).query({
        text: `SELECT * FROM ${s}.gf_audit_head WHERE id = 1 AND hash <> ''`,
      });
      return auditHeadFromRow(rows[0]);
    },
    async nextWake() {
      const { rows } = await (await pools.get()).query(named("nextWake", []));
      const next = rows[0]?.next;
      return next === null || next === undefined ? null : Number(next);
    },
    createHold: holds.createHold,
    releaseHold: holds.releaseHold,
    getHold: holds.getHold,
    listHolds: holds.listHolds,
    async close() {
      await pools.close();
    },
  };
  return store;
}

/** The pool a store uses, for callers (and tests) sharing it: `postgresStore({ pool })`. */
export type { PgPool };
