/**
 * The store a fanout uses when `createFanout` is given none: the one `GDPR_FANOUT_DATABASE_URL`
 * names (`postgres://…` → `postgresStore`; `sqlite:<path>`, `file:<path>` or a plain path →
 * `sqliteStore`), else the SQLite file `./gdpr-fanout.db`. The store module is imported on first
 * use, so an application that passes its own store never loads SQLite or `pg`.
 */
import { ConfigurationError } from "../errors.js";
import type { SagaStore } from "../store/types.js";

/** The environment variable naming the default store. */
export const DATABASE_URL_ENV = "GDPR_FANOUT_DATABASE_URL";

/** The default store for `env` (see the module comment). Throws `CONFIGURATION` for an unknown scheme. */
export function defaultStore(env: NodeJS.ProcessEnv = process.env): SagaStore {
  const url = env[DATABASE_URL_ENV]?.trim();
  if (!url)
    return lazyStore("sqlite", () =>
      import("../store/sqlite-store.js").then((m) => m.sqliteStore({ path: "./gdpr-fanout.db" })),
    );
  if (/^postgres(ql)?:\/\//i.test(url))
    return lazyStore("postgres", () =>
      import("../store/postgres-store.js").then((m) => m.postgresStore({ connectionString: url })),
    );
  const path = url.replace(/^(sqlite|file):(\/\/)?/i, "");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.length === 0) {
    throw new ConfigurationError(
      `${DATABASE_URL_ENV} must be a postgres:// URL, sqlite:<path>, file:<path> or a file path`,
      { option: DATABASE_URL_ENV },
    );
  }
  return lazyStore("sqlite", () => import("../store/sqlite-store.js").then((m) => m.sqliteStore({ path })));
}

function lazyStore(kind: SagaStore["kind"], load: () => Promise<SagaStore>): SagaStore {
  let inner: Promise<SagaStore> | undefined;
  const get = () => {
    inner ??= load();
    return inner;
  };
  const forward =
    <K extends keyof SagaStore>(key: K) =>
    async (...args: unknown[]) =>
      ((await get())[key] as (...a: unknown[]) => unknown)(...args);
  return {
    kind,
    migrate: forward("migrate") as SagaStore["migrate"],
    createRequest: forward("createRequest") as SagaStore["createRequest"],
    getRequest: forward("getRequest") as SagaStore["getRequest"],
    getBranches: forward("getBranches") as SagaStore["getBranches"],
    list: forward("list") as SagaStore["list"],
    claim: forward("claim") as SagaStore["claim"],
    renewLease: forward("renewLease") as SagaStore["renewLease"],
    releaseLease: forward("releaseLease") as SagaStore["releaseLease"],
    commit: forward("commit") as SagaStore["commit"],
    control: forward("control") as SagaStore["control"],
    steps: forward("steps") as SagaStore["steps"],
    audit: forward("audit") as SagaStore["audit"],
    auditTrail: forward("auditTrail") as SagaStore["auditTrail"],
    auditHead: forward("auditHead") as SagaStore["auditHead"],
    nextWake: forward("nextWake") as SagaStore["nextWake"],
    createHold: forward("createHold") as SagaStore["createHold"],
    releaseHold: forward("releaseHold") as SagaStore["releaseHold"],
    getHold: forward("getHold") as SagaStore["getHold"],
    listHolds: forward("listHolds") as SagaStore["listHolds"],
    close: async () => {
      if (inner) await (await inner).close();
    },
  };
}
