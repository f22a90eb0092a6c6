/**
 * The simulators of a sweep in their own process, so that the providers' CPU (HTTP servers,
 * simulated state) is not taken from the engine under test, as with real remote providers.
 *
 * Child side (run as a script): starts the simulators, seeds each subject in one provider
 * (round-robin), answers `report` with the served-call log (time and status per provider) and
 * the live records left. Parent side: {@link startSimProcess}.
 */
import { type ChildProcess, fork } from "node:child_process";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { SubprocessorAdapter } from "../src/index.js";
import { callRoute, countByRoute, findSimulator, startSimulators } from "../src/testing/index.js";

export interface SimCallSummary {
  provider: string;
  at: number;
  status: number;
}

export interface SimProcess {
  providers: string[];
  /** Subject ids per provider, by subject index. */
  ids: Record<string, string[]>[];
  /** Serialisable adapter options per provider (to build the adapters in another process). */
  options: Record<string, Record<string, unknown>>;
  /** Builds the providers' real adapters in this process. */
  adapters(): SubprocessorAdapter[];
  report(): Promise<SimReport>;
  close(): Promise<void>;
}

export interface SimReport {
  calls: SimCallSummary[];
  live: number;
  /** Indexes of the subjects with records still live. */
  liveSubjects: number[];
  /** CPU time of the simulator process over its wall time since seeding. */
  simCpuShare: number;
  simLoopDelayMs: { p99: number; max: number };
  /** 429s per provider and route (ids replaced by `:id`). */
  rejectedRoutes: Record<string, Record<string, number>>;
  /** Calls answered (not 429) per provider and route. */
  routes: Record<string, Record<string, number>>;
}

type Setup = { timeScale: number; seed: number; subjects: number };

export async function startSimProcess(setup: Setup): Promise<SimProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [JSON.stringify(setup)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      child.once("message", (m) => resolve(m as T));
      child.once("exit", (code) => reject(new Error(`simulator process exited (${code})`)));
    });
  const ready = await next<{
    providers: string[];
    options: Record<string, Record<string, unknown>>;
    ids: Record<string, string[]>[];
  }>();
  return {
    providers: ready.providers,
    ids: ready.ids,
    options: ready.options,
    adapters: () => ready.providers.map((id) => findSimulator(id)!.createAdapter(ready.options[id] ?? {})),
    async report() {
      const reply = next<SimReport>();
      child.send("report");
      return reply;
    },
    async close() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send("close");
      await exited;
    },
  };
}

export const sweepEmail = (i: number) => `sweep${i}@example.test`;

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const setup = JSON.parse(process.argv[2]!) as Setup;
  const sims = await startSimulators({ timeScale: setup.timeScale, seed: setup.seed, transport: "http" });
  const ids: Record<string, string[]>[] = [];
  for (let i = 0; i < setup.subjects; i++) {
    const provider = sims.providers[i % sims.providers.length]!;
    const seeded = sims
      .simulator(provider)
      .seed({ email: sweepEmail(i), name: `Sweep Subject${i}` }, { records: 1 });
    ids.push({ [provider]: seeded });
  }
  process.send({ providers: sims.providers, options: sims.options, ids });
  const cpu = process.cpuUsage();
  const started = Date.now();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.on("message", async (message) => {
    if (message === "report") {
      let live = 0;
      const liveSubjects: number[] = [];
      for (let i = 0; i < setup.subjects; i++) {
        let left = 0;
        for (const n of Object.values(await sims.remaining(sweepEmail(i)))) left += n;
        if (left > 0) liveSubjects.push(i);
        live += left;
      }
      const calls = sims.calls().map((c) => ({ provider: c.provider, at: c.at, status: c.status }));
      const rejectedRoutes: Record<string, Record<string, number>> = {};
      for (const c of sims.calls()) {
        if (c.status !== 429) continue;
        const route = callRoute(c);
        const byRoute = rejectedRoutes[c.provider] ?? {};
        byRoute[route] = (byRoute[route] ?? 0) + 1;
        rejectedRoutes[c.provider] = byRoute;
      }
      const routes = countByRoute(sims.calls().filter((c) => c.status !== 429));
      const used = process.cpuUsage(cpu);
      const ms = (ns: number) => Math.round(ns / 1e5) / 10;
      process.send!({
        calls,
        live,
        liveSubjects,
        simCpuShare: Math.round(((used.user + used.system) / 1000 / (Date.now() - started)) * 1000) / 1000,
        simLoopDelayMs: { p99: ms(loop.percentile(99)), max: ms(loop.max) },
        rejectedRoutes,
        routes,
      } satisfies SimReport);
    } else if (message === "close") {
      await sims.close();
      process.exit(0);
    }
  });
}
