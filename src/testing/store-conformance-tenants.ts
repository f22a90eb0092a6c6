/**
 * Store conformance cases for tenants (DESIGN §10.4): a request keeps the tenant it was filed for
 * (the id only), lists filter by tenant, and by an idempotency-key prefix compared exactly (the
 * requests one caller filed for several tenants under one key). Registered by `runStoreConformance`.
 */
import { expect } from "vitest";
import type { NewRequest, SagaStore } from "../store/types.js";

type StoreTest = (title: string, fn: (store: SagaStore) => Promise<void>) => void;
type MakeRequest = (overrides?: Partial<NewRequest["request"]>) => NewRequest;

export function tenantStoreCases(test: StoreTest, newRequest: MakeRequest, t0: number): void {
  test("keeps the tenant a request was filed for and lists per tenant", async (store) => {
    const acme = (await store.createRequest(newRequest({ tenant: "acme", wakeAt: t0 }))).request;
    const globex = (await store.createRequest(newRequest({ tenant: "globex", wakeAt: t0 }))).request;
    const own = (await store.createRequest(newRequest({ wakeAt: t0 }))).request;
    expect([acme.tenant, globex.tenant, own.tenant]).toEqual(["acme", "globex", null]);
    expect((await store.getRequest(acme.id))?.tenant).toBe("acme");
    expect((await store.getRequest(own.id))?.tenant).toBeNull();
    expect((await store.list({ tenant: "acme" })).items.map((r) => r.id)).toEqual([acme.id]);
    expect((await store.list({ tenant: "globex" })).items.map((r) => r.tenant)).toEqual(["globex"]);
    expect((await store.list({ tenant: "initech" })).items).toEqual([]);
    const all = (await store.list({})).items;
    expect(new Map(all.map((r) => [r.id, r.tenant]))).toEqual(
      new Map([
        [acme.id, "acme"],
        [globex.id, "globex"],
        [own.id, null],
      ]),
    );
    // A worker learns the tenant from the claimed row: nothing else tells it whose adapters to use.
    const claimed = await store.claim("w", t0, 30_000, 10);
    expect(new Map(claimed.map((r) => [r.id, r.tenant]))).toEqual(
      new Map([
        [acme.id, "acme"],
        [globex.id, "globex"],
        [own.id, null],
      ]),
    );
  });

  test("lists by idempotency-key prefix, compared exactly", async (store) => {
    const tag = `g${Math.random().toString(36).slice(2, 8)}`;
    const make = async (key: string, tenant: string | null) =>
      (await store.createRequest(newRequest({ idempotencyKey: key, tenant }))).request.id;
    const a = await make(`${tag}-dsr-1/acme`, "acme");
    const b = await make(`${tag}-dsr-1/globex`, "globex");
    await make(`${tag}-dsr-10/acme`, "acme");
    await make(`${tag.toUpperCase()}-DSR-1/initech`, "initech");
    const pct = await make(`${tag}-dsr_1%/acme`, "acme");
    const group = await store.list({ idempotencyKeyPrefix: `${tag}-dsr-1/` });
    expect(group.items.map((r) => r.id).sort()).toEqual([a, b].sort());
    // No wildcards: "_" and "%" are plain characters.
    expect((await store.list({ idempotencyKeyPrefix: `${tag}-dsr_1%` })).items.map((r) => r.id)).toEqual([
      pct,
    ]);
    expect((await store.list({ idempotencyKeyPrefix: `${tag}-dsr-1/`, tenant: "globex" })).items).toEqual([
      expect.objectContaining({ id: b }),
    ]);
    // The same key for two tenants is two requests; for one tenant again it is the same request.
    const again = await store.createRequest(
      newRequest({ idempotencyKey: `${tag}-dsr-1/acme`, tenant: "acme" }),
    );
    expect(again).toMatchObject({ created: false, request: { id: a, tenant: "acme" } });
  });
}
