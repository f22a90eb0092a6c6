/**
 * The slice of `pg` (node-postgres 8.x) the Postgres store and rate limiter use, typed here so
 * `pg` stays an optional peer dependency imported lazily: a `pg.Pool` fits {@link PgPool}, and so
 * does any pool-like object a caller injects.
 */
import { ConfigurationError } from "../errors.js";

/** A query with positional parameters; with `name`, prepared once per connection. */
export interface PgQueryConfig {
  readonly text: string;
  readonly values?: unknown[];
  readonly name?: string;
}

/** What a query returns. */
export interface PgQueryResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

/** A connection checked out of the pool (for transactions). */
export interface PgPoolClient {
  query(config: PgQueryConfig): Promise<PgQueryResult>;
  /** Gives the connection back; with an error, the pool destroys it. */
  release(error?: Error | boolean): void;
}

/** The slice of a `pg.Pool` used: one-shot queries, checked-out connections for transactions. */
export interface PgPool {
  query(config: PgQueryConfig): Promise<PgQueryResult>;
  connect(): Promise<PgPoolClient>;
  end(): Promise<void>;
}

/** How to reach Postgres: a connection string (a pool is created and owned) or your own pool. */
export interface PgConnectionOptions {
  /** `postgres://user@host:port/db`. Ignored when `pool` is given. */
  connectionString?: string;
  /** A `pg.Pool` (or compatible) to use; it is not ended by `close()`. */
  pool?: PgPool;
  /**
   * Schema holding the tables (created by `migrate()`); lower-case letters, digits and `_`.
   * @default "gdpr_fanout"
   */
  schema?: string;
  /** Connections of the pool created from `connectionString`. @default 10 */
  maxConnections?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validates a schema name and returns it quoted for SQL. */
export function quoteSchema(schema: string | undefined): { name: string; quoted: string } {
  const name = schema ?? "gdpr_fanout";
  if (!SCHEMA_NAME.test(name)) {
    throw new ConfigurationError(
      "schema must be lower-case letters, digits and _, starting with a letter or _ (at most 63)",
      { option: "schema" },
    );
  }
  return { name, quoted: `"${name}"` };
}

/** A lazily created pool, shared by the store's or limiter's calls; `close()` ends only its own. */
export function lazyPool(options: PgConnectionOptions): { get(): Promise<PgPool>; close(): Promise<void> } {
  if (!options.pool && !options.connectionString) {
    throw new ConfigurationError("give connectionString or pool", { option: "connectionString" });
  }
  let pool: PgPool | undefined = options.pool;
  let opening: Promise<PgPool> | undefined;
  let owned = false;
  return {
    async get() {
      if (pool) return pool;
      opening ??= (async () => {
        const pg = (await import("pg")).default;
        const created = new pg.Pool({
          connectionString: options.connectionString,
          max: options.maxConnections ?? 10,
          // A worker paused mid-transaction must not keep its row locks (and block takeover) for long.
          idle_in_transaction_session_timeout: 10_000,
        });
        // An idle connection dropped by the server emits here; without a listener it would crash the process.
        created.on("error", () => {});
        owned = true;
        pool = created as unknown as PgPool;
        return pool;
      })();
      return opening;
    },
    async close() {
      const current = pool;
      pool = undefined;
      opening = undefined;
      if (current && owned) await current.end();
    },
  };
}

/** Runs `fn` in a transaction on one connection; rolls back (and drops the connection) on error. */
export async function inTransaction<T>(pool: PgPool, fn: (client: PgPoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query({ text: "BEGIN" });
    const result = await fn(client);
    await client.query({ text: "COMMIT" });
    client.release();
    return result;
  } catch (error) {
    try {
      await client.query({ text: "ROLLBACK" });
      client.release();
    } catch {
      client.release(true);
    }
    throw error;
  }
}
