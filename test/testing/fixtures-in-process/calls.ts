// An in-process adapter of a call-statistics table (SQLite in memory), correct or with one defect,
// and the seed/remaining/restricted functions the light path of runAdapterConformance needs. Run
// through the registered suite in a child vitest by broken.fixture.ts (in-process-conformance.test.ts)
// and case by case in-process by in-process-kit.test.ts (where a mutation of the kit is visible).
import Database from "better-sqlite3";
import type { DeleteResult, SubprocessorAdapter } from "../../../src/adapter.js";
import { defineAdapter } from "../../../src/index.js";
import type { InProcessCase, InProcessConformanceOptions } from "../../../src/testing/index.js";

/** Each defect breaks one promise of the light path; `IN_PROCESS_GUARDED_BY` names the case that must fail. */
export const IN_PROCESS_GUARDED_BY = {
  "keeps-phone": "delete-verified",
  "first-row-only": "locate-email",
  "email-in-refs": "locate-email",
  "ignores-ids": "locate-ids",
  "exports-one-less": "export-matches",
  "exports-a-record-twice": "export-matches",
  "finds-strangers": "unknown-subject",
  "exports-records-without-refs": "unknown-subject",
  "exports-files-without-refs": "unknown-subject",
  "says-not-found": "delete-verified",
  "names-subject-in-detail": "delete-verified",
  "names-subject-in-state": "delete-verified",
  "names-subject-in-jobs": "delete-verified",
  "names-subject-in-eta": "delete-verified",
  "names-subject-in-residual": "delete-verified",
  "status-says-remaining": "delete-verified",
  "status-pending-forever": "delete-verified",
  "status-counts-remaining": "delete-verified",
  "second-delete-throws": "delete-idempotent",
  "second-status-remaining": "delete-idempotent",
  "still-locatable-after-delete": "delete-idempotent",
  "restricts-nothing": "restrict-roundtrip",
  "restrict-not-held": "restrict-roundtrip",
  "restrict-destroys": "restrict-roundtrip",
  "undo-names-subject": "restrict-roundtrip",
  "undo-not-json": "restrict-roundtrip",
  "restrict-not-undone": "restrict-roundtrip",
  "unrestrict-toggles": "restrict-roundtrip",
  "forgets-first-restriction": "restrict-twice",
  "restricts-one-per-run": "restrict-twice",
  "needs-undo": "unrestrict-without-undo",
} as const satisfies Record<string, InProcessCase>;

export type CallsDefect = "none" | keyof typeof IN_PROCESS_GUARDED_BY;

type Row = { id: number; email: string | null; phone: string | null; held: number; deleted: number };

/** The light path's options for the calls adapter with `defect` (without `name`). */
export function callsConformance(defect: CallsDefect): Required<
  Pick<InProcessConformanceOptions, "seed" | "remaining" | "restricted">
