/**
 * Corrupted store rows (random byte and JSON damage in SQLite rows): every call on the damaged
 * request answers or throws a typed `FanoutError` (never a TypeError or a crash), the worker keeps
 * going, and the undamaged requests still complete.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { createFanout, isFanoutError } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";

const RUNS = Number(process.env.GF_PROPERTY_RUNS ?? 60);
const tmp = mkdtempSync(join(tmpdir(), "gf-corrupt-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function adapter(id: string): SubprocessorAdapter {
  return {
    id,
    capabilities: {
      export: true,
      restrict: true,
      unrestrict: true,
      asyncDelete: false,
      softDelete: false,
      lookup: ["email"],
    },
    locate: async () => ({ refs: [{ type: "contact", id: `${id}_1` }] }),
    export: async () => ({ records: [] }),
    restrict: async () => ({ restricted: 1, undo: { was: "active" } }),
    unrestrict: async () => {},
    delete: async () => ({ outcome: "erased", deleted: 1 }),
    status: async () => ({ state: "done", remaining: 0 }),
  };
}

type Target =
  | { table: "gf_requests"; column: "doc" | "sealed" | "state" | "kind" | "fence" }
  | { table: "gf_branches"; column: "doc" }
  | { table: "gf_audit"; column: "data" | "hash" };

const target: fc.Arbitrary<Target> = fc.constantFrom<Target>(
  { table: "gf_requests", column: "doc" },
  { table: "gf_requests", column: "sealed" },
  { table: "gf_requests", column: "state" },
  { table: "gf_requests", column: "kind" },
  { table: "gf_requests", column: "fence" },
  { table: "gf_branches", column: "doc" },
  { table: "gf_audit", column: "data" },
  { table: "gf_audit", column: "hash" },
);

/** One kind of damage to a stored text value. */
const damage = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("replace" as const),
    with: fc.oneof(fc.json(), fc.string(), fc.constant("null"), fc.constant("{}"), fc.constant("[]")),
  }),
  fc.record({
    kind: fc.constant("mutate" as const),
    path: fc.array(fc.string({ maxLength: 12 }), { maxLength: 2 }),
    with: fc.jsonValue(),
  }),
  fc.record({ kind: fc.constant("null" as const) }),
);

function apply(
  value: unknown,
  d: fc.Arbitrary<unknown> extends never ? never : typeof damage extends fc.Arbitrary<infer T> ? T : never,
): unknown {
  if (d.kind === "null") return null;
  const text = String(value ?? "");
  switch (d.kind) {
    case "flip": {
      if (text.length === 0) return "\u0000";
      const bytes = Buffer.from(text, "utf8");
      bytes[d.at % bytes.length] = d.byte;
      return bytes.toString("utf8");
    }
    case "truncate":
      return text.slice(0, text.length === 0 ? 0 : d.at % text.length);
    case "replace":
      return d.with;
    case "mutate": {
      try {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        let node: Record<string, unknown> = parsed;
        const keys = d.path.length ? d.path : ["state"];
        for (const k of keys.slice(0, -1)) {
          if (typeof node[k] !== "object" || node[k] === null) node[k] = {};
          node = node[k] as Record<string, unknown>;
        }
        node[keys.at(-1)!] = d.with;
        return JSON.stringify(parsed);
      } catch {
        return text;
      }
    }
  }
}

async function typedOrValue(label: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isFanoutError(error)) throw new Error(`${label} threw ${String(error)}`);
  }
}

describe("corrupted store rows", () => {
  it("typed errors, no crash, and the other requests still complete", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(target, damage, fc.boolean(), async (where, d, midway) => {
        const path = join(tmp, `c${++n}.db`);
        const fanout = createFanout({
          adapters: [adapter("alpha"), adapter("beta")],
          store: sqliteStore({ path }),
          secret: "corrupt-rows-secret-0123456789",
          retry: { initialInterval: 1, maximumInterval: 2, maximumAttempts: 2 },
        });
        const ids = [];
        for (let i = 0; i < 3; i++)
          ids.push((await fanout.erase({ email: `rows${i}@example.test` }, { after: midway ? "1d" : 0 })).id);
        if (midway) await fanout.drain(); // damage a request waiting out its retention window
        const victim = ids[1]!;
        const db = new Database(path);
        const key = where.table === "gf_requests" ? "id" : "request_id";
        const rows = db
          .prepare(`SELECT rowid, ${where.column} AS v FROM ${where.table} WHERE ${key} = ?`)
          .all(victim) as { rowid: number; v: unknown }[];
        const row = rows[0]!;
        let damaged = true;
        try {
          db.prepare(`UPDATE ${where.table} SET ${where.column} = ? WHERE rowid = ?`).run(
            apply(row.v, d) as string | null,
            row.rowid,
          );
        } catch {
          damaged = false; // a NOT NULL column: SQLite refuses this damage itself
        }
        db.close();
        fc.pre(damaged);

        await typedOrValue("status", () => fanout.status(victim));
        await typedOrValue("list", () => fanout.list({ limit: 10 }));
        await typedOrValue("audit", () => fanout.audit(victim));
        await typedOrValue("withdraw", () => fanout.withdraw(victim));
        await typedOrValue("hold", () => fanout.hold(victim, "police request"));
        await typedOrValue("release", () => fanout.release(victim));
        await typedOrValue("retry", () => fanout.retry(victim));
        await typedOrValue("drain", () => fanout.drain());
        await typedOrValue("receipt", async () => fanout.verifyReceipt(await fanout.receipt(victim)));
        if (!midway) {
          for (const id of [ids[0]!, ids[2]!]) expect((await fanout.status(id)).state).toBe("completed");
        }
        await fanout.close();
      }),
      {
        numRuns: RUNS,
        // Found by a random run: a flipped byte renamed a branch's `nextAttemptAt`, and status()
        // threw a RangeError building its date instead of STORE_CORRUPT.
        examples: [
          [{ table: "gf_branches", column: "doc" }, { kind: "flip", at: 877288697, byte: 32 }, true],
        ],
      },
    );
  }, 120_000);

  it("a damaged audit trail parks its request instead of looping the worker", async () => {
    // Before the fix, the failure could not be recorded (the audit append read the damaged entry),
    // the request stayed due, and drain() re-claimed it in a loop that never yielded to timers.
    const path = join(tmp, "audit-loop.db");
    const fanout = createFanout({
      adapters: [adapter("alpha")],
      store: sqliteStore({ path }),
      secret: "corrupt-rows-secret-0123456789",
    });
    const victim = (await fanout.erase({ email: "loop@example.test" })).id;
    const other = (await fanout.erase({ email: "fine@example.test" })).id;
    const db = new Database(path);
    db.prepare("UPDATE gf_audit SET data = '{' WHERE request_id = ?").run(victim);
    db.close();
    await fanout.drain();
    const status = await fanout.status(victim);
    expect(status.state).toBe("needs_attention");
    expect(status.attention?.code).toBe("STORE_CORRUPT");
    expect((await fanout.status(other)).state).toBe("completed");
    await expect(fanout.audit(victim)).rejects.toMatchObject({ code: "STORE_CORRUPT" });
    await fanout.close();
  });
});
