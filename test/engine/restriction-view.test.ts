// What status() and receipts say about a branch's restriction: `pending` while it is registered,
// `applied` with the count restricted (`none` when there was nothing to restrict), `lifted` once
// compensation undid it, and `not_supported` for an adapter that cannot restrict. The count,
// renewals and expiry come from the branch's own facts.
import { describe, expect, it } from "vitest";
import { restrictionView } from "../../src/engine/branch-facts.js";
import { defineAdapter } from "../../src/index.js";
import { branchRecord } from "./branch-record.js";

const EXPIRES = Date.parse("2027-01-31T00:00:00.000Z");

function adapter(restrict: boolean) {
  return defineAdapter({
    id: "crm",
    capabilities: { lookup: ["email"] },
    locate: async () => ({ refs: [] }),
    export: async () => ({ records: [] }),
    ...(restrict
      ? { restrict: async () => ({ undo: null, restricted: 0 }), unrestrict: async () => {} }
      : {}),
    delete: async () => ({ outcome: "not_found", deleted: 0 }),
    status: async () => ({ state: "done", remaining: 0 }),
  });
}

const branch = (data: Record<string, unknown>) => branchRecord(data);

const restricting = adapter(true);

describe("restrictionView", () => {
  it("applied: the count, renewals and expiry of a restriction in force", () => {
    expect(
      restrictionView(
        branch({ restriction: "done", restrictedCount: 3, renewals: 2, restrictionExpiresAt: EXPIRES }),
        restricting,
      ),
    ).toEqual({ state: "applied", count: 3, renewals: 2, expiresAt: "2027-01-31T00:00:00.000Z" });
  });

  it("none: done with nothing restricted, or never started", () => {
    expect(restrictionView(branch({ restriction: "done", restrictedCount: 0 }), restricting)).toEqual({
      state: "none",
      count: 0,
      renewals: 0,
      expiresAt: null,
    });
    expect(restrictionView(branch({ restriction: "done" }), restricting)).toEqual({
      state: "none",
      count: 0,
      renewals: 0,
      expiresAt: null,
    });
    expect(restrictionView(branch({ restrictedCount: 5 }), restricting)).toMatchObject({
      state: "none",
      count: 0,
    });
  });

  it("pending while registered", () => {
    expect(
      restrictionView(branch({ restriction: "registered", restrictedCount: 1 }), restricting),
    ).toMatchObject({
      state: "pending",
      count: 1,
    });
  });

  it("lifted after compensation, in full or in part, with no expiry", () => {
    for (const compensation of ["done", "partial"]) {
      expect(
        restrictionView(
          branch({ restriction: "done", restrictedCount: 2, compensation, restrictionExpiresAt: EXPIRES }),
          restricting,
        ),
      ).toEqual({ state: "lifted", count: 2, renewals: 0, expiresAt: null });
    }
    expect(restrictionView(branch({ restriction: "done", compensation: "failed" }), restricting).state).toBe(
      "none",
    );
  });

  it("not_supported for an adapter that cannot restrict", () => {
    expect(restrictionView(branch({ restrictedCount: 4 }), adapter(false))).toEqual({
      state: "not_supported",
      count: 0,
      renewals: 0,
      expiresAt: null,
    });
    expect(restrictionView(branch({}), undefined).state).toBe("none");
  });
});