> & {
  adapter: SubprocessorAdapter;
} {
  const db = new Database(":memory:");
  db.exec(
    "CREATE TABLE calls (id INTEGER PRIMARY KEY, email TEXT, phone TEXT, held INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0)",
  );
  const row = (id: number) => db.prepare("SELECT * FROM calls WHERE id = ?").get(id) as Row | undefined;
  const deletes = new Set<string>();
  const statusSeen = new Set<string>();
  const adapter: SubprocessorAdapter = defineAdapter({
    id: "calls",
    capabilities: { lookup: ["email", "id"] },
    async locate(subject) {
      const byId = (subject.ids.calls ?? []).map(Number).filter((id) => row(id) !== undefined);
      const live = defect === "still-locatable-after-delete" ? "" : " AND deleted = 0";
      let rows = subject.email
        ? (db.prepare(`SELECT id FROM calls WHERE email = ?${live} ORDER BY id`).all(subject.email) as {
            id: number;
          }[])
        : [];
      if (defect === "finds-strangers" && rows.length === 0)
        rows = db.prepare("SELECT id FROM calls ORDER BY id").all() as { id: number }[];
      const ids = [...new Set([...(defect === "ignores-ids" ? [] : byId), ...rows.map((r) => r.id)])];
      return {
        refs: (defect === "first-row-only" ? ids.slice(0, 1) : ids).map((id) => ({
          type: "call",
          id: String(id),
          ...(defect === "email-in-refs" ? { scope: (subject.email ?? "").toUpperCase() } : {}),
        })),
      };
    },
    async export(refs) {
      let records = refs.map((r) => ({ type: "call", id: r.id, data: row(Number(r.id)) as never }));
      if (defect === "exports-one-less") records = records.slice(1);
      if (defect === "exports-a-record-twice" && records.length > 1)
        records = [records[0]!, records[0]!, ...records.slice(2)];
      if (defect === "exports-records-without-refs" && refs.length === 0)
        records = [{ type: "call", id: "0", data: {} as never }];
      return {
        records,
        ...(defect === "exports-files-without-refs"
          ? { files: [{ name: "calls.csv", contentType: "text/csv", data: "id\n" }] as never }
          : {}),
      };
    },
    async restrict(refs, ctx) {
      if (defect === "restricts-nothing") return { undo: { ids: [] }, restricted: 0 };
      const targets =
        defect === "restricts-one-per-run"
          ? refs.filter((r) => row(Number(r.id))?.held !== 1).slice(0, 1)
          : refs;
      const changed: string[] = [];
      for (const r of targets) {
        if (row(Number(r.id))?.held !== 1) changed.push(r.id);
        if (defect === "restrict-destroys")
          db.prepare("UPDATE calls SET phone = NULL, email = NULL WHERE id = ?").run(Number(r.id));
        else if (defect !== "restrict-not-held")
          db.prepare("UPDATE calls SET held = 1 WHERE id = ?").run(Number(r.id));
      }
      const ids = defect === "forgets-first-restriction" ? changed : targets.map((r) => r.id);
      if (defect === "undo-not-json")
        return { undo: { ids: new Set(ids) } as never, restricted: targets.length };
      return {
        undo: { ids, ...(defect === "undo-names-subject" ? { for: ctx.subject.email ?? "" } : {}) },
        restricted: targets.length,
      };
    },
    async unrestrict(refs, undo) {
      if (defect === "restrict-not-undone") return;
      if (defect === "needs-undo" && undo === undefined) return;
      // undo-not-json: its undo held a Set, which does not survive being stored.
      const given = (undo as { ids?: Iterable<string> } | undefined)?.ids;
      if (defect === "undo-not-json" && undo !== undefined && !(given instanceof Set))
        throw new Error("the undo record lost its ids");
      const ids = given === undefined ? refs.map((r) => r.id) : [...given];
      const sql =
        defect === "unrestrict-toggles"
          ? "UPDATE calls SET held = 1 - held WHERE id = ?"
          : "UPDATE calls SET held = 0 WHERE id = ?";
      for (const id of ids) db.prepare(sql).run(Number(id));
    },
    async delete(refs, ctx) {
      const key = refs.map((r) => r.id).join(",");
      if (defect === "second-delete-throws" && deletes.has(key)) throw new Error("already deleted");
      deletes.add(key);
      // The subject's name, lower-cased, in one field of the result.
      const leak = (name: string): Record<string, unknown> => {
        const said = `erased for ${name.toLowerCase()}`;
        if (defect === "names-subject-in-detail") return { detail: said };
        if (defect === "names-subject-in-state") return { state: { note: said } };
        if (defect === "names-subject-in-jobs") return { jobs: [{ id: said, kind: "erase" }] };
        if (defect === "names-subject-in-eta") return { eta: said };
        if (defect === "names-subject-in-residual")
          return { residual: [{ type: "call", count: 1, reason: "provider_retains", detail: said }] };
        return {};
      };
      // still-locatable-after-delete: a soft delete that its own locate does not honour.
      const sql =
        defect === "keeps-phone"
          ? "UPDATE calls SET email = NULL WHERE id = ?"
          : defect === "still-locatable-after-delete"
            ? "UPDATE calls SET deleted = 1 WHERE id = ?"
            : "UPDATE calls SET email = NULL, phone = NULL, deleted = 1 WHERE id = ?";
      for (const r of refs) db.prepare(sql).run(Number(r.id));
      const result: DeleteResult = {
        outcome: defect === "says-not-found" ? "not_found" : "erased",
        deleted: refs.length,
        ...leak(ctx.subject.name ?? ""),
      } as DeleteResult;
      return result;
    },
    async status(refs) {
      if (defect === "status-says-remaining") return { state: "remaining", remaining: refs.length };
      const key = refs.map((r) => r.id).join(",");
      if (defect === "second-status-remaining" && statusSeen.has(key))
        return { state: "remaining", remaining: refs.length };
      statusSeen.add(key);
      if (defect === "status-pending-forever") return { state: "pending", remaining: refs.length };
      if (defect === "status-counts-remaining") return { state: "done", remaining: 1 };
      return { state: "done", remaining: 0 };
    },
  });
  const seeded = new Map<string, number[]>();
  return {
    adapter,
    seed(subject, { records }) {
      const ids = Array.from({ length: records }, () =>
        Number(
          db
            .prepare("INSERT INTO calls (email, phone) VALUES (?, ?)")
            .run(subject.email, subject.phone ?? "+442079460000").lastInsertRowid,
        ),
      );
      seeded.set(subject.email, ids);
      return ids.map(String);
    },
    remaining: (subject) =>
      (seeded.get(subject.email) ?? []).filter((id) => {
        const r = row(id);
        return r !== undefined && r.deleted === 0 && (r.email !== null || r.phone !== null);
      }).length,
    restricted: (subject) => (seeded.get(subject.email) ?? []).filter((id) => row(id)?.held === 1).length,
  };
}
