/** `gdpr-fanout/stores/sqlite`: the embedded SQLite store (the default when `store` is omitted). */
export { type SqliteDatabase, type SqliteStoreOptions, sqliteStore } from "../store/sqlite-store.js";
