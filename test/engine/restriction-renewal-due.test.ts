// When a restriction with a lifetime (Zoho's bin purges after 60 days) is renewed: a tenth of its
// lifetime before it expires, never more than a week before; only for a branch whose restriction
// is in force and that is waiting for the pivot. And each renewal is in the request's audit trail.
import { describe, expect, it } from "vitest";
import { renewalDueAt } from "../../src/engine/restriction-renewal.js";
import { defineAdapter } from "../../src/index.js";
import type { BranchRecord } from "../../src/store/types.js";
import { branchRecord } from "./branch-record.js";
import { DAY, EMAIL, setup } from "./helpers.js";

const EXPIRES = Date.parse("2027-01-31T00:00:00.000Z");

function adapter(restrictionExpiresAfter?: string) {
  return defineAdapter({
    id: "crm",
    capabilities: { lookup: ["email"], ...(restrictionExpiresAfter ? { restrictionExpiresAfter } : {}) },
    locate: async () => ({ refs: [] }),
    export: async () => ({ records: [] }),
    restrict: async () => ({ undo: null, restricted: 0 }),
    unrestrict: async () => {},
    delete: async () => ({ outcome: "not_found", deleted: 0 }),
    status: async () => ({ state: "done", remaining: 0 }),
  });
}

const branch = (over: Partial<BranchRecord> = {}, data: Record<string, unknown> = {}) =>
  branchRecord({ restriction: "done", restrictionExpiresAt: EXPIRES, ...data }, over);

describe("renewalDueAt", () => {
  it("is a tenth of the lifetime before expiry, at most a week", () => {
    expect(renewalDueAt(branch(), adapter("10d"))).toBe(EXPIRES - DAY);
    expect(renewalDueAt(branch(), adapter("60d"))).toBe(EXPIRES - 6 * DAY);
    expect(renewalDueAt(branch(), adapter("120d"))).toBe(EXPIRES - 7 * DAY);
  });

  it("is null when nothing expires or nothing is in force", () => {
    expect(renewalDueAt(branch(), adapter())).toBeNull();
    expect(renewalDueAt(branch({}, { restrictionExpiresAt: undefined }), adapter("10d"))).toBeNull();
    expect(renewalDueAt(branch({}, { restriction: "registered" }), adapter("10d"))).toBeNull();
  });

  it("is null for a branch not waiting for the pivot", () => {
    expect(renewalDueAt(branch({ state: "running" }), adapter("10d"))).toBeNull();
    expect(renewalDueAt(branch({ step: "delete" }), adapter("10d"))).toBeNull();
  });
});

describe("a renewal in the audit trail", () => {
  it("records restriction.renewing naming the adapter, each time", async () => {
    const env = setup(["alpha"], { adapterOptions: { alpha: { restrictionExpiresAfter: "20d" } } });
    const req = await env.fanout.erase({ email: EMAIL }, { after: "45d" });
    for (let day = 0; day < 50 && (await env.fanout.status(req.id)).state !== "completed"; day++) {
      await env.fanout.drain();
      env.clock.advance(DAY);
    }
    const renewing = (await env.fanout.audit(req.id)).entries.filter(
      (e) => e.type === "restriction.renewing",
    );
    expect(renewing.length).toBeGreaterThanOrEqual(2);
    for (const entry of renewing) expect(entry.data).toEqual({ adapter: "alpha" });
  });
});
