// The audit trail resists someone with write access to the database but not the fanout secret:
// each tamper the adversarial run found unnoticed is detected now, by the request's own check, by
// receipt verification and by the whole-store check.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/store/audit-chain.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { EMAIL, settle, setup } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "gf-tamper-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

type Row = { request_id: string; seq: number; at: number; type: string; data: string; prev_hash: string };

/** What an attacker without the secret can do: rebuild a request's chain with plain SHA-256. */
function rechainUnkeyed(db: Database.Database, requestId: string): void {
  const rows = db.prepare("SELECT * FROM gf_audit WHERE request_id = ? ORDER BY seq").all(requestId) as Row[];
  db.prepare("DELETE FROM gf_audit WHERE request_id = ?").run(requestId);
  let prev = "0".repeat(64);
  rows.forEach((r, i) => {
    const seq = i + 1;
    const fields = { requestId, seq, at: r.at, type: r.type, data: JSON.parse(r.data) };
    const hash = createHash("sha256").update(prev).update(canonicalJson(fields)).digest("hex");
    db.prepare(
      "INSERT INTO gf_audit (request_id, seq, store_seq, at, type, data, prev_hash, hash) VALUES (?, ?, NULL, ?, ?, ?, ?, ?)",
    ).run(requestId, seq, r.at, r.type, r.data, prev, hash);
    prev = hash;
  });
}

/** Several finished requests on one SQLite file; the last one completed. */
async function world() {
  const path = join(tmp, `t${++n}.db`);
  const env = setup(["alpha", "beta"], { store: sqliteStore({ path }) });
  const first = await env.fanout.erase({ email: `first.${EMAIL}` });
  expect(await settle(env, first.id)).toBe("completed");
  const firstReceipt = await env.fanout.receipt(first.id);
  const withdrawn = await env.fanout.erase({ email: `withdrawn.${EMAIL}` }, { after: "30d" });
  await env.fanout.drain();
  await env.fanout.hold(withdrawn.id, "police request 2026-118");
  await env.fanout.withdraw(withdrawn.id);
  expect(await settle(env, withdrawn.id)).toBe("withdrawn");
  const completed = await env.fanout.erase({ email: EMAIL });
  expect(await settle(env, completed.id)).toBe("completed");
  const receipt = await env.fanout.receipt(completed.id);
  expect((await env.fanout.verifyAuditTrail()).valid).toBe(true);
  for (const id of [first.id, withdrawn.id, completed.id]) {
    expect(await env.fanout.audit(id)).toMatchObject({ valid: true, keyed: true });
  }
  expect(await env.fanout.verifyReceipt(receipt)).toEqual({
    valid: true,
    auditValid: true,
    keyId: receipt.signature.keyId,
  });
  const db = new Database(path);
  return {
    env,
    db,
    first: first.id,
    withdrawn: withdrawn.id,
    completed: completed.id,
    receipt,
    firstReceipt,
  };
}

