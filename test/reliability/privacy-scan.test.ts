/**
 * The privacy scan of the store's bytes (the SQLite file and its write-ahead log, read while the
 * store is open): no subject identifier and no provider file name, while a worker is still on the
 * requests (erasures waiting out their retention window, an export half done) and after they
 * complete. Provider file names are made personal on purpose ("<name> passport.pdf").
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFanout } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { startSimulators } from "../../src/testing/index.js";
import type { CapsuleSimulator } from "../../src/testing/simulators/capsule/index.js";

const tmp = mkdtempSync(join(tmpdir(), "gf-privacy-scan-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DAY = 86_400_000;
const people = Array.from({ length: 3 }, (_, i) => ({
  email: `scan.person${i}@example.test`,
  name: `Scanny Personname${i}`,
  phone: `+4477009001${20 + i}`,
}));

function storeBytes(path: string): string {
  return [path, `${path}-wal`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f, "latin1"))
    .join("\n");
}

function found(text: string, needles: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return needles.filter((n) => lower.includes(n.toLowerCase()));
}

async function world(name: string) {
  let clock = Date.parse("2026-11-02T09:00:00Z");
  const now = () => clock;
  const sims = await startSimulators({ providers: ["capsule"], transport: "nock", pageSize: 5, now });
  const fileNames: string[] = [];
  const partyIds: string[] = [];
  for (const p of people) {
    partyIds.push(...(await sims.seedSubject(p, { records: 2 })).capsule!);
  }
  const capsule = sims.simulator("capsule") as CapsuleSimulator;
  for (const a of capsule.state.attachments.values()) {
    const person = people.find((p) => p.email === a.subject) ?? people[0]!;
    a.filename = `${person.name} passport ${a.id}.pdf`;
    fileNames.push(a.filename);
  }
  const path = join(tmp, `${name}.db`);
  const fanout = createFanout({
    adapters: sims.adapters(),
    store: sqliteStore({ path }),
    secret: "privacy-scan-secret-0123456789ab",
    now,
  });
  const identifiers = people.flatMap((p) => [p.email, p.name, p.phone, p.phone.slice(1)]);
  return {
    sims,
    fanout,
    path,
    identifiers,
    fileNames,
    partyIds,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe("privacy scan of the store's bytes", () => {
  it("erasures: nothing identifying while they wait and after they complete", async () => {
    const w = await world("erase");
    try {
      const ids = [];
      for (const p of people)
        ids.push((await w.fanout.erase(p, { after: "2d", reason: "account-closed" })).id);
      await w.fanout.drain(); // located and restricted; waiting out the retention window
      for (const id of ids) expect((await w.fanout.status(id)).state).toBe("waiting");
      const quoted = w.partyIds.map((id) => `"${id}"`);
      expect(found(storeBytes(w.path), [...w.identifiers, ...w.fileNames, ...quoted])).toEqual([]);

      w.advance(3 * DAY);
      await w.fanout.drain();
      for (const id of ids) expect((await w.fanout.status(id)).state).toBe("completed");
      expect(found(storeBytes(w.path), [...w.identifiers, ...w.fileNames])).toEqual([]);
    } finally {
      await w.fanout.close();
      await w.sims.close();
    }
  });

  // Branch rows seal the refs while the request runs and keep keyed fingerprints after it.
  it("erasures: provider record ids are not in the store after completion", async () => {
    const w = await world("erase-ids");
    try {
      const id = (await w.fanout.erase(people[0]!)).id;
      await w.fanout.drain();
      expect((await w.fanout.status(id)).state).toBe("completed");
      expect(
        found(
          storeBytes(w.path),
          w.partyIds.map((id) => `"${id}"`),
        ),
      ).toEqual([]);
    } finally {
      await w.fanout.close();
      await w.sims.close();
    }
  });

  // An export's file list (the provider's file names) is sealed while it runs and dropped after.
  it("exports: no provider file name in the store while they run or after", async () => {
    const w = await world("export");
    try {
      // Scanned while the package is being packed: the branches are exported, the request open.
      const whileRunning: string[][] = [];
      w.fanout.on("export.progress", (e) => {
        if (e.phase === "packing") whileRunning.push(found(storeBytes(w.path), w.fileNames));
      });
      const handle = await w.fanout.export(people[0]!, { to: join(tmp, "export-pkg.zip") });
      expect(handle.state).toBe("completed");
      expect(whileRunning.length).toBeGreaterThan(0);
      expect(whileRunning.flat()).toEqual([]);
      expect(found(storeBytes(w.path), w.fileNames)).toEqual([]);
    } finally {
      await w.fanout.close();
      await w.sims.close();
    }
  });

  it("exports: no subject identifier in the store after completion", async () => {
    const w = await world("export-ids");
    try {
      const handle = await w.fanout.export(people[1]!, { to: join(tmp, "export-pkg-2.zip") });
      expect(handle.state).toBe("completed");
      expect(handle.manifest?.files.some((f) => f.path.includes("passport"))).toBe(true);
      const emailsAndPhones = people.flatMap((p) => [p.email, p.phone, p.phone.slice(1)]);
      expect(found(storeBytes(w.path), emailsAndPhones)).toEqual([]);
    } finally {
      await w.fanout.close();
      await w.sims.close();
    }
  });
});
