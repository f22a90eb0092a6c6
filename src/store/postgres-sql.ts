/**
 * The hot-path statements of the Postgres store, one text per schema, each prepared once per
 * connection. A worker's commit is one statement (one round trip, its own transaction) unless it
 * appends audit entries, which need the chain's head first (see postgres-store.ts).
 */

/** Row columns selected for a lease check, shared by both commit paths. */
const LEASE_COLUMNS = "fence, lease_owner, lease_until, hold_reason, withdraw_requested";

function claimSql(s: string, onlyId: boolean): string {
  return `WITH due AS (
        SELECT id FROM ${s}.gf_requests
        WHERE wake_at IS NOT NULL AND wake_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
          ${onlyId ? "AND id = $4" : ""}
        ORDER BY wake_at LIMIT ${onlyId ? "$5" : "$4"}
        FOR UPDATE SKIP LOCKED)
      UPDATE ${s}.gf_requests r SET lease_owner = $2, lease_until = $3, fence = r.fence + 1
      FROM due WHERE r.id = due.id
      RETURNING r.*`;
}

function commitSql(s: string, lock: "FOR UPDATE" | "FOR SHARE"): string {
  return `WITH cur AS (
        SELECT id, ${LEASE_COLUMNS} FROM ${s}.gf_requests WHERE id = $1 ${lock}),
      ok AS (
        SELECT id FROM cur
        WHERE fence = $2 AND lease_owner = $3 AND lease_until >= $4
          AND NOT ($5::boolean AND hold_reason IS NOT NULL)
          AND NOT ($6::boolean AND withdraw_requested)),
      upd AS (
        UPDATE ${s}.gf_requests r SET
          state = CASE WHEN p ? 'state' THEN p->>'state' ELSE r.state END,
          wake_at = CASE WHEN p ? 'wakeAt' THEN (p->>'wakeAt')::float8::bigint ELSE r.wake_at END,
          pivot_at = CASE WHEN p ? 'pivotAt' THEN (p->>'pivotAt')::float8::bigint ELSE r.pivot_at END,
          completed_at = CASE WHEN p ? 'completedAt' THEN (p->>'completedAt')::float8::bigint ELSE r.completed_at END,
          sealed = CASE WHEN p ? 'sealed' THEN p->>'sealed' ELSE r.sealed END,
          doc = CASE WHEN p ? 'doc' THEN p->>'doc' ELSE r.doc END,
          updated_at = (p->>'updatedAt')::float8::bigint
        FROM ok, (SELECT $7::jsonb AS p) patch
        WHERE r.id = ok.id AND p IS NOT NULL
        RETURNING r.id),
      br AS (
        INSERT INTO ${s}.gf_branches (request_id, adapter_id, position, doc)
        SELECT ok.id, b.adapter_id, b.position, b.doc
        FROM ok, jsonb_to_recordset($8::jsonb) AS b(adapter_id text, position integer, doc text)
        ON CONFLICT (request_id, adapter_id) DO UPDATE SET doc = EXCLUDED.doc, position = EXCLUDED.position),
      st AS (
        INSERT INTO ${s}.gf_steps (request_id, adapter_id, step, attempt, status, at, error_code)
        SELECT ok.id, e.v->>'adapter_id', e.v->>'step', (e.v->>'attempt')::integer, e.v->>'status',
               (e.v->>'at')::float8::bigint, e.v->>'error_code'
        FROM ok, jsonb_array_elements($9::jsonb) WITH ORDINALITY AS e(v, n)
        ORDER BY e.n),
      au AS (
        INSERT INTO ${s}.gf_audit (request_id, seq, store_seq, at, type, data, prev_hash, hash)
        SELECT ok.id, a.seq, a.store_seq, a.at, a.type, a.data, a.prev_hash, a.hash
        FROM ok, jsonb_to_recordset($10::jsonb)
          AS a(seq integer, store_seq bigint, at float8, type text, data text, prev_hash text, hash text))
      SELECT ${LEASE_COLUMNS}, EXISTS (SELECT 1 FROM ok) AS ok FROM cur`;
}

