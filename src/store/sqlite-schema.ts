/**
 * The SQLite schema, as numbered migrations. Applied in order inside an immediate transaction, so
 * two processes opening the same file at once cannot both migrate. Never edit a released
 * migration: add the next one.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE gf_requests (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     state TEXT NOT NULL,
     fingerprint TEXT NOT NULL,
     idempotency_key TEXT UNIQUE,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     due_at INTEGER NOT NULL,
     after_at INTEGER NOT NULL,
     wake_at INTEGER,
     pivot_at INTEGER,
     completed_at INTEGER,
     lease_owner TEXT,
     lease_until INTEGER,
     fence INTEGER NOT NULL DEFAULT 0,
     hold_reason TEXT,
     withdraw_requested INTEGER NOT NULL DEFAULT 0,
     retry_requested INTEGER NOT NULL DEFAULT 0,
     sealed TEXT,
     doc TEXT NOT NULL
   );
   CREATE INDEX gf_requests_wake ON gf_requests (wake_at) WHERE wake_at IS NOT NULL;
   CREATE INDEX gf_requests_created ON gf_requests (created_at DESC, id DESC);
   CREATE INDEX gf_requests_state ON gf_requests (state, created_at DESC, id DESC);
   CREATE INDEX gf_requests_open_due ON gf_requests (due_at) WHERE completed_at IS NULL;
   CREATE TABLE gf_branches (
     request_id TEXT NOT NULL,
     adapter_id TEXT NOT NULL,
     position INTEGER NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (request_id, adapter_id)
   );
   CREATE TABLE gf_steps (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     request_id TEXT NOT NULL,
     adapter_id TEXT NOT NULL,
     step TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     status TEXT NOT NULL,
     at INTEGER NOT NULL,
     error_code TEXT
   );
   CREATE INDEX gf_steps_request ON gf_steps (request_id, id);
   CREATE TABLE gf_audit (
     request_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     at INTEGER NOT NULL,
     type TEXT NOT NULL,
     data TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     PRIMARY KEY (request_id, seq)
   );`,
  // 2: the audit trail keyed and numbered per store (see src/store/audit-chain.ts). Older entries
  // keep a NULL store_seq and their unkeyed hashes.
  `ALTER TABLE gf_audit ADD COLUMN store_seq INTEGER;
   CREATE UNIQUE INDEX gf_audit_store_seq ON gf_audit (store_seq) WHERE store_seq IS NOT NULL;
   CREATE TABLE gf_audit_head (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     store_seq INTEGER NOT NULL,
     hash TEXT NOT NULL,
     mac TEXT NOT NULL
   );`,
  // 3: legal facts (receipt date, extension, expedition, lifting), subject holds, lookup by subject.
  `ALTER TABLE gf_requests ADD COLUMN legal TEXT;
   CREATE INDEX gf_requests_fingerprint ON gf_requests (fingerprint, created_at DESC, id DESC);
   CREATE TABLE gf_holds (
     id TEXT PRIMARY KEY,
     fingerprint TEXT NOT NULL,
     reason TEXT NOT NULL,
     reference TEXT,
     adapters TEXT,
     created_at INTEGER NOT NULL,
     released_at INTEGER
   );
   CREATE INDEX gf_holds_fingerprint ON gf_holds (fingerprint, created_at);`,
];
