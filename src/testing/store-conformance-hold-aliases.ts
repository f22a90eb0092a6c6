/**
 * Store conformance cases for subject holds across a secret rotation: a subject has one
 * fingerprint per secret of the fanout (its "aliases"), and a hold stored under one of them must
 * catch the requests filed under another, and stop their pivot. Registered by `runStoreConformance`.
 */
import { expect } from "vitest";
import type { HoldRecord, NewRequest, RequestRecord, SagaStore } from "../store/types.js";

type StoreTest = (title: string, fn: (store: SagaStore) => Promise<void>) => void;
type MakeRequest = (overrides?: Partial<NewRequest["request"]>) => NewRequest;

export interface HoldAliasKit {
  readonly newRequest: MakeRequest;
  readonly hold: (overrides?: Partial<HoldRecord>) => HoldRecord;
  readonly lease: (r: RequestRecord) => { requestId: string; owner: string; fence: number };
  readonly t0: number;
}

/** The subject under the current secret, and under a previous one. */
const CURRENT = "sub_11111111111111111111111111111111";
const PREVIOUS = "sub_22222222222222222222222222222222";

export function holdAliasCases(test: StoreTest, kit: HoldAliasKit): void {
  const { newRequest, hold, lease, t0 } = kit;

  test("createHold catches the open requests filed under the subject's aliases", async (store) => {
    const before = (await store.createRequest(newRequest({ wakeAt: null, fingerprint: PREVIOUS }))).request;
    const now = (await store.createRequest(newRequest({ wakeAt: null, fingerprint: CURRENT }))).request;
    const h = hold({ fingerprint: CURRENT, createdAt: t0 + 10 });
    const touched = await store.createHold(h, { at: t0 + 10, type: "subject.held", data: { holdId: h.id } }, [
      PREVIOUS,
    ]);
    expect(touched.sort()).toEqual([before.id, now.id].sort());
    expect((await store.getRequest(before.id))?.wakeAt).toBe(t0 + 10);
    expect((await store.audit(before.id)).at(-1)).toMatchObject({ type: "subject.held" });
    // Stored under its own fingerprint only.
    expect((await store.listHolds({ fingerprint: CURRENT })).map((x) => x.id)).toEqual([h.id]);
    expect(await store.listHolds({ fingerprint: PREVIOUS })).toEqual([]);
  });

  test("refuses a commit when a hold is on one of the subject's aliases (expect.noSubjectHold)", async (store) => {
    const { request } = await store.createRequest(newRequest({ fingerprint: PREVIOUS }));
    const [claimed] = await store.claim("w", t0, 30_000, 10, request.id);
    const pivot = (aliases: string[]) => ({
      request: { pivotAt: t0 + 1, state: "erasing" as const },
      expect: { noSubjectHold: { fingerprint: PREVIOUS, aliases, adapters: ["alpha"] } },
      audit: [{ at: t0 + 1, type: "request.pivoted", data: {} }],
    });
    await store.createHold(hold({ fingerprint: CURRENT }), { at: t0, type: "subject.held", data: {} });
    await expect(store.commit(lease(claimed!), t0 + 1, pivot([CURRENT]))).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect((await store.getRequest(request.id))?.pivotAt).toBeNull();
    // Without the alias the hold is another subject's.
    await store.commit(lease(claimed!), t0 + 1, pivot([]));
    expect((await store.getRequest(request.id))?.pivotAt).toBe(t0 + 1);
  });
}
