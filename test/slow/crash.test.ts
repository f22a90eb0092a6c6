/**
 * Crash recovery for real: a child process runs a worker on a SQLite file and is killed with
 * SIGKILL at random moments, then restarted. At the end every request is completed, every record
 * was deleted exactly once, no step is missing from the step log, and neither the database nor its
 * WAL contains a subject's email.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createFanout } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { CrashFakeServer, crashFakeAdapter } from "./crash-fakes.js";

const REQUESTS = 150;
/** Kills that must land while work is still pending. */
const KILLS = 20;
const PROVIDERS = ["alpha", "beta", "gamma"];
const here = dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "gf-crash-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function startWorker(db: string, baseUrl: string): Promise<ChildProcess> {
  const child = fork(join(here, "crash-worker.ts"), [db, baseUrl, PROVIDERS.join(",")], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", () => resolve(child));
    child.once("error", reject);
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("crash recovery (SIGKILL)", () => {
  it(`completes ${REQUESTS} requests across ${KILLS} kills with nothing applied twice or lost`, async () => {
    const server = new CrashFakeServer();
    const baseUrl = await server.start();
    const db = join(tmp, "crash.db");
    const emails = Array.from({ length: REQUESTS }, (_, i) => `crash.user${i}@example.test`);
    for (const email of emails) for (const p of PROVIDERS) server.seed(p, email, 2);
    const fanout = createFanout({
      adapters: PROVIDERS.map((p) => crashFakeAdapter(p, baseUrl)),
      store: sqliteStore({ path: db }),
      secret: "crash-test-secret-0123456789",
    });
    const ids: string[] = [];
    for (const email of emails) ids.push((await fanout.erase({ email }, { reason: "account-closed" })).id);

    const completed = async () => (await fanout.list({ state: "completed", limit: 1000 })).items.length;
    let kills = 0;
    while (kills < KILLS) {
      const child = await startWorker(db, baseUrl);
      await sleep(100 + Math.floor(Math.random() * 400));
      const before = await completed();
      await kill(child);
      if (before === REQUESTS) break;
      kills++;
    }
    const completedAtLastKill = await completed();
    const finalWorker = await startWorker(db, baseUrl);
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      if ((await fanout.list({ state: "completed", limit: 1000 })).items.length === REQUESTS) break;
      await sleep(200);
    }
    await kill(finalWorker);
    await fanout.close();
    await server.close();

    console.log(
      `crash test: ${kills} kills with work pending, ${completedAtLastKill}/${REQUESTS} completed before the last restart`,
    );
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    const store = sqliteStore({ path: db });
    const states = await Promise.all(ids.map(async (id) => (await store.getRequest(id))?.state));
    expect(states.filter((s) => s !== "completed")).toEqual([]);
    for (const email of emails) expect(server.liveFor(email)).toBe(0);
    expect(server.applied.size).toBe(REQUESTS * PROVIDERS.length * 2);
    expect([...server.applied.values()].every((n) => n === 1)).toBe(true);
    for (const id of ids) {
      const steps = await store.steps(id);
      const branches = await store.getBranches(id);
      for (const adapter of PROVIDERS) {
        const done = new Set(
          steps.filter((s) => s.adapterId === adapter && s.status === "succeeded").map((s) => s.step),
        );
        // The pivot reuses a fresh first locate (fresh-locate.ts); a later pivot locates again.
        const reused = branches.find((b) => b.adapterId === adapter)?.data.relocate === "skipped";
        const expected = ["delete", "locate", "relocate", "restrict", "verify"];
        expect([...done].sort()).toEqual(reused ? expected.filter((s) => s !== "relocate") : expected);
      }
      expect((await store.getRequest(id))?.sealed).toBeNull();
    }
    await store.close();
    for (const file of [db, `${db}-wal`]) {
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file, "latin1");
      for (const email of emails) expect(bytes.includes(email)).toBe(false);
    }
  }, 420_000);
});
