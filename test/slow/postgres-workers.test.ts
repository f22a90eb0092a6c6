/**
 * Scale-out on Postgres with real processes: several workers drain one backlog with each request
 * in the hands of one worker at a time; a worker killed with SIGKILL mid-delete loses its lease to
 * another after expiry and nothing destructive is applied twice; a worker paused (SIGSTOP) past
 * its lease cannot write when it wakes up (LEASE_LOST) and nothing it does lands.
 * Needs GDPR_FANOUT_PG_URL (scripts/with-postgres.sh sets one up).
 */
import { type ChildProcess, fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createFanout, type Fanout } from "../../src/index.js";
import { postgresStore } from "../../src/stores/postgres.js";
import { dropSchemas, freshSchema, PG_SKIP_REASON, PG_URL, testPool } from "../store/postgres-helpers.js";
import {
  type CallRecord,
  PROVIDER_RATE_LIMIT,
  WorkerFakeServer,
  workerFakeAdapter,
} from "./postgres-fakes.js";

const PROVIDERS = ["alpha", "beta", "gamma"];
const here = dirname(fileURLToPath(import.meta.url));
const prefix = `gf_workers_${process.pid}_`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CommitReport {
  type: "commit";
  worker: string;
  requestId: string;
  ok: boolean;
  code?: string;
  at: number;
}

class Workers {
  readonly children = new Map<string, ChildProcess>();
  readonly commits: CommitReport[] = [];
  constructor(
    private readonly schema: string,
    private readonly baseUrl: string,
  ) {}

