/**
 * Store errors that pass (a dropped database connection, a lock held by another process, a
 * serialization failure): the worker backs off and tries the request again instead of marking it
 * as needing attention.
 */
const NODE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);
const SQLITE_CODES = new Set([
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_BUSY_SNAPSHOT",
  "SQLITE_BUSY_RECOVERY",
]);

/** True for a database or connection error that is worth retrying later. */
export function isTransientStoreError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") {
    return (
      error instanceof Error &&
      /Connection terminated|connection timeout|Client has encountered a connection error/i.test(
        error.message,
      )
    );
  }
  if (NODE_CODES.has(code) || SQLITE_CODES.has(code)) return true;
  // PostgreSQL SQLSTATE classes: 08 connection exception, 53 insufficient resources, 57P operator
  // intervention (admin shutdown, crash shutdown, cannot connect now); 40001/40P01 serialization.
  return (
    /^(08|53)[0-9A-Z]{3}$/.test(code) || /^57P0[1-4]$/.test(code) || code === "40001" || code === "40P01"
  );
}
