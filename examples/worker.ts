/**
 * A worker process: runs the saga loop until SIGTERM/SIGINT, then stops at the next step boundary
 * (compensations in flight still finish). Deploy as many as you like on one PostgreSQL store; on
 * the embedded SQLite store, run them on one machine.
 *
 * Run it: `node --import tsx examples/worker.ts` (local simulators; `--once` drains and exits).
 */
import { pathToFileURL } from "node:url";
import { createFanout, type Fanout } from "gdpr-fanout";
import { sqliteStore } from "gdpr-fanout/stores/sqlite";
import { startSimulators } from "gdpr-fanout/testing";

/** Runs `fanout` until the process is asked to stop. */
export async function runWorker(fanout: Fanout, signal: AbortSignal): Promise<void> {
  const off = fanout.on("request.needs_attention", (e) => {
    // Page a person: the event carries the request id and an error code, never the subject.
    console.error(`request ${e.requestId} needs attention: ${e.error?.code ?? "unknown"}`);
  });
  try {
    await fanout.run({ signal });
  } finally {
    off();
  }
}

async function main() {
  const once = process.argv.includes("--once");
  const sims = await startSimulators({ transport: "http", timeScale: 0.001 });
  await sims.seedSubject({ email: "sam@acme.test" }, { records: 2 });
  const fanout = createFanout({
    adapters: sims.adapters(),
    store: sqliteStore({ path: process.env.GDPR_FANOUT_DB ?? "./gdpr-fanout-example.db" }),
    secret: process.env.GDPR_FANOUT_SECRET ?? "example-secret-0123456789",
    pollInterval: 50,
  });
  const request = await fanout.erase({ email: "sam@acme.test" });
  const controller = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => controller.abort());
  if (once) {
    // For CI: run until this request is done, then stop like a deploy would.
    const watch = setInterval(async () => {
      const state = (await fanout.status(request.id)).state;
      if (state === "completed" || state === "needs_attention") controller.abort();
    }, 50);
    await runWorker(fanout, controller.signal);
    clearInterval(watch);
  } else {
    await runWorker(fanout, controller.signal);
  }
  console.log(`request ${request.id}: ${(await fanout.status(request.id)).state}`);
  await fanout.close();
  await sims.close();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
