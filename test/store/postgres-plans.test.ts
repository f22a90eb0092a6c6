/**
 * Query plans of the hot path on a populated table: claim, commit (both lock modes), nextWake, list
 * and the audit head read all go through indexes, never a sequential scan of a store table.
 * Checked with generic plans (what a prepared statement settles on) and custom ones (its first
 * executions). `GDPR_FANOUT_PRINT_PLANS=1` prints them (docs/stores.md shows them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresSql } from "../../src/store/postgres-sql.js";
import { postgresStore } from "../../src/stores/postgres.js";
import { dropSchemas, freshSchema, PG_SKIP_REASON, PG_URL, testPool } from "./postgres-helpers.js";

const prefix = `gf_plans_${process.pid}_`;
const ROWS = 20_000;

describe.skipIf(!PG_URL)(`postgres query plans${PG_SKIP_REASON}`, () => {
  const schema = freshSchema(`plans_${process.pid}`);
  const s = `"${schema}"`;
  const sql = postgresSql(s);
  const pool = PG_URL ? testPool(1) : undefined;
  const now = 1_800_000_000_000;

  beforeAll(async () => {
    await postgresStore({ pool: pool!, schema }).migrate();
    // A realistic mix: most requests finished (no timer), a few hundred waiting, a few leased.
    await pool!.query({
      text: `INSERT INTO ${s}.gf_requests (id, kind, state, fingerprint, created_at, updated_at, due_at, after_at,
               wake_at, completed_at, lease_owner, lease_until, doc)
             SELECT 'req_' || i, 'erase', CASE WHEN i % 50 = 0 THEN 'waiting' ELSE 'completed' END, 'sub_x',
               $1::bigint + i, $1::bigint, $1::bigint + 86400000, $1::bigint,
               CASE WHEN i % 50 = 0 THEN $1::bigint + (i % 7) * 1000 END,
               CASE WHEN i % 50 <> 0 THEN $1::bigint + i END,
               CASE WHEN i % 200 = 0 THEN 'w1' END, CASE WHEN i % 200 = 0 THEN $1::bigint + 30000 END,
               '{"adapters":["a","b","c"]}'
             FROM generate_series(1, ${ROWS}) AS i`,
      values: [now],
    });
    await pool!.query({
      text: `INSERT INTO ${s}.gf_branches SELECT id, a, 0, '{}' FROM ${s}.gf_requests, unnest(ARRAY['a','b','c']) a`,
    });
    await pool!.query({
      text: `INSERT INTO ${s}.gf_audit SELECT id, n, 0, 't', '{}', '0', '0' FROM ${s}.gf_requests, generate_series(1, 5) n`,
    });
    await pool!.query({
      text: `INSERT INTO ${s}.gf_steps (request_id, adapter_id, step, attempt, status, at)
             SELECT id, 'a', 'locate', 1, 'succeeded', 0 FROM ${s}.gf_requests, generate_series(1, 5)`,
    });
    await pool!.query({ text: `ANALYZE ${s}.gf_requests, ${s}.gf_branches, ${s}.gf_audit, ${s}.gf_steps` });
  }, 60_000);
  afterAll(async () => {
    await dropSchemas(pool!, prefix);
    await pool!.end();
  });

  const commitArgs = [
    "req_100",
    3,
    "w1",
    now,
    true,
    true,
    JSON.stringify({ state: "erasing", updatedAt: now }),
    JSON.stringify([{ adapter_id: "a", position: 0, doc: "{}" }]),
    JSON.stringify([
      { adapter_id: "a", step: "delete", attempt: 1, status: "succeeded", at: now, error_code: null },
    ]),
    JSON.stringify([{ seq: 6, at: now, type: "x", data: "{}", prev_hash: "0", hash: "1" }]),
  ];
  const cases: Record<string, { text: string; values: unknown[] }> = {
    claim: { text: sql.claim, values: [now + 10_000, "w2", now + 40_000, 8] },
    "claim one id": { text: sql.claimOne, values: [now + 10_000, "w2", now + 40_000, "req_100", 8] },
    commit: { text: sql.commit, values: commitArgs },
    "commit (shared lock)": {
      text: sql.commitShared,
      values: [...commitArgs.slice(0, 6), null, commitArgs[7], commitArgs[8], null],
    },
    "lock with audit head": { text: sql.lockWithHead, values: ["req_100"] },
    nextWake: { text: sql.nextWake, values: [] },
    renew: { text: sql.renew, values: [now + 30_000, "req_100", 3, "w1", now] },
    "list (newest first)": {
      text: `SELECT * FROM ${s}.gf_requests ORDER BY created_at DESC, id DESC LIMIT $1`,
      values: [101],
    },
    "list (state, after a cursor)": {
      text: `SELECT * FROM ${s}.gf_requests WHERE state = $1 AND (created_at, id) < ($2, $3)
             ORDER BY created_at DESC, id DESC LIMIT $4`,
      values: ["waiting", now + 10_000, "req_10000", 101],
    },
    "list (overdue)": {
      text: `SELECT * FROM ${s}.gf_requests WHERE completed_at IS NULL AND state NOT IN ('completed', 'withdrawn')
             AND due_at < $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      values: [now + 86_400_001, 101],
    },
  };

  for (const mode of ["force_generic_plan", "force_custom_plan"] as const) {
    for (const [name, q] of Object.entries(cases)) {
      it(`${name} (${mode === "force_generic_plan" ? "generic" : "custom"} plan) uses indexes only`, async () => {
        const client = await pool!.connect();
        try {
          await client.query({ text: `SET plan_cache_mode = ${mode}` });
          const stmt = `plan_${name.replace(/\W+/g, "_")}`;
          await client.query({ text: `PREPARE ${stmt} AS ${q.text}` });
          const literal = q.values.map((v) =>
            v === null ? "NULL" : typeof v === "string" ? `'${v.replaceAll("'", "''")}'` : String(v),
          );
          const { rows } = await client.query({
            text: `EXPLAIN (COSTS OFF) EXECUTE ${stmt}${literal.length ? `(${literal.join(", ")})` : ""}`,
          });
          await client.query({ text: `DEALLOCATE ${stmt}` });
          const plan = rows.map((r) => String(r["QUERY PLAN"])).join("\n");
          if (process.env.GDPR_FANOUT_PRINT_PLANS) console.log(`-- ${name} (${mode})\n${plan}\n`);
          expect(plan).not.toMatch(/Seq Scan on gf_(requests|branches|audit|steps)/);
        } finally {
          await client.query({ text: "RESET plan_cache_mode" });
          client.release();
        }
      });
    }
  }
});
