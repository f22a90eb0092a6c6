/**
 * `gdpr-fanout/stores/postgres`: the store for many workers on one PostgreSQL database, and the
 * rate limiter they share. Needs the `pg` package (an optional peer dependency, loaded on first use).
 */
export type {
  PgConnectionOptions,
  PgPool,
  PgPoolClient,
  PgQueryConfig,
  PgQueryResult,
} from "../store/postgres-pool.js";
export {
  type PostgresRateLimiter,
  type PostgresRateLimiterOptions,
  postgresRateLimiter,
} from "../store/postgres-rate-limiter.js";
export { type PostgresStoreOptions, postgresStore } from "../store/postgres-store.js";
