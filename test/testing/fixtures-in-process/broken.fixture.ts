// In-process adapters with one defect each, for in-process-conformance.test.ts: the light path of
// the conformance suite must fail the case that guards each defect.
import Database from "better-sqlite3";
import { defineAdapter, type SubprocessorAdapter } from "../../../src/index.js";
import { runAdapterConformance } from "../../../src/testing/index.js";

type Defect = "none" | "keeps-phone" | "first-row-only" | "restrict-not-undone";

function suite(defect: Defect) {
  const db = new Database(":memory:");
  db.exec(
    "CREATE TABLE calls (id INTEGER PRIMARY KEY, email TEXT, phone TEXT, held INTEGER NOT NULL DEFAULT 0)",
  );
  const adapter: SubprocessorAdapter = defineAdapter({
    id: "calls",
    capabilities: { lookup: ["email", "id"] },
    async locate(subject) {
      const byId = (subject.ids.calls ?? []).map(Number);
      const rows = subject.email
        ? (db.prepare("SELECT id FROM calls WHERE email = ? ORDER BY id").all(subject.email) as {
            id: number;
          }[])
        : [];
      const ids = [...new Set([...byId, ...rows.map((r) => r.id)])];
      return {
        refs: (defect === "first-row-only" ? ids.slice(0, 1) : ids).map((id) => ({
          type: "call",
          id: String(id),
        })),
      };
    },
    async export(refs) {
      return {
        records: refs.map((r) => ({
          type: "call",
          id: r.id,
          data: db.prepare("SELECT * FROM calls WHERE id = ?").get(Number(r.id)) as never,
        })),
      };
    },
    async restrict(refs) {
      for (const r of refs) db.prepare("UPDATE calls SET held = 1 WHERE id = ?").run(Number(r.id));
      return { undo: { ids: refs.map((r) => r.id) }, restricted: refs.length };
    },
    async unrestrict(refs) {
      if (defect === "restrict-not-undone") return;
      for (const r of refs) db.prepare("UPDATE calls SET held = 0 WHERE id = ?").run(Number(r.id));
    },
    async delete(refs) {
      const sql =
        defect === "keeps-phone"
          ? "UPDATE calls SET email = NULL WHERE id = ?"
          : "DELETE FROM calls WHERE id = ?";
      for (const r of refs) db.prepare(sql).run(Number(r.id));
      return { outcome: "erased", deleted: refs.length };
    },
    async status() {
      return { state: "done", remaining: 0 };
    },
  });
  const seeded = new Map<string, number[]>();
  runAdapterConformance({
    name: `broken ${defect} (in-process)`,
    adapter,
    seed(subject, { records }) {
      const ids = Array.from({ length: records }, () =>
        Number(
          db.prepare("INSERT INTO calls (email, phone) VALUES (?, ?)").run(subject.email, "+442079460000")
            .lastInsertRowid,
        ),
      );
      seeded.set(subject.email, ids);
      return ids.map(String);
    },
    remaining: (subject) =>
      (seeded.get(subject.email) ?? []).filter((id) => {
        const row = db.prepare("SELECT email, phone FROM calls WHERE id = ?").get(id) as
          | { email: string | null; phone: string | null }
          | undefined;
        return row !== undefined && (row.email !== null || row.phone !== null);
      }).length,
    restricted: (subject) =>
      (seeded.get(subject.email) ?? []).filter(
        (id) =>
          (db.prepare("SELECT held FROM calls WHERE id = ?").get(id) as { held: number } | undefined)
            ?.held === 1,
      ).length,
  });
}

for (const defect of ["none", "keeps-phone", "first-row-only", "restrict-not-undone"] as const) suite(defect);
