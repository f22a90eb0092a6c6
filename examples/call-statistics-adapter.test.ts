/**
 * The conformance suite's light path on an adapter of the application's own database (SQLite):
 * no simulator — `seed` inserts a subject's calls, `remaining` counts the rows that still hold
 * personal data. (CI runs this file; see docs/writing-an-adapter.md.)
 */
import Database from "better-sqlite3";
import { runAdapterConformance } from "gdpr-fanout/testing";
import { callStatisticsAdapter } from "./call-statistics-adapter.js";

const db = new Database(":memory:");
const adapter = callStatisticsAdapter(db); // creates the table
const insert = db.prepare(
  "INSERT INTO call_stats (customer_email, caller, callee, started_at, duration_s, cost_cents) VALUES (?, ?, ?, ?, ?, ?)",
);
const personal = db.prepare(
  "SELECT COUNT(*) AS n FROM call_stats WHERE id IN (SELECT value FROM json_each(?)) AND (customer_email IS NOT NULL OR caller IS NOT NULL OR callee IS NOT NULL)",
);
/** The rows seeded for each subject: counted by id, so a row counts until every personal field is gone. */
const seeded = new Map<string, string[]>();

runAdapterConformance({
  name: "call statistics on SQLite",
  adapter,
  seed(subject, { records }) {
    const ids: string[] = [];
    for (let i = 0; i < records; i++) {
      const row = insert.run(
        subject.email,
        "+442079460000",
        "+442079460001",
        "2026-10-01T09:00:00Z",
        60 + i,
        3,
      );
      ids.push(String(row.lastInsertRowid));
    }
    seeded.set(subject.email, ids);
    return ids;
  },
  remaining: (subject) => (personal.get(JSON.stringify(seeded.get(subject.email) ?? [])) as { n: number }).n,
});