  start(worker: string, leaseMs: number): Promise<ChildProcess> {
    const child = fork(
      join(here, "postgres-worker.ts"),
      [PG_URL, this.schema, this.baseUrl, PROVIDERS.join(","), worker, String(leaseMs)],
      { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] },
    );
    this.children.set(worker, child);
    child.on("message", (m: CommitReport | { type: "ready" }) => {
      if (m.type === "commit") this.commits.push(m);
    });
    return new Promise((resolve, reject) => {
      child.once("message", () => resolve(child));
      child.once("error", reject);
    });
  }

  kill(worker: string, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.children.get(worker);
    return new Promise((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  }

  async stopAll(): Promise<void> {
    for (const [worker, child] of this.children) {
      if (child.signalCode === null && child.exitCode === null) child.kill("SIGCONT");
      await this.kill(worker);
    }
  }
}

async function setup(requests: number, options: { after?: string } = {}) {
  const schema = freshSchema(`workers_${process.pid}`);
  const server = new WorkerFakeServer();
  const baseUrl = await server.start();
  const emails = Array.from({ length: requests }, (_, i) => `pg.worker${i}@example.test`);
  for (const email of emails) for (const p of PROVIDERS) server.seed(p, email, 2);
  const fanout = createFanout({
    adapters: PROVIDERS.map((p) => workerFakeAdapter(p, baseUrl, "test")),
    store: postgresStore({ connectionString: PG_URL, schema }),
    secret: "postgres-worker-test-secret-0123456789",
  });
  await fanout.store.migrate();
  const ids: string[] = [];
  /** Creates the requests (after the workers are up: starting a worker process takes a while). */
  const enqueue = async () => {
    for (const email of emails)
      ids.push((await fanout.erase({ email }, { reason: "account-closed", ...options })).id);
  };
  return { schema, server, fanout, ids, enqueue, workers: new Workers(schema, baseUrl) };
}

async function waitCompleted(fanout: Fanout, count: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let done = 0;
  while (Date.now() < deadline) {
    done = (await fanout.list({ state: "completed", limit: 1000 })).items.length;
    if (done >= count) break;
    await sleep(100);
  }
  return done;
}

/** Calls on the same request by different workers never overlap in time. */
function overlaps(calls: CallRecord[]): string[] {
  const byRequest = new Map<string, CallRecord[]>();
  for (const c of calls) byRequest.set(c.requestId, [...(byRequest.get(c.requestId) ?? []), c]);
  const found: string[] = [];
  for (const [id, list] of byRequest) {
    for (const a of list)
      for (const b of list)
        if (a.worker !== b.worker && a.start < b.end && b.start < a.end)
          found.push(`${id}: ${a.worker}/${b.worker}`);
  }
  return found;
}

/** The most calls that reached the provider within any window of `ms`. */
function busiestWindow(calls: CallRecord[], ms: number): number {
  const times = calls.map((c) => c.start).sort((a, b) => a - b);
  let best = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= ms) first++;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

/** Every step succeeded once; relocate only where the pivot did not reuse a fresh locate (fresh-locate.ts). */
function expectStepsOnce(
  steps: { adapterId: string; step: string; status: string }[],
  branches: { adapterId: string; data: Readonly<Record<string, unknown>> }[],
) {
  for (const adapter of PROVIDERS) {
    const succeeded = steps
      .filter((s) => s.adapterId === adapter && s.status === "succeeded")
      .map((s) => s.step);
    const reused = branches.find((b) => b.adapterId === adapter)?.data.relocate === "skipped";
    const expected = ["delete", "locate", "relocate", "restrict", "verify"];
    expect(succeeded.sort()).toEqual(reused ? expected.filter((s) => s !== "relocate") : expected);
  }
}

describe.skipIf(!PG_URL)(`postgres workers (real processes)${PG_SKIP_REASON}`, () => {
  afterAll(async () => {
    const pool = testPool(1);
    await dropSchemas(pool, prefix);
    await pool.end();
  });

  it("three worker processes drain a backlog, one worker per request at a time", async () => {
    const REQUESTS = 30;
    // A short retention wait: each request is restricted, released, and erased by whoever claims it next.
    const { server, fanout, ids, enqueue, workers } = await setup(REQUESTS, { after: "3s" });
    try {
      await Promise.all(["w1", "w2", "w3"].map((w) => workers.start(w, 2000)));
      await enqueue();
      const done = await waitCompleted(fanout, REQUESTS, 90_000);
      await workers.stopAll();
      expect(done).toBe(REQUESTS);
      const byWorker = new Map<string, number>();
      for (const c of server.calls) byWorker.set(c.worker, (byWorker.get(c.worker) ?? 0) + 1);
      const handedOver = ids.filter(
        (id) => new Set(server.calls.filter((c) => c.requestId === id).map((c) => c.worker)).size > 1,
      );
      console.log(
        `drain: ${server.calls.length} provider calls by worker ${JSON.stringify(Object.fromEntries(byWorker))}; ` +
          `${handedOver.length}/${REQUESTS} requests worked on by more than one worker (never at once)`,
      );
      expect(overlaps(server.calls)).toEqual([]);
      expect(byWorker.size).toBe(3);
      // The three processes shared each provider's budget (postgresRateLimiter): 150 calls per
      // provider at 40 per second. Arrival times at the fake carry the jitter of four processes on a
      // busy machine between a granted slot and the call reaching the provider: 150 ms of slack
      // (without sharing, three workers would send up to 120 per second).
      for (const provider of PROVIDERS) {
        const calls = server.calls.filter((c) => c.provider === provider);
        const busiest = busiestWindow(calls, PROVIDER_RATE_LIMIT.intervalMs - 150);
        console.log(
          `drain: ${provider} got at most ${busiestWindow(calls, PROVIDER_RATE_LIMIT.intervalMs)} calls in any ` +
            `1000 ms and ${busiest} in any 850 ms (budget 40 per 1 s) from ${new Set(calls.map((c) => c.worker)).size} workers`,
        );
        expect(busiest).toBeLessThanOrEqual(PROVIDER_RATE_LIMIT.requests);
        expect(new Set(calls.map((c) => c.worker)).size).toBe(3);
      }
      expect(handedOver.length).toBeGreaterThan(0);
      expect(server.applied.size).toBe(REQUESTS * PROVIDERS.length * 2);
      expect([...server.applied.values()].every((n) => n === 1)).toBe(true);
      for (const id of ids) expectStepsOnce(await fanout.store.steps(id), await fanout.store.getBranches(id));
      // Every commit a worker made landed: none was refused in an orderly run.
      expect(workers.commits.filter((c) => !c.ok)).toEqual([]);
    } finally {
      await workers.stopAll();
      await fanout.close();
      await server.close();
    }
  }, 120_000);

  it("takes over a SIGKILLed worker's request after its lease expires, deleting nothing twice", async () => {
    const { server, fanout, ids, enqueue, workers } = await setup(1);
    try {
      const held = server.hold((c) => c.worker === "victim" && c.op === "delete");
      await workers.start("victim", 1000);
      await enqueue();
      const id = ids[0]!;
      const call = await held.arrived;
      // The delete reached the provider; the worker dies before hearing back.
      await workers.kill("victim");
      const killedAt = Date.now();
      const leaseUntil = (await fanout.store.getRequest(id))?.leaseUntil ?? 0;
      held.release();
      await workers.start("rescuer", 1000);
      expect(await waitCompleted(fanout, 1, 30_000)).toBe(1);
      const rescuerCalls = server.calls.filter((c) => c.worker === "rescuer");
      console.log(
        `SIGKILL: victim killed in ${call.provider}.delete; rescuer resumed ${Date.now() - killedAt} ms later ` +
          `with ${rescuerCalls.length} calls, deletes sent ${server.calls.filter((c) => c.op === "delete").length}`,
      );
      expect(rescuerCalls.length).toBeGreaterThan(0);
      // The rescuer could only claim once the victim's lease (1 s, last renewed by its heartbeat) ran out.
      expect(leaseUntil).toBeGreaterThan(killedAt);
      expect(Math.min(...rescuerCalls.map((c) => c.start))).toBeGreaterThanOrEqual(leaseUntil);
      expect(server.applied.size).toBe(PROVIDERS.length * 2);
      expect([...server.applied.values()].every((n) => n === 1)).toBe(true);
      expectStepsOnce(await fanout.store.steps(id), await fanout.store.getBranches(id));
      expect(overlaps(server.calls)).toEqual([]);
    } finally {
      await workers.stopAll();
      await fanout.close();
      await server.close();
    }
  }, 60_000);

  it("refuses every write of a worker paused (SIGSTOP) past its lease, once it resumes", async () => {
    const { server, fanout, ids, enqueue, workers } = await setup(1);
    try {
      const held = server.hold((c) => c.worker === "sleeper" && c.op === "delete");
      const sleeper = await workers.start("sleeper", 1000);
      await enqueue();
      const id = ids[0]!;
      await held.arrived;
      sleeper.kill("SIGSTOP");
      const stoppedAt = Date.now();
      await workers.start("rescuer", 1000);
      expect(await waitCompleted(fanout, 1, 30_000)).toBe(1);
      const finalAudit = await fanout.store.audit(id);
      const finalSteps = await fanout.store.steps(id);
      // Answer its old delete, then wake it: the answer is waiting in its socket, so it goes on
      // from where it stopped and commits the step before its heartbeat learns the lease is gone.
      held.release();
      await sleep(100);
      const resumedAt = Date.now();
      sleeper.kill("SIGCONT");
      await sleep(1500);
      const late = workers.commits.filter((c) => c.worker === "sleeper" && c.at >= resumedAt);
      console.log(
        `SIGSTOP: sleeper stopped ${resumedAt - stoppedAt} ms; after SIGCONT its commits: ` +
          JSON.stringify(late.map((c) => (c.ok ? "ok" : c.code))),
      );
      expect(late.length).toBeGreaterThan(0);
      expect(late.every((c) => !c.ok && c.code === "LEASE_LOST")).toBe(true);
      // Nothing it did after waking landed: the request, its step log and audit trail are unchanged.
      expect((await fanout.store.getRequest(id))?.state).toBe("completed");
      expect(await fanout.store.steps(id)).toEqual(finalSteps);
      expect(await fanout.store.audit(id)).toEqual(finalAudit);
      expectStepsOnce(finalSteps, await fanout.store.getBranches(id));
      expect([...server.applied.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await workers.stopAll();
      await fanout.close();
      await server.close();
    }
  }, 60_000);
});
