/**
 * Recovery after a crash: a worker process (the victim) holds eight erasures, each branch's delete
 * in flight at a provider that does not answer; it is killed with SIGKILL at a random moment. A
 * second worker process (the rescuer), started before the kill and polling as `run()` does by
 * default (every second), takes the requests over once their leases run out. Measured per request:
 * from the SIGKILL to the rescuer's first provider call for it (its next step), at the default
 * lease (30 s; the victim's heartbeat renews it every 10 s, so 20–30 s of it are left at a random
 * kill). SQLite file shared by both processes.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFanout, defineAdapter, type SubprocessorAdapter } from "../src/index.js";
import { sqliteStore } from "../src/store/sqlite-store.js";
import { round, SECRET } from "./harness.js";

const self = fileURLToPath(import.meta.url);
const REQUESTS = 8;

/** Instant adapters; the victim's delete never answers; every call is reported to the parent. */
function adapters(role: string): SubprocessorAdapter[] {
  const report = (requestId: string, op: string) => process.send?.({ requestId, op, at: Date.now() });
  return ["a0", "a1", "a2"].map((id) =>
    defineAdapter({
      id,
      async locate(_s, ctx) {
        report(ctx.requestId, "locate");
        return { refs: [{ type: "record", id: `${id}-1` }] };
      },
      async export() {
        return { records: [] };
      },
      async restrict(_r, ctx) {
        report(ctx.requestId, "restrict");
        return { undo: null, restricted: 1 };
      },
      async unrestrict() {},
      async delete(_r, ctx) {
        report(ctx.requestId, "delete");
        if (role === "victim") await new Promise(() => {}); // the provider never answers
        return { outcome: "erased", deleted: 1 };
      },
      async status(_r, _d, ctx) {
        report(ctx.requestId, "verify");
        return { state: "done", remaining: 0 };
      },
    }),
  );
}

type Message = { requestId: string; op: string; at: number } | "ready";

function worker(db: string, role: string, onMessage: (m: Message) => void): Promise<ChildProcess> {
  const child = fork(self, ["worker", db, role], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.on("message", (m: Message) => {
      if (m === "ready") resolve(child);
      else onMessage(m);
    });
    child.once("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function oneKill(dir: string, round: number): Promise<{ afterKill: number; afterExpiry: number }[]> {
  const db = join(dir, `recovery-${round}.db`);
  const fanout = createFanout({
    adapters: adapters("parent"),
    store: sqliteStore({ path: db }),
    secret: SECRET,
  });
  const ids = new Set<string>();
  for (let i = 0; i < REQUESTS; i++)
    ids.add((await fanout.erase({ email: `recover${round}-${i}@example.test` })).id);
  await fanout.close();
  const blocked = new Set<string>();
  let allBlocked!: () => void;
  const victimStuck = new Promise<void>((r) => {
    allBlocked = r;
  });
  const victim = await worker(db, "victim", (m) => {
    if (typeof m === "object" && m.op === "delete") blocked.add(m.requestId);
    if (blocked.size === REQUESTS) allBlocked();
  });
  const firstCall = new Map<string, number>();
  let allTaken!: () => void;
  const rescued = new Promise<void>((r) => {
    allTaken = r;
  });
  const rescuer = await worker(db, "rescuer", (m) => {
    if (typeof m !== "object" || firstCall.has(m.requestId)) return;
    firstCall.set(m.requestId, m.at);
    if (firstCall.size === REQUESTS) allTaken();
  });
  try {
    await victimStuck;
    // Somewhere in the heartbeat's 10-second cycle.
    await sleep(Math.random() * 10_000);
    const killedAt = Date.now();
    victim.kill("SIGKILL");
    const store = sqliteStore({ path: db });
    const leaseUntil = new Map<string, number>();
    for (const id of ids) leaseUntil.set(id, (await store.getRequest(id))?.leaseUntil ?? killedAt);
    await store.close();
    await Promise.race([rescued, sleep(120_000)]);
    return [...firstCall].map(([id, at]) => ({
      afterKill: at - killedAt,
      afterExpiry: at - (leaseUntil.get(id) ?? killedAt),
    }));
  } finally {
    victim.kill("SIGKILL");
    rescuer.kill("SIGKILL");
  }
}

export async function runRecoveryBench(quick: boolean) {
  const kills = quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), "gf-bench-recovery-"));
  try {
    const measured: { afterKill: number; afterExpiry: number }[] = [];
    for (let k = 0; k < kills; k++) measured.push(...(await oneKill(dir, k)));
    const samples = measured.map((m) => m.afterKill).sort((a, b) => a - b);
    const expiry = measured.map((m) => m.afterExpiry).sort((a, b) => a - b);
    const at = (list: number[], p: number) =>
      list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))]!;
    return {
      recoveryMs: { p50: round(at(samples, 50), 0), p99: round(at(samples, 99), 0) },
      recovery: {
        /** From the lease's expiry to the rescuer's first call: the engine's own share (polling, claim, resume). */
        afterLeaseExpiryMs: { p50: round(at(expiry, 50), 0), p99: round(at(expiry, 99), 0) },
        samples: samples.length,
        minMs: samples[0],
        maxMs: samples.at(-1),
        kills,
        requestsPerKill: REQUESTS,
        leaseMs: 30_000,
        rescuerIdleMs: 1000,
        store: "sqlite (one file, two processes)",
        loadAverage1m: round(loadavg()[0]!, 2),
        note: "SIGKILL at a random moment of the victim's heartbeat cycle to the rescuer's first provider call for each request; the lease (30 s, renewed every 10 s) is what it waits for",
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === self) {
  const [mode, db, role] = process.argv.slice(2);
  if (mode === "worker") {
    const fanout = createFanout({
      adapters: adapters(role!),
      store: sqliteStore({ path: db! }),
      secret: SECRET,
      workerId: `bench-${role}`,
    });
    await fanout.list({ limit: 1 });
    void fanout.run({});
    process.send?.("ready");
  } else {
    console.log(JSON.stringify(await runRecoveryBench(process.argv.includes("--quick")), null, 2));
  }
}
