/**
 * Prepared statements, reused. better-sqlite3 compiles a statement on every `prepare()`; the store
 * prepares the same few texts on every call, and compiling was a third of the cost of recording a
 * request (a sweep files thousands in a row) and about an eighth of the engine's CPU per durable
 * step (`npm run bench`, profile of the step-cost run). This wrapper keeps the compiled statements of a
 * database by text (the store's texts are a small fixed set; the cache is bounded all the same).
 */
import type { SqliteDatabase } from "./sqlite-store.js";

const MAX_STATEMENTS = 256;

/** `db` with `prepare` answering from a cache of compiled statements. */
export function reusingStatements(db: SqliteDatabase): SqliteDatabase {
  const cache = new Map<string, ReturnType<SqliteDatabase["prepare"]>>();
  return {
    pragma: (source, options) => db.pragma(source, options),
    exec: (source) => db.exec(source),
    prepare(source) {
      let statement = cache.get(source);
      if (!statement) {
        statement = db.prepare(source);
        if (cache.size >= MAX_STATEMENTS) cache.clear();
        cache.set(source, statement);
      }
      return statement;
    },
    transaction: (fn) => db.transaction(fn),
    close: () => {
      cache.clear();
      return db.close();
    },
  };
}
