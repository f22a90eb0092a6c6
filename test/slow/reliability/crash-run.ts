/**
 * The crash run shared by crash-adapters.test.ts (SQLite) and postgres-crash-adapters.test.ts:
 * crash recovery across the seven real adapters: the parent runs every provider simulator over
 * HTTP; a child worker builds the adapters from `sims.options` and is killed with SIGKILL at random
 * moments, then restarted, on SQLite and (with GDPR_FANOUT_PG_URL and the Postgres store) on
 * Postgres. At the end every request is completed, nothing is live at any provider, no record was
 * destroyed twice, and the store holds no subject identifier.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { createFanout, type SagaStore } from "../../../src/index.js";
import { sqliteStore } from "../../../src/store/sqlite-store.js";
import { startSimulators } from "../../../src/testing/index.js";
import type { CapsuleSimulator } from "../../../src/testing/simulators/capsule/index.js";
import { adaptersFrom, leaks, sleep } from "./support.js";

export const REQUESTS = 16;
export const KILLS = 12;
export const PG_URL = process.env.GDPR_FANOUT_PG_URL ?? "";
export const PG_STORE = existsSync(
  join(dirname(fileURLToPath(import.meta.url)), "../../../src/stores/postgres.ts"),
);
const here = dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "gf-crash7-"));
/** Removes the temporary files (call from afterAll). */
export const cleanup = () => rmSync(tmp, { recursive: true, force: true });

function startWorker(storeSpec: string, optionsFile: string): Promise<ChildProcess> {
  const child = fork(join(here, "..", "crash-adapters-worker.ts"), [storeSpec, optionsFile], {
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

async function openStore(
  kind: "sqlite" | "postgres",
  name: string,
): Promise<{ store: SagaStore; spec: string }> {
  if (kind === "sqlite") {
    const path = join(tmp, `${name}.db`);
    return { store: sqliteStore({ path }), spec: `sqlite:${path}` };
  }
  const path = "../../../src/stores/postgres.js";
  const { postgresStore } = (await import(path)) as {
    postgresStore(o: { connectionString: string; schema: string }): SagaStore;
  };
  const schema = `gf_crash7_${process.pid}_${Date.now().toString(36)}`;
  return { store: postgresStore({ connectionString: PG_URL, schema }), spec: `postgres:${schema}` };
}

/** Needles found in the SQLite file and its WAL (`spec` is `sqlite:<path>`). */
function scanSqlite(spec: string, needles: readonly string[]): string[] {
  const db = spec.slice("sqlite:".length);
  const out: string[] = [];
  for (const file of [db, `${db}-wal`]) {
    if (existsSync(file))
      out.push(...leaks(readFileSync(file, "latin1"), needles).map((n) => `${file}: ${n}`));
  }
  return out;
}

/** One crash run: requests through killed workers, then every check. */
export async function crashAcrossAdapters(kind: "sqlite" | "postgres"): Promise<void> {
  const sims = await startSimulators({ transport: "http", pageSize: 4, timeScale: 0.001, seed: 42 });
  try {
    const optionsFile = join(tmp, `${kind}-options.json`);
    writeFileSync(optionsFile, JSON.stringify(sims.options));
    const people = Array.from({ length: REQUESTS }, (_, i) => ({
      email: `crash7.person${i}@example.test`,
      name: `Crashy Personname${i}`,
    }));
    // Provider record ids of the subjects, as JSON strings: sealed in branch rows while requests run,
    // keyed fingerprints after. Short numeric ids are left out (they could match unrelated digits).
    const recordIds: string[] = [];
    for (const p of people) {
      for (const list of Object.values(await sims.seedSubject(p, { records: 2 })))
        recordIds.push(...list.filter((id) => id.length >= 6).map((id) => `"${id}"`));
    }
    // Personal file names, as real attachments have them: the privacy scans look for these too.
    const fileNames: string[] = [];
    const capsule = sims.simulator("capsule") as CapsuleSimulator;
    for (const a of capsule.state.attachments.values()) {
      const person = people.find((p) => p.email === a.subject);
      a.filename = `${person?.name ?? "Crashy Nobody"} passport ${a.id}.pdf`;
      fileNames.push(a.filename);
    }
    const needles = [...people.flatMap((p) => [p.email, p.name]), ...fileNames, ...recordIds];
    const { store, spec } = await openStore(kind, "crash7");
    const fanout = createFanout({
      adapters: adaptersFrom(sims.options),
      store,
      secret: "crash-adapters-secret-0123456789",
    });
    const ids: string[] = [];
    for (const p of people) ids.push((await fanout.erase(p, { reason: "account-closed" })).id);
    const completed = async () => (await fanout.list({ state: "completed", limit: 1000 })).items.length;

    let kills = 0;
    while (kills < KILLS) {
      const child = await startWorker(spec, optionsFile);
      await sleep(800 + Math.floor(Math.random() * 1700));
      const before = await completed();
      await kill(child);
      // While requests are still open (a worker was just cut off mid-run): nothing identifying.
      if (kind === "sqlite" && kills === 0) expect(scanSqlite(spec, needles)).toEqual([]);
      if (before === REQUESTS) break;
      kills++;
    }
    const completedAtLastKill = await completed();
    const finalWorker = await startWorker(spec, optionsFile);
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline && (await completed()) < REQUESTS) await sleep(200);
    await kill(finalWorker);

    const statuses = await Promise.all(ids.map((id) => fanout.status(id)));
    console.log(
      `crash (${kind}, 7 adapters): ${kills} kills with work pending, ${completedAtLastKill}/${REQUESTS} completed before the last restart, ${sims.calls().length} calls`,
    );
    for (const s of statuses) if (s.state !== "completed") console.log(JSON.stringify(s));
    expect(kills).toBeGreaterThanOrEqual(Math.min(KILLS, 3));
    expect(statuses.map((s) => s.state).filter((s) => s !== "completed")).toEqual([]);
    for (const p of people) {
      const left = await sims.remaining(p);
      expect(
        Object.values(left).every((n) => n === 0),
        `${p.email} ${JSON.stringify(left)}`,
      ).toBe(true);
    }
    for (const provider of sims.providers) {
      const twice = [...sims.simulator(provider).destructiveApplications()].filter(([, n]) => n > 1);
      expect(twice, provider).toEqual([]);
    }
    for (const id of ids) {
      expect((await store.getRequest(id))?.sealed).toBeNull();
      expect((await fanout.verifyReceipt(await fanout.receipt(id))).valid).toBe(true);
    }
    // After completion, with the store still open (its WAL not yet folded in by a close).
    if (kind === "sqlite") expect(scanSqlite(spec, needles)).toEqual([]);
    await fanout.close();
    if (kind === "sqlite") expect(scanSqlite(spec, needles)).toEqual([]);
  } finally {
    await sims.close();
  }
}
