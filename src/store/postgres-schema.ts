/**
 * The Postgres schema, as numbered migrations applied in order inside one transaction holding an
 * advisory lock, so several processes starting at once migrate exactly once. `{s}` is replaced by
 * the quoted schema name. Never edit a released migration: add the next one.
 *
 * Times are epoch milliseconds (`bigint`) from the engine's clock, like the other stores. Documents
 * are `text` holding JSON, so the row codec is shared with SQLite and nothing re-encodes them.
 */
import { FanoutError } from "../errors.js";
import { inTransaction, type PgPool } from "./postgres-pool.js";

export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE {s}.gf_requests (
     id text PRIMARY KEY,
     kind text NOT NULL,
     state text NOT NULL,
     fingerprint text NOT NULL,
     idempotency_key text UNIQUE,
     created_at bigint NOT NULL,
     updated_at bigint NOT NULL,
     due_at bigint NOT NULL,
     after_at bigint NOT NULL,
     wake_at bigint,
     pivot_at bigint,
     completed_at bigint,
     lease_owner text,
     lease_until bigint,
     fence bigint NOT NULL DEFAULT 0,
     hold_reason text,
     withdraw_requested boolean NOT NULL DEFAULT false,
     retry_requested integer NOT NULL DEFAULT 0,
     sealed text,
     doc text NOT NULL
   );
   -- Durable timers: claim and nextWake walk this index from the earliest wake time.
   CREATE INDEX gf_requests_wake ON {s}.gf_requests (wake_at) WHERE wake_at IS NOT NULL;
   -- nextWake's second half: due work whose lease is still held wakes when the lease ends.
   CREATE INDEX gf_requests_leased ON {s}.gf_requests (lease_until)
     WHERE wake_at IS NOT NULL AND lease_until IS NOT NULL;
   CREATE INDEX gf_requests_created ON {s}.gf_requests (created_at DESC, id DESC);
   CREATE INDEX gf_requests_state ON {s}.gf_requests (state, created_at DESC, id DESC);
   CREATE INDEX gf_requests_open_due ON {s}.gf_requests (due_at) WHERE completed_at IS NULL;
   CREATE TABLE {s}.gf_branches (
     request_id text NOT NULL REFERENCES {s}.gf_requests (id) ON DELETE CASCADE,
     adapter_id text NOT NULL,
     position integer NOT NULL,
     doc text NOT NULL,
     PRIMARY KEY (request_id, adapter_id)
   );
   CREATE TABLE {s}.gf_steps (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     request_id text NOT NULL REFERENCES {s}.gf_requests (id) ON DELETE CASCADE,
     adapter_id text NOT NULL,
     step text NOT NULL,
     attempt integer NOT NULL,
     status text NOT NULL,
     at bigint NOT NULL,
     error_code text
   );
   CREATE INDEX gf_steps_request ON {s}.gf_steps (request_id, id);
   CREATE TABLE {s}.gf_audit (
     request_id text NOT NULL REFERENCES {s}.gf_requests (id) ON DELETE CASCADE,
     seq integer NOT NULL,
     at bigint NOT NULL,
     type text NOT NULL,
     data text NOT NULL,
     prev_hash text NOT NULL,
     hash text NOT NULL,
     PRIMARY KEY (request_id, seq)
   );
   -- The shared rate limiter: per budget key, the send times granted in the current window.
   CREATE TABLE {s}.gf_rate_limits (
     key text PRIMARY KEY,
     slots bigint[] NOT NULL,
     paused_until bigint NOT NULL DEFAULT 0
   );`,
  // 2: the audit trail keyed and numbered per store (see src/store/audit-chain.ts). Older entries
  // keep a NULL store_seq and their unkeyed hashes. The head row is also the lock that hands out
  // store numbers one transaction at a time (a SEQUENCE would leave gaps on rollback).
  `ALTER TABLE {s}.gf_audit ADD COLUMN store_seq bigint;
   CREATE UNIQUE INDEX gf_audit_store_seq ON {s}.gf_audit (store_seq) WHERE store_seq IS NOT NULL;
   CREATE TABLE {s}.gf_audit_head (
     id integer PRIMARY KEY CHECK (id = 1),
     store_seq bigint NOT NULL,
     hash text NOT NULL,
     mac text NOT NULL
   );`,
  // 3: legal facts (receipt date, extension, expedition, lifting), subject holds, lookup by subject.
  `ALTER TABLE {s}.gf_requests ADD COLUMN legal text;
   CREATE INDEX gf_requests_fingerprint ON {s}.gf_requests (fingerprint, created_at DESC, id DESC);
   CREATE TABLE {s}.gf_holds (
     id text PRIMARY KEY,
     fingerprint text NOT NULL,
     reason text NOT NULL,
     reference text,
     adapters text,
     created_at bigint NOT NULL,
     released_at bigint
   );
   CREATE INDEX gf_holds_fingerprint ON {s}.gf_holds (fingerprint, created_at);`,
];

/**
 * Applies the missing migrations to `schema` (quoted: `s`), creating it if needed. Safe to run
 * from many processes at once: the advisory lock lets one migrate while the others wait.
 */
export async function migratePostgres(pool: PgPool, schema: string, s: string): Promise<void> {
  await inTransaction(pool, async (c) => {
    // Serialises concurrent migrations of this schema across processes until COMMIT.
    await c.query({
      text: "SELECT pg_advisory_xact_lock(hashtext($1))",
      values: [`gdpr-fanout:migrate:${schema}`],
    });
    await c.query({ text: `CREATE SCHEMA IF NOT EXISTS ${s}` });
    await c.query({
      text: `CREATE TABLE IF NOT EXISTS ${s}.gf_migrations (
               version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    });
    const { rows } = await c.query({
      text: `SELECT COALESCE(MAX(version), 0) AS v FROM ${s}.gf_migrations`,
    });
    const current = Number(rows[0]?.v ?? 0);
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new FanoutError(
        "STORE_CORRUPT",
        `Database schema version ${current} is newer than this gdpr-fanout knows`,
        { retryable: false },
      );
    }
    for (let v = current; v < POSTGRES_MIGRATIONS.length; v++) {
      await c.query({ text: POSTGRES_MIGRATIONS[v]!.replaceAll("{s}", s) });
      await c.query({ text: `INSERT INTO ${s}.gf_migrations (version) VALUES ($1)`, values: [v + 1] });
    }
  });
}
