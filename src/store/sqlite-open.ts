/**
 * Opening the SQLite database file, with failures a person can act on: better-sqlite3 reports a
 * missing directory as a bare `TypeError`, a path under a regular file as "unable to open database
 * file" and a text file as "file is not a database". Each becomes a typed error naming the path's
 * role (the store's database file, option `path`) and what to change.
 */
import { resolve } from "node:path";
import { ConfigurationError, FanoutError } from "../errors.js";
import { pathProblem } from "../safe-fs.js";

/** What the store's `path` is, in messages. */
const ROLE = "the SQLite store's database file (sqliteStore `path`)";

/** The typed error for a failure to open (or first read) the database file at `path`. */
export function sqliteOpenError(path: string, error: unknown): FanoutError {
  if (error instanceof FanoutError) return error;
  const code = (error as { code?: unknown }).code;
  const details = { role: "database file", path: resolve(path) };
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new FanoutError(
      "STORE_CORRUPT",
      `Cannot use ${resolve(path)} as ${ROLE}: it is not a SQLite database (or it is damaged). Point \`path\` at the store's own file, or at a new file name.`,
      { retryable: false, cause: error, details },
    );
  }
  const problem = path === ":memory:" ? undefined : pathProblem(path, { parentMustExist: true });
  const why =
    problem ??
    (code === "SQLITE_READONLY" || code === "SQLITE_PERM" || code === "EACCES"
      ? "this process may not write there; fix the permissions or choose another path"
      : "check that the path is a writable file in an existing directory");
  return new ConfigurationError(`Cannot open ${ROLE} at ${resolve(path)}: ${why}.`, {
    option: "path",
    cause: error,
    details,
  });
}
