// Subject holds across a secret rotation: a hold and a request match when the subject's
// fingerprint under any of the fanout's secrets is the other's. A hold placed after a rotation
// stops an erasure filed before it, and a hold placed before one stops erasures filed after it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore, type SagaStore } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { DAY, EMAIL, settle, setup } from "./helpers.js";

const OLD = "old-secret-0123456789abcdef";
const NEW = "new-secret-0123456789abcdef";
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const stores: [string, () => SagaStore][] = [
  ["memory", () => memoryStore()],
  [
    "sqlite",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "gf-hold-rotation-"));
      dirs.push(dir);
      return sqliteStore({ path: join(dir, "gf.db") });
    },
  ],
];

/** A fanout under OLD, and the same store, providers and clock after rotating to NEW. */
function rotation(store: SagaStore) {
  const before = setup(["alpha"], { store, secret: OLD });
  const fanout = createFanout({
    adapters: [before.providers.alpha!.adapter()],
    store,
    secret: NEW,
    previousSecrets: [OLD],
    now: before.clock.now,
    random: () => 0.5,
  });
  return { before, after: { ...before, fanout } };
}

/** The release woke the request (due now, not at its 6-hour recheck) and is in its audit trail. */
async function releasedAtOnce(store: SagaStore, id: string, now: number) {
  const record = await store.getRequest(id);
  expect(record?.state).toBe("held");
  expect(record?.wakeAt).toBe(now);
  expect((await store.audit(id)).map((a) => a.type)).toContain("subject.released");
}

describe.each(stores)("subject holds across a secret rotation (%s store)", (_name, makeStore) => {
  it("a hold placed after the rotation stops an erasure filed before it, at its pivot", async () => {
    const { before, after } = rotation(makeStore());
    const req = await before.fanout.erase({ email: EMAIL }, { after: "1d" });
    await before.fanout.drain();
    expect((await after.store.getRequest(req.id))?.state).toBe("waiting");

    const hold = await after.fanout.holdSubject(
      { email: EMAIL },
      { reason: "court order", reference: "C-1" },
    );
    expect(hold.caught).toEqual([req.id]);
    after.clock.advance(2 * DAY);
    expect(await settle(after, req.id)).toBe("held");
    const record = await after.store.getRequest(req.id);
    expect(record?.pivotAt).toBeNull();
    expect(record?.doc.subjectHolds).toEqual([hold.id]);
    expect(after.providers.alpha!.live(EMAIL)).toHaveLength(2);
    expect((await after.fanout.status(req.id)).holds.map((h) => h.id)).toEqual([hold.id]);
    expect((await after.store.audit(req.id)).map((a) => a.type)).toContain("subject.held");

    // Released: the request, filed under the old secret's fingerprint, is woken at once and audited.
    await after.fanout.releaseHold(hold.id);
    await releasedAtOnce(after.store, req.id, after.clock.now());
    expect(await settle(after, req.id)).toBe("completed");
    expect(after.providers.alpha!.live(EMAIL)).toEqual([]);
  });

  it("a hold placed before the rotation stops an erasure filed after it", async () => {
    const { before, after } = rotation(makeStore());
    const hold = await before.fanout.holdSubject({ email: EMAIL }, { reason: "litigation" });
    const req = await after.fanout.erase({ email: EMAIL });
    expect(await settle(after, req.id)).toBe("held");
    expect((await after.store.getRequest(req.id))?.pivotAt).toBeNull();
    expect(after.providers.alpha!.live(EMAIL)).toHaveLength(2);
    expect((await after.fanout.holds({ subject: { email: EMAIL } })).map((h) => h.id)).toEqual([hold.id]);

    await after.fanout.releaseHold(hold.id);
    await releasedAtOnce(after.store, req.id, after.clock.now());
    expect(await settle(after, req.id)).toBe("completed");
    expect(after.providers.alpha!.live(EMAIL)).toEqual([]);
  });
});
