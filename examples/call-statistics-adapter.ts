/**
 * A custom adapter for the application's own database. The source GDPR page requires call
 * statistics to be **anonymised, not deleted**: the rows stay (durations, times, costs feed
 * reports and invoices) but the caller and callee numbers and the customer link are removed.
 * The branch outcome is `anonymized`.
 *
 * Run it: `node --import tsx examples/call-statistics-adapter.ts`
 */
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { createFanout, defineAdapter, memoryStore, type SubprocessorAdapter } from "gdpr-fanout";

/** The slice of the application's schema this adapter touches. */
const SCHEMA = `CREATE TABLE IF NOT EXISTS call_stats (
  id INTEGER PRIMARY KEY, customer_email TEXT, caller TEXT, callee TEXT,
  started_at TEXT NOT NULL, duration_s INTEGER NOT NULL, cost_cents INTEGER NOT NULL
)`;

export function callStatisticsAdapter(db: Database.Database): SubprocessorAdapter {
  db.exec(SCHEMA);
  const byEmail = db.prepare("SELECT id FROM call_stats WHERE customer_email = ?");
  const byNumber = db.prepare("SELECT id FROM call_stats WHERE caller = ? OR callee = ?");
  const read = db.prepare("SELECT * FROM call_stats WHERE id = ?");
  const anonymise = db.prepare(
    "UPDATE call_stats SET customer_email = NULL, caller = NULL, callee = NULL WHERE id = ?",
  );
  const stillPersonal = db.prepare(
    "SELECT COUNT(*) AS n FROM call_stats WHERE id = ? AND (customer_email IS NOT NULL OR caller IS NOT NULL OR callee IS NOT NULL)",
  );
  return defineAdapter({
    id: "call-stats",
    capabilities: { lookup: ["email", "phone"] },
    async locate(subject) {
      const rows = new Set<number>();
      if (subject.email) for (const r of byEmail.all(subject.email) as { id: number }[]) rows.add(r.id);
      if (subject.phone)
        for (const r of byNumber.all(subject.phone, subject.phone) as { id: number }[]) rows.add(r.id);
      return { refs: [...rows].map((id) => ({ type: "call", id: String(id) })) };
    },
    async export(refs) {
      return {
        records: refs.map((ref) => ({ type: "call", id: ref.id, data: read.get(Number(ref.id)) as never })),
      };
    },
    async delete(refs) {
      db.transaction(() => {
        for (const ref of refs) anonymise.run(Number(ref.id));
      })();
      return {
        outcome: "anonymized",
        deleted: refs.length,
        detail: "call statistics kept without personal data",
      };
    },
    async status(refs) {
      const remaining = refs.filter(
        (ref) => (stillPersonal.get(Number(ref.id)) as { n: number }).n > 0,
      ).length;
      return { state: remaining === 0 ? "done" : "remaining", remaining };
    },
  });
}

async function main() {
  const db = new Database(":memory:");
  const adapter = callStatisticsAdapter(db);
  const insert = db.prepare(
    "INSERT INTO call_stats (customer_email, caller, callee, started_at, duration_s, cost_cents) VALUES (?, ?, ?, ?, ?, ?)",
  );
  insert.run("jane@acme.test", "+442079460000", "+442079460001", "2026-10-01T09:00:00Z", 320, 12);
  insert.run("jane@acme.test", "+442079460000", "+31201234567", "2026-10-02T10:30:00Z", 95, 4);
  insert.run("other@acme.test", "+442079469999", "+442079460002", "2026-10-03T11:00:00Z", 60, 2);
  const fanout = createFanout({
    adapters: [adapter],
    store: memoryStore(),
    secret: "example-secret-0123456789",
  });
  const request = await fanout.erase({ email: "jane@acme.test", phone: "+44 20 7946 0000" });
  await fanout.drain();
  const status = await fanout.status(request.id);
  const rows = db.prepare("SELECT customer_email, caller, duration_s FROM call_stats ORDER BY id").all();
  console.log(`request ${status.state}; call-stats outcome: ${status.branches[0]?.outcome}`);
  console.log(JSON.stringify(rows));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
