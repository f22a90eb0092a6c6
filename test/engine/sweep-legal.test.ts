// A sweep's erasure under the legal mechanics (#16): it is filed like any erasure and a subject hold
// on the record keeps it before its pivot; it is the controller's own erasure (deadline basis
// `controller`, no receipt date); and a request scoped to some adapters carries only their
// retention rules.
import { describe, expect, it } from "vitest";
import { monthsBefore } from "../../src/engine/sweep-cutoff.js";
import { createFanout, defineAdapter, memoryStore } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { SECRET } from "./helpers.js";
import { FakeCrm } from "./sweep-fake.js";

/** An adapter that can keep invoices on a legal basis (for the retention rules); never swept. */
const billing = defineAdapter({
  id: "billing",
  capabilities: { restrict: false, unrestrict: false, lookup: ["id"], retainable: ["invoice"] },
  async locate() {
    return { refs: [], coverage: { searchedBy: ["id"], types: ["customer", "invoice"] } };
  },
  async export() {
    return { records: [] };
  },
  async delete() {
    return { outcome: "erased", deleted: 0 };
  },
  async status() {
    return { state: "done", remaining: 0 };
  },
});

function setup() {
  const clock = fakeClock();
  const crm = new FakeCrm();
  const old = crm.add(3, "prospect", monthsBefore(clock.now(), 30));
  const store = memoryStore();
  const fanout = createFanout({
    adapters: [crm.adapter(), billing],
    store,
    secret: SECRET,
    now: clock.now,
    random: () => 0.5,
    retention: [{ adapter: "billing", types: ["invoice"], basis: "NL AWR art. 52", for: "7 years" }],
  });
  return { clock, crm, old, store, fanout };
}

async function filedRequests(fanout: ReturnType<typeof setup>["fanout"]) {
  const { items } = await fanout.list({ limit: 100 });
  return Promise.all(items.map((i) => fanout.status(i.id)));
}

describe("a sweep's erasure and the legal mechanics", () => {
  it("does not file a candidate a subject hold covers by its record id; a later sweep files it once released", async () => {
    const { crm, old, fanout, store } = setup();
    const held = old[1]!;
    const hold = await fanout.holdSubject(
      { ids: { crm: held } },
      { reason: "litigation", reference: "CASE-7" },
    );
    const dry = await fanout.sweep({ policy: "prospect", olderThan: "24mo", dryRun: true });
    // The fake CRM reports no email or phone: every candidate is unchecked against holds by email.
    expect(dry).toMatchObject({ found: 3, filed: 0, held: 1, unchecked: 3 });
    expect(dry.adapters.crm!.fingerprints).toHaveLength(2);
    const result = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result).toMatchObject({ found: 3, filed: 2, existing: 0, held: 1, unchecked: 3 });
    expect(result.adapters.crm).toMatchObject({ filed: 2, held: 1, unchecked: 3 });
    expect((await store.listSweeps!())[0]!.counts).toMatchObject({ held: 1, unchecked: 3 });
    await fanout.drain();
    // Oracle: the two unheld records are gone, the held one is still at the provider, unfiled.
    expect(old.map((id) => crm.people.get(id)!.deleted)).toEqual([true, false, true]);
    expect((await filedRequests(fanout)).map((s) => s.state)).toEqual(["completed", "completed"]);

    // Still held: a second sweep files nothing.
    expect(await fanout.sweep({ policy: "prospect", olderThan: "24mo" })).toMatchObject({
      found: 1,
      filed: 0,
      held: 1,
    });
    await fanout.releaseHold(hold.id);
    expect(await fanout.sweep({ policy: "prospect", olderThan: "24mo" })).toMatchObject({
      found: 1,
      filed: 1,
      held: 0,
    });
    await fanout.drain();
    expect(crm.people.get(held)!.deleted).toBe(true);
  });

  it("a hold placed after the sweep filed keeps that request before its pivot until released", async () => {
    const { crm, old, fanout } = setup();
    const held = old[1]!;
    const result = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result).toMatchObject({ found: 3, filed: 3, held: 0 });
    const hold = await fanout.holdSubject(
      { ids: { crm: held } },
      { reason: "litigation", reference: "CASE-7" },
    );
    expect(hold.caught).toHaveLength(1);
    await fanout.drain();
    expect(old.map((id) => crm.people.get(id)!.deleted)).toEqual([true, false, true]);
    const statuses = await filedRequests(fanout);
    const heldRequest = statuses.find((s) => s.state === "held")!;
    expect(heldRequest.holds.map((h) => h.id)).toEqual([hold.id]);

    // A second sweep does not file the held record again (a hold by id: counted, not filed).
    const again = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(again).toMatchObject({ found: 1, filed: 0, held: 1 });

    await fanout.releaseHold(hold.id);
    await fanout.drain();
    expect(crm.people.get(held)!.deleted).toBe(true);
    expect((await fanout.status(heldRequest.id)).state).toBe("completed");
    expect((await fanout.receipt(heldRequest.id)).holds.map((h) => h.reference)).toEqual(["CASE-7"]);
  });

  it("is the controller's erasure: deadline basis controller, no receipt date, due a month after filing", async () => {
    const { clock, fanout } = setup();
    await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    const [status] = await filedRequests(fanout);
    expect(status!.deadline.basis).toBe("controller");
    expect(status!.receivedAt).toBeNull();
    expect(Date.parse(status!.dueAt)).toBeGreaterThan(clock.now());
    // A subject's own erasure by the same id stays a subject request (Art. 12(3) from receipt).
    const own = await fanout.erase({ ids: { crm: "999999" } }, { adapters: ["crm"] });
    expect((await fanout.status(own.id)).deadline.basis).toBe("subject");
  });

  it("carries the retention rules of its own adapters only; a request rule outside its adapters is refused", async () => {
    const { store, fanout } = setup();
    await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    const [swept] = await filedRequests(fanout);
    expect((await store.getRequest(swept!.id))!.legal.retain).toBeUndefined();
    expect(swept!.retention.rules).toEqual([]);

    const atBilling = await fanout.erase({ ids: { billing: "cus_1" } }, { adapters: ["billing"] });
    expect((await store.getRequest(atBilling.id))!.legal.retain).toEqual([
      expect.objectContaining({ adapter: "billing", types: ["invoice"] }),
    ]);

    const rule = { adapter: "billing", types: ["invoice"], basis: "HGB §257", for: "10 years" };
    await expect(
      fanout.erase({ ids: { crm: "001000" } }, { adapters: ["crm"], retain: [rule] }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "retain[0]" } });
  });
});
