/**
 * Prepared statements, kept. better-sqlite3 compiles a statement on every `prepare()` call, and
 * the store used to prepare each of its statements on every call: about an eighth of the engine's
 * CPU per durable step (`npm run bench`, profile of the step-cost run). The wrapper keeps each
 * compiled statement by its SQL text; the store's SQL is a small fixed set (a few dynamic `UPDATE`
 * and `list` shapes), and the cache is bounded anyway.
 */
import type { SqliteDatabase } from "./sqlite-store.js";

const MAX_STATEMENTS = 256;

type Statement = ReturnType<SqliteDatabase["prepare"]>;

/** `database` with `prepare` memoised by SQL text (everything else passed through). */
export function withStatementCache(database: SqliteDatabase): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    pragma: (source, options) => database.pragma(source, options),
    exec: (source) => database.exec(source),
    prepare(source) {
      let statement = statements.get(source);
      if (!statement) {
        statement = database.prepare(source);
        if (statements.size >= MAX_STATEMENTS) statements.clear();
        statements.set(source, statement);
      }
      return statement;
    },
    transaction: (fn) => database.transaction(fn),
    close: () => {
      statements.clear();
      return database.close();
    },
  };
}
