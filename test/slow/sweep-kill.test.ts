/**
 * A retention sweep killed with SIGKILL resumes cleanly: a child process sweeps the four CRM
 * simulators (over HTTP) into a SQLite file and is killed once batches were filed; a second sweep
 * takes the interrupted runs up where their cursors stood. Every expired record has exactly one
 * request, and the resumed runs re-listed at most the batch (or the provider page) the kill cut.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { monthsBefore } from "../../src/engine/sweep-cutoff.js";
import type { SweepResult } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { startSimulators } from "../../src/testing/index.js";

const CRMS = ["hubspot", "pipedrive", "zoho", "capsule"];
const PER_CRM = 250;
const TIME_SCALE = 0.05;
const here = dirname(fileURLToPath(import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "gf-sweep-kill-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Message = { type: "progress"; adapter: string; filed: number } | { type: "done"; result: SweepResult };

function sweepChild(db: string, options: unknown, onMessage: (m: Message) => void): ChildProcess {
  const child = fork(join(here, "sweep-kill-child.ts"), [db, JSON.stringify(options), String(TIME_SCALE)], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  child.on("message", (m) => onMessage(m as Message));
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });

describe("a sweep killed with SIGKILL", () => {
  it("resumes from its cursors and files no record twice", async () => {
    const sims = await startSimulators({ providers: CRMS, transport: "http", timeScale: TIME_SCALE });
    try {
      const now = Date.now();
      for (let i = 0; i < PER_CRM; i++) {
        await sims.seedSubject(
          { email: `kill${i}@prospects.test`, name: `Kill ${i}` },
          { records: 1, stage: "prospect", createdAt: monthsBefore(now, 30) },
        );
      }
      const db = join(tmp, "sweep.db");
      // First sweep: killed once two batches are filed somewhere.
      let batches = 0;
      const first = sweepChild(db, sims.options, (m) => {
        if (m.type === "progress" && ++batches === 2) first.kill("SIGKILL");
      });
      await exited(first);
      expect(first.signalCode).toBe("SIGKILL");
      const store = sqliteStore({ path: db });
      const keys = async () => {
        const out: (string | null)[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
          out.push(
            ...page.items.filter((r) => r.idempotencyKey?.startsWith("sweep:")).map((r) => r.idempotencyKey),
          );
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return out;
      };
      const filedBeforeKill = (await keys()).length;
      expect(filedBeforeKill).toBeGreaterThan(0);
      expect(filedBeforeKill).toBeLessThan(CRMS.length * PER_CRM);
      const interrupted = (await store.listSweeps!()).filter((r) => r.state === "running");
      expect(interrupted.length).toBeGreaterThan(0);

      // The killed sweep's claims run out (lease 1 s); a new sweep takes its runs up.
      await new Promise((r) => setTimeout(r, 1500));
      let result: SweepResult | undefined;
      const second = sweepChild(db, sims.options, (m) => {
        if (m.type === "done") result = m.result;
      });
      await exited(second);
      expect(result).toBeDefined();
      for (const crm of CRMS) expect(result!.adapters[crm]?.state, crm).toBe("completed");
      for (const row of interrupted) {
        const part = result!.adapters[row.adapterId]!;
        expect(part.resumed, row.adapterId).toBe(true);
        // Re-listed at most what the kill cut: the unsaved batch (100) for the keyset-paged
        // listings, the page the cursor names (Pipedrive's v2 pages hold 500) for Pipedrive.
        expect(part.existing, row.adapterId).toBeLessThanOrEqual(row.adapterId === "pipedrive" ? 500 : 100);
      }
      const all = await keys();
      expect(all).toHaveLength(CRMS.length * PER_CRM);
      expect(new Set(all).size).toBe(all.length);
      await store.close();
    } finally {
      await sims.close();
    }
  });
});