describe("audit tampering is detected", () => {
  it("every audit row of a completed request deleted", async () => {
    const w = await world();
    w.db.prepare("DELETE FROM gf_audit WHERE request_id = ?").run(w.completed);
    expect(await w.env.fanout.audit(w.completed)).toMatchObject({ valid: false, problem: "missing" });
    expect(await w.env.fanout.verifyReceipt(w.receipt)).toMatchObject({ valid: true, auditValid: false });
    const trail = await w.env.fanout.verifyAuditTrail();
    expect(trail.valid).toBe(false);
    expect(trail.problems).toContainEqual(expect.objectContaining({ kind: "missing" }));
    w.db.close();
    await w.env.fanout.close();
  });

  it("a whole request deleted (row, branches, audit): the store's numbering shows the hole", async () => {
    const w = await world();
    for (const table of ["gf_audit", "gf_branches"])
      w.db.prepare(`DELETE FROM ${table} WHERE request_id = ?`).run(w.first);
    w.db.prepare("DELETE FROM gf_requests WHERE id = ?").run(w.first);
    const trail = await w.env.fanout.verifyAuditTrail();
    expect(trail.valid).toBe(false);
    expect(trail.problems[0]).toMatchObject({ kind: "missing", from: 1 });
    // A receipt of the vanished request no longer verifies against this store.
    expect(await w.env.fanout.verifyReceipt(w.firstReceipt)).toMatchObject({
      valid: true,
      auditValid: false,
    });
    w.db.close();
    await w.env.fanout.close();
  });

  it("the newest entries of the store deleted, head rolled back to an older entry", async () => {
    const w = await world();
    const { top } = w.db.prepare("SELECT MAX(store_seq) AS top FROM gf_audit").get() as { top: number };
    w.db.prepare("DELETE FROM gf_audit WHERE request_id = ? AND store_seq = ?").run(w.completed, top);
    const last = w.db
      .prepare("SELECT store_seq, hash FROM gf_audit ORDER BY store_seq DESC LIMIT 1")
      .get() as {
      store_seq: number;
      hash: string;
    };
    w.db.prepare("UPDATE gf_audit_head SET store_seq = ?, hash = ?").run(last.store_seq, last.hash);
    expect(await w.env.fanout.audit(w.completed)).toMatchObject({ valid: false, problem: "truncated" });
    expect(await w.env.fanout.verifyAuditTrail()).toMatchObject({
      valid: false,
      problems: [{ kind: "head" }],
    });
    w.db.close();
    await w.env.fanout.close();
  });

  it("the final entry edited and its hash recomputed (without the secret)", async () => {
    const w = await world();
    const row = w.db
      .prepare("SELECT seq, data FROM gf_audit WHERE request_id = ? ORDER BY seq DESC LIMIT 1")
      .get(w.completed) as { seq: number; data: string };
    const forged = JSON.stringify({ outcomes: { alpha: "retained", beta: "retained" } });
    w.db
      .prepare("UPDATE gf_audit SET data = ? WHERE request_id = ? AND seq = ?")
      .run(forged, w.completed, row.seq);
    rechainUnkeyed(w.db, w.completed);
    expect(await w.env.fanout.audit(w.completed)).toMatchObject({ valid: false, problem: "unkeyed" });
    expect((await w.env.fanout.verifyReceipt(w.receipt)).auditValid).toBe(false);
    expect((await w.env.fanout.verifyAuditTrail()).valid).toBe(false);
    w.db.close();
    await w.env.fanout.close();
  });

  it("a withdrawn request's hold entries removed and the chain rebuilt", async () => {
    const w = await world();
    const types = (await w.env.fanout.audit(w.withdrawn)).entries.map((e) => e.type);
    expect(types).toContain("request.held");
    w.db.prepare("DELETE FROM gf_audit WHERE request_id = ? AND type = 'request.held'").run(w.withdrawn);
    rechainUnkeyed(w.db, w.withdrawn);
    const check = await w.env.fanout.audit(w.withdrawn);
    expect(check.entries.map((e) => e.type)).not.toContain("request.held");
    expect(check).toMatchObject({ valid: false, problem: "unkeyed" });
    const trail = await w.env.fanout.verifyAuditTrail();
    expect(trail.valid).toBe(false);
    expect(trail.problems).toContainEqual(expect.objectContaining({ kind: "missing" }));
    w.db.close();
    await w.env.fanout.close();
  });

  it("a withdrawn request's hold entries simply deleted", async () => {
    const w = await world();
    w.db.prepare("DELETE FROM gf_audit WHERE request_id = ? AND type = 'request.held'").run(w.withdrawn);
    expect(await w.env.fanout.audit(w.withdrawn)).toMatchObject({ valid: false, problem: "broken" });
    expect((await w.env.fanout.verifyAuditTrail()).valid).toBe(false);
    w.db.close();
    await w.env.fanout.close();
  });
});