export function postgresSql(s: string) {
  return {
    /**
     * Claims due, unleased requests from the wake-time index; rows another claimer has locked are
     * skipped, not waited for, so concurrent workers never block each other or double-claim.
     */
    claim: claimSql(s, false),
    /** `claim` of one request by id (its own statement, so its plan starts from the primary key). */
    claimOne: claimSql(s, true),

    renew: `UPDATE ${s}.gf_requests SET lease_until = $1
      WHERE id = $2 AND fence = $3 AND lease_owner = $4 AND lease_until >= $5`,

    release: `UPDATE ${s}.gf_requests SET lease_owner = NULL, lease_until = NULL
      WHERE id = $1 AND fence = $2 AND lease_owner = $3`,

    /** Locks the request row and reads the audit chain's head (for commits that append audit). */
    lockWithHead: `SELECT r.id, ${LEASE_COLUMNS.split(", ")
      .map((c) => `r.${c}`)
      .join(", ")}, a.seq AS audit_seq, a.hash AS audit_hash
      FROM ${s}.gf_requests r
      LEFT JOIN LATERAL (SELECT seq, hash FROM ${s}.gf_audit WHERE request_id = r.id ORDER BY seq DESC LIMIT 1) a
        ON true
      WHERE r.id = $1 FOR UPDATE OF r`,

    /**
     * A worker's whole commit as one statement: lock the row, check the fencing token, the lease's
     * expiry and the `expect` preconditions, and only when they hold (`ok`) write the request
     * columns ($7, a JSON patch), branches ($8), step log ($9) and audit entries ($10).
     */
    commit: commitSql(s, "FOR UPDATE"),
    /**
     * The same for a commit that leaves the request row alone (branches and step log only, the
     * most frequent kind): a share lock still keeps a claim from changing the lease meanwhile, and
     * lets sibling branches of the request commit at the same time.
     */
    commitShared: commitSql(s, "FOR SHARE"),

    /** The earliest moment unleased work is due: a timer, or the end of a lease on due work. */
    nextWake: `SELECT LEAST(
        (SELECT wake_at FROM ${s}.gf_requests
          WHERE wake_at IS NOT NULL AND (lease_until IS NULL OR lease_until <= wake_at)
          ORDER BY wake_at LIMIT 1),
        (SELECT lease_until FROM ${s}.gf_requests
          WHERE wake_at IS NOT NULL AND lease_until IS NOT NULL AND lease_until > wake_at
          ORDER BY lease_until LIMIT 1)) AS next`,

    createRequest: `WITH ins AS (
        INSERT INTO ${s}.gf_requests (id, kind, state, fingerprint, idempotency_key, created_at, updated_at,
          due_at, after_at, wake_at, pivot_at, completed_at, sealed, doc, legal, tenant)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $22, $23)
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING *),
      br AS (
        INSERT INTO ${s}.gf_branches (request_id, adapter_id, position, doc)
        SELECT ins.id, b.adapter_id, b.position, b.doc
        FROM ins, jsonb_to_recordset($15::jsonb) AS b(adapter_id text, position integer, doc text)),
      au AS (
        INSERT INTO ${s}.gf_audit (request_id, seq, store_seq, at, type, data, prev_hash, hash)
        SELECT ins.id, 1, $21, $16, $17, $18, $19, $20 FROM ins)
      SELECT * FROM ins`,

    /**
     * Locks the store's audit head (creating it when missing) and reads the next store number:
     * past the head and past the highest number stored, so a damaged head never stops appends.
     * Taken after any request row lock, never before one, so lock order is the same everywhere.
     */
    lockAuditHead: `INSERT INTO ${s}.gf_audit_head (id, store_seq, hash, mac) VALUES (1, 0, '', '')
      ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id
      RETURNING GREATEST(store_seq, COALESCE((SELECT MAX(store_seq) FROM ${s}.gf_audit WHERE store_seq IS NOT NULL), 0)) + 1 AS next`,

    setAuditHead: `UPDATE ${s}.gf_audit_head SET store_seq = $1, hash = $2, mac = $3 WHERE id = 1`,
  };
}

export type PostgresSql = ReturnType<typeof postgresSql>;
