/**
 * The sweep cases of `runStoreConformance`: claims, resumption after a crash, progress written
 * only by the holder. A store without sweep methods fails them (skip them with a reason if your
 * store will never run `fanout.sweep`).
 */
import { expect } from "vitest";
import type { SagaStore, SweepClaim, SweepProgress } from "../store/types.js";

type Case = (title: string, fn: (store: SagaStore) => Promise<void>) => void;

const T0 = Date.parse("2026-11-28T12:00:00Z");

function sweepMethods(store: SagaStore) {
  const { claimSweep, saveSweep, listSweeps } = store;
  if (!claimSweep || !saveSweep || !listSweeps) {
    throw new Error(`store "${store.kind}" has no sweep methods (claimSweep, saveSweep, listSweeps)`);
  }
  return {
    claim: (c: Partial<SweepClaim> & { owner: string; now: number }) =>
      claimSweep.call(store, {
        key: "prospect:alpha",
        policy: "prospect",
        adapterId: "alpha",
        olderThan: T0 - 1000,
        leaseMs: 10_000,
        ...c,
      }),
    save: (owner: string, now: number, p: Partial<SweepProgress>) =>
      saveSweep.call(store, owner, now, {
        key: "prospect:alpha",
        state: "running",
        cursor: null,
        counts: { found: 0, filed: 0, existing: 0 },
        leaseUntil: now + 10_000,
        completedAt: null,
        ...p,
      }),
    list: () => listSweeps.call(store),
  };
}

/** Registers the sweep cases with the suite's `test`. */
export function sweepCases(test: Case): void {
  test("claims a sweep, refuses a second holder, resumes an interrupted run where it stopped", async (store) => {
    const s = sweepMethods(store);
    const first = await s.claim({ owner: "a", now: T0 });
    expect(first).toMatchObject({
      state: "running",
      cursor: null,
      olderThan: T0 - 1000,
      resumes: 0,
      owner: "a",
    });
    expect(await s.claim({ owner: "b", now: T0 + 5000 })).toBeNull();
    await s.save("a", T0 + 6000, { cursor: "v1:sealed-cursor", counts: { found: 3, filed: 2, existing: 1 } });
    // A claim that ran out but was not taken over is still the holder's: its write renews it.
    await s.save("a", T0 + 17_000, {
      cursor: "v1:sealed-cursor",
      counts: { found: 3, filed: 2, existing: 1 },
    });
    expect(await s.claim({ owner: "b", now: T0 + 20_000 })).toBeNull();
    // "a" crashes: its claim runs out, "b" takes the run over as it stands, with its own cut-off kept.
    const resumed = await s.claim({ owner: "b", now: T0 + 30_000, olderThan: T0 + 5 });
    expect(resumed).toMatchObject({
      state: "running",
      cursor: "v1:sealed-cursor",
      counts: { found: 3, filed: 2, existing: 1 },
      olderThan: T0 - 1000,
      resumes: 1,
      owner: "b",
    });
    await expect(s.save("a", T0 + 30_001, { cursor: "late" })).rejects.toMatchObject({ code: "LEASE_LOST" });
    expect((await s.list()).map((r) => r.cursor)).toEqual(["v1:sealed-cursor"]);
  });

  test("ends a sweep run, starts the next one afresh, and lets a released run resume at once", async (store) => {
    const s = sweepMethods(store);
    await s.claim({ owner: "a", now: T0 });
    await s.save("a", T0 + 1, { cursor: "c1", leaseUntil: null });
    // Released (a graceful stop): anyone resumes it at once.
    expect(await s.claim({ owner: "b", now: T0 + 2 })).toMatchObject({ cursor: "c1", owner: "b" });
    await s.save("b", T0 + 3, {
      state: "done",
      cursor: null,
      counts: { found: 5, filed: 5, existing: 0 },
      leaseUntil: null,
      completedAt: T0 + 3,
    });
    await expect(s.save("b", T0 + 4, { cursor: "after-done" })).rejects.toMatchObject({ code: "LEASE_LOST" });
    const next = await s.claim({ owner: "c", now: T0 + 10, olderThan: T0 + 9 });
    expect(next).toMatchObject({
      state: "running",
      cursor: null,
      olderThan: T0 + 9,
      startedAt: T0 + 10,
      counts: { found: 0, filed: 0, existing: 0 },
    });
    const other = await s.claim({ key: "inactive:alpha", policy: "inactive", owner: "c", now: T0 + 11 });
    expect(other?.key).toBe("inactive:alpha");
    expect((await s.list()).map((r) => r.key)).toEqual(["inactive:alpha", "prospect:alpha"]);
  });
}
