// Retention on a legal basis (Art. 17(3)): the named record types are kept, everything else is
// erased, and the erasure of what was kept is scheduled durably for the day the retention ends.
import { describe, expect, it } from "vitest";
import { createFanout, memoryStore, type RetentionRule } from "../../src/index.js";
import { FakeProvider } from "./fake-provider.js";
import { DAY, EMAIL, SECRET, settle, setup } from "./helpers.js";

const NL: RetentionRule = { adapter: "alpha", types: ["invoice"], basis: "NL AWR art. 52", for: "7 years" };

function withInvoices(options: Parameters<typeof setup>[1] = {}) {
  const env = setup(["alpha", "beta"], {
    adapterOptions: { alpha: { retainable: ["invoice"] } },
    retention: [NL],
    ...options,
  });
  env.providers.alpha!.seed(EMAIL, 2, "invoice");
  return env;
}

describe("retention on a legal basis", () => {
  it("keeps the invoices 7 years and erases them on the day the retention ends, across a restart", async () => {
    const env = withInvoices();
    const req = await env.fanout.erase({ email: EMAIL }, { reason: "account-closed" });
    expect(await settle(env, req.id)).toBe("completed");
    const alpha = env.providers.alpha!;
    expect(alpha.live(EMAIL).map((r) => r.type)).toEqual(["invoice", "invoice"]);
    expect(env.providers.beta!.live(EMAIL)).toEqual([]);
    const until = "2033-11-29T00:00:00.000Z"; // pivot 2026-11-28; 7 years end with 28 November 2033
    const status = await env.fanout.status(req.id);
    const branch = status.branches.find((b) => b.adapter === "alpha")!;
    expect(branch.outcome).toBe("erased");
    expect(branch.residuals).toEqual([
      {
        type: "invoice",
        count: 2,
        reason: "legal_retention",
        basis: "NL AWR art. 52",
        until,
        detail: "2 invoice record(s) kept on a legal basis (NL AWR art. 52) until 2033-11-29",
      },
    ]);
    const receipt = await env.fanout.receipt(req.id);
    expect(receipt.retention.kept).toEqual([
      { adapter: "alpha", type: "invoice", count: 2, basis: "NL AWR art. 52", until },
    ]);
    expect(receipt.retention.followUps).toHaveLength(1);
    const followUpId = receipt.retention.followUps[0]!.requestId;
    expect(receipt.retention.followUps[0]).toEqual({ requestId: followUpId, until, adapters: ["alpha"] });
    expect((await env.fanout.verifyReceipt(receipt)).valid).toBe(true);

    // The follow-up is an ordinary durable request: in the list, waiting for `until`.
    const listed = (await env.fanout.list()).items.find((r) => r.id === followUpId)!;
    expect(listed).toMatchObject({ kind: "erase", state: "waiting", after: until, retentionOf: req.id });
    const audit = (await env.fanout.audit(req.id)).entries.map((e) => e.type);
    expect(audit).toContain("retention.scheduled");

    // A new process on the same store, years later: the day before, nothing happens.
    const restarted = createFanout({
      adapters: [alpha.adapter({ retainable: ["invoice"] }), env.providers.beta!.adapter()],
      store: env.store,
      secret: SECRET,
      now: env.clock.now,
      retention: [NL],
    });
    env.clock.advance(Date.parse(until) - DAY - env.clock.now());
    await restarted.drain();
    expect(alpha.live(EMAIL)).toHaveLength(2);
    expect((await restarted.status(followUpId)).state).toBe("waiting");
    env.clock.advance(DAY); // the day the retention ends
    await restarted.drain();
    const done = await restarted.status(followUpId);
    expect(done.state).toBe("completed");
    expect(done.retention.retentionOf).toBe(req.id);
    expect(done.deadline.basis).toBe("retention");
    expect(alpha.live(EMAIL)).toEqual([]);
    const calls = alpha.calls.filter((c) => c.requestId === followUpId).map((c) => c.op);
    expect(calls).toEqual(["delete", "status"]); // by id: no lookup, the subject's identifiers are long gone
    const second = await restarted.receipt(followUpId);
    expect(second.retention).toMatchObject({ retentionOf: req.id, kept: [], followUps: [] });
    expect(second.branches.map((b) => [b.adapter, b.outcome, b.deleted])).toEqual([["alpha", "erased", 2]]);
    // No identifier was kept for the seven years.
    const row = await env.store.getRequest(followUpId);
    expect(JSON.stringify(row)).not.toContain(EMAIL);
  });

  it("keeps the retained records' ids sealed in the store: on the completed request and its waiting follow-up", async () => {
    const env = withInvoices();
    const invoiceIds = env.providers.alpha!.live(EMAIL).map((r) => r.id);
    const req = await env.fanout.erase({ email: EMAIL }, { reason: "account-closed" });
    expect(await settle(env, req.id)).toBe("completed");
    const followUpId = (await env.fanout.receipt(req.id)).retention.followUps[0]!.requestId;
    for (const id of [req.id, followUpId]) {
      const rows = JSON.stringify(await env.store.getBranches(id));
      for (const recordId of invoiceIds) expect(rows).not.toContain(`"${recordId}"`);
    }
    // The follow-up holds them sealed, for the day the retention ends (the erasure above proves it can open them).
    const followUp = (await env.store.getBranches(followUpId)).find((b) => b.adapterId === "alpha")!;
    expect(typeof followUp.data.private).toBe("string");
    expect(followUp.data.located).toBe(2);
  });

  it("a request's retain overrides the fanout's rule; year-end counting (German §147 AO, 8 years)", async () => {
    const env = withInvoices();
    const req = await env.fanout.erase(
      { email: EMAIL },
      {
        retain: [
          {
            adapter: "alpha",
            types: ["invoice"],
            basis: "DE §147 AO, §14b UStG",
            for: "8 years",
            from: "year-end",
          },
        ],
      },
    );
    expect(await settle(env, req.id)).toBe("completed");
    const receipt = await env.fanout.receipt(req.id);
    expect(receipt.retention.kept).toEqual([
      {
        adapter: "alpha",
        type: "invoice",
        count: 2,
        basis: "DE §147 AO, §14b UStG",
        until: "2035-01-01T00:00:00.000Z",
      },
    ]);
    expect(receipt.retention.rules).toEqual([
      {
        adapter: "alpha",
        types: ["invoice"],
        basis: "DE §147 AO, §14b UStG",
        for: "8 years",
        from: "year-end",
      },
    ]);
  });

  it("a branch whose records are all kept ends retained, without a delete call", async () => {
    const env = setup(["alpha"], { adapterOptions: { alpha: { retainable: ["invoice"] } }, retention: [NL] });
    const alpha = env.providers.alpha!;
    for (const r of alpha.records.values()) r.type = "invoice";
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    const status = await env.fanout.status(req.id);
    expect(status.branches[0]).toMatchObject({ outcome: "retained" });
    expect(alpha.calls.some((c) => c.requestId === req.id && c.op === "delete")).toBe(false);
    expect(alpha.live(EMAIL)).toHaveLength(2);
    expect((await env.fanout.receipt(req.id)).retention.followUps).toHaveLength(1);
  });

  it("refuses rules an adapter cannot keep, loudly, at the call", () => {
    const alpha = new FakeProvider("alpha");
    const base = { store: memoryStore(), secret: SECRET };
    expect(() => createFanout({ ...base, adapters: [alpha.adapter()], retention: [NL] })).toThrowError(
      expect.objectContaining({ code: "CONFIGURATION", message: expect.stringContaining("retainable") }),
    );
    for (const rule of [
      { ...NL, adapter: "nope" },
      { ...NL, types: [] },
      { ...NL, basis: "" },
      { ...NL, for: "forever" },
      { ...NL, for: 0 },
      { ...NL, from: "birthday" },
      { ...NL, extra: 1 },
    ]) {
      expect(() =>
        createFanout({
          ...base,
          adapters: [alpha.adapter({ retainable: ["invoice"] })],
          retention: [rule as never],
        }),
      ).toThrowError(expect.objectContaining({ code: "CONFIGURATION" }));
    }
  });

  it("refuses a request's retain for a type the adapter cannot keep, recording nothing", async () => {
    const env = withInvoices();
    await expect(
      env.fanout.erase({ email: EMAIL }, { retain: [{ ...NL, types: ["contact"] }] }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect((await env.fanout.list()).items).toEqual([]);
  });
});
