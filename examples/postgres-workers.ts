/**
 * Scale-out: several worker processes on one PostgreSQL database. Each request is handled by one
 * worker at a time (claims with `FOR UPDATE SKIP LOCKED`, leases with a fencing token), and all
 * workers share each provider's rate limit through the database.
 *
 * Run it: `GDPR_FANOUT_PG_URL=postgres://… node --import tsx examples/postgres-workers.ts [workers]`
 * (or `scripts/with-postgres.sh node --import tsx examples/postgres-workers.ts` for a throwaway
 * database). It starts local simulators, records 20 erasures, forks the workers and waits until
 * every request is completed.
 */
import { fork } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createFanout } from "gdpr-fanout";
import { postgresRateLimiter, postgresStore } from "gdpr-fanout/stores/postgres";
import { findSimulator, startSimulators } from "gdpr-fanout/testing";

const url = process.env.GDPR_FANOUT_PG_URL;
/** The simulators run 1000 times faster than the real providers: so do their rate budgets. */
const TIME_SCALE = 0.001;
const schema = "gdpr_fanout_example";
const secret = process.env.GDPR_FANOUT_SECRET ?? "example-secret-0123456789";

/** One worker process: adapters from the parent's serialisable simulator options. */
async function worker(options: Record<string, Record<string, unknown>>) {
  const fanout = createFanout({
    adapters: Object.entries(options).map(([id, o]) => {
      const adapter = findSimulator(id)!.createAdapter(o);
      const limit = adapter.rateLimit;
      return limit
        ? { ...adapter, rateLimit: { ...limit, intervalMs: limit.intervalMs * TIME_SCALE } }
        : adapter;
    }),
    store: postgresStore({ connectionString: url!, schema }),
    rateLimiter: postgresRateLimiter({ connectionString: url!, schema }),
    secret,
    pollInterval: 50,
  });
  const controller = new AbortController();
  process.once("SIGTERM", () => controller.abort());
  await fanout.run({ signal: controller.signal, idleMs: 50 });
  await fanout.close();
  process.exit(0);
}

async function main() {
  if (!url) throw new Error("set GDPR_FANOUT_PG_URL (or run through scripts/with-postgres.sh)");
  const workers = Number(process.argv[2] ?? 3);
  const sims = await startSimulators({ transport: "http", timeScale: TIME_SCALE });
  const fanout = createFanout({
    adapters: sims.adapters(),
    store: postgresStore({ connectionString: url, schema }),
    secret,
  });
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const email = `customer${i}@acme.test`;
    await sims.seedSubject({ email }, { records: 2 });
    ids.push((await fanout.erase({ email }, { reason: "account-closed" })).id);
  }
  const children = Array.from({ length: workers }, () =>
    fork(fileURLToPath(import.meta.url), ["--worker"], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, SIM_OPTIONS: JSON.stringify(sims.options) },
    }),
  );
  const started = Date.now();
  for (;;) {
    const states = await Promise.all(ids.map(async (id) => (await fanout.status(id)).state));
    if (states.every((s) => s === "completed" || s === "needs_attention")) {
      console.log(
        `${states.filter((s) => s === "completed").length}/${ids.length} completed by ${workers} workers in ${Date.now() - started} ms`,
      );
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  for (const child of children) child.kill("SIGTERM");
  await fanout.close();
  await sims.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (process.argv.includes("--worker")) await worker(JSON.parse(process.env.SIM_OPTIONS!));
  else await main();
}
