/**
 * The simulators of the retention-sweep benchmark in their own process (their CPU is not the
 * sweeper's, as with real remote providers): HubSpot, Pipedrive, Zoho CRM and Capsule over HTTP,
 * each seeded with `perCrm` prospects nobody touched for 30 months. Answers `report` with the
 * served-call log (provider, method, path, status, time).
 */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { monthsBefore } from "../src/engine/sweep-cutoff.js";
import { startSimulators } from "../src/testing/index.js";

export const CRMS = ["hubspot", "pipedrive", "zoho", "capsule"] as const;

export interface SweepSimCall {
  provider: string;
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface SweepSims {
  options: Record<string, Record<string, unknown>>;
  seedSeconds: number;
  calls(): Promise<SweepSimCall[]>;
  close(): Promise<void>;
}

type Setup = { timeScale: number; perCrm: number };

/** Starts the simulator process and waits until it is seeded. */
export async function startSweepSims(setup: Setup): Promise<SweepSims> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [JSON.stringify(setup)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      child.once("message", (m) => resolve(m as T));
      child.once("exit", (code) => reject(new Error(`simulator process exited (${code})`)));
    });
  const ready = await next<{ options: Record<string, Record<string, unknown>>; seedSeconds: number }>();
  return {
    ...ready,
    async calls() {
      const reply = next<SweepSimCall[]>();
      child.send("calls");
      return reply;
    },
    async close() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send("close");
      await exited;
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const setup = JSON.parse(process.argv[2]!) as Setup;
  const sims = await startSimulators({ providers: [...CRMS], transport: "http", timeScale: setup.timeScale });
  const started = Date.now();
  const createdAt = monthsBefore(Date.now(), 30);
  for (const id of CRMS) {
    const sim = sims.simulator(id);
    for (let i = 0; i < setup.perCrm; i++) {
      sim.seed({ email: `prospect${i}@bench.test` }, { records: 0, stage: "prospect", createdAt });
    }
  }
  process.send({ options: sims.options, seedSeconds: (Date.now() - started) / 1000 });
  process.on("message", async (message) => {
    if (message === "calls") {
      process.send!(
        sims
          .calls()
          .map((c) => ({ provider: c.provider, method: c.method, path: c.path, status: c.status, at: c.at })),
      );
    } else if (message === "close") {
      await sims.close();
      process.exit(0);
    }
  });
}
