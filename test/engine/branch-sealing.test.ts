// What a branch row holds at rest while its request is open: provider ids, the undo record, the
// export's file names and the delete's own state sealed together; counts, types and the rest of the
// delete's result in clear. A branch with nothing private carries no sealed blob at all.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { countByType, openBranch, sealBranch, shredBranch } from "../../src/engine/branch-sealing.js";
import { branchRecord } from "./branch-record.js";

const key = randomBytes(32);

const branch = (data: Record<string, unknown>) =>
  branchRecord(data, {
    adapterId: "stripe",
    state: "running",
    step: "verify",
    attempt: 1,
    requestId: "req-1",
  });

describe("countByType", () => {
  it("counts refs per record type", () => {
    expect(
      countByType([
        { type: "customer", id: "cus_1" },
        { type: "invoice", id: "in_1" },
        { type: "customer", id: "cus_2" },
      ]),
    ).toEqual({ customer: 2, invoice: 1 });
    expect(countByType([])).toEqual({});
  });
});

describe("sealBranch", () => {
  it("seals the delete's state with the refs and keeps the rest of its result in clear", () => {
    const open = branch({
      refs: [{ type: "customer", id: "cus_SECRET1" }],
      deletion: { outcome: "erased", state: { left: ["cus_SECRET2"] } },
      counts: { customer: 1 },
    });
    const sealed = sealBranch(open, key);
    const text = JSON.stringify(sealed.data);
    expect(text).not.toContain("cus_SECRET");
    expect(sealed.data.deletion).toEqual({ outcome: "erased" });
    expect((sealed.data as Record<string, unknown>).counts).toEqual({ customer: 1 });
    expect(typeof sealed.data.private).toBe("string");
    expect(openBranch(sealed, key).data).toEqual(open.data);
  });

  it("stores no sealed blob for a branch with nothing private, and drops a stale one", () => {
    const plain = sealBranch(branch({ deletion: { outcome: "not_found" }, private: "stale" }), key);
    expect("private" in plain.data).toBe(false);
    expect(plain.data.deletion).toEqual({ outcome: "not_found" });
  });

  it("leaves out private fields that are null rather than sealing them", () => {
    const sealed = sealBranch(branch({ refs: null, undo: null }), key);
    expect("private" in sealed.data).toBe(false);
    expect("refs" in sealed.data).toBe(false);
    const withRefs = openBranch(sealBranch(branch({ refs: [{ type: "t", id: "1" }], undo: null }), key), key);
    expect(withRefs.data.refs).toEqual([{ type: "t", id: "1" }]);
    expect("undo" in withRefs.data).toBe(false);
  });
});

describe("shredBranch", () => {
  it("replaces refs by fingerprints and drops the delete's state", () => {
    const shredded = shredBranch(
      branch({
        refs: [{ type: "customer", id: "cus_SECRET1" }],
        deletion: { outcome: "erased", state: { x: 1 } },
      }),
      "secret-of-at-least-32-characters-long!!",
    );
    expect(JSON.stringify(shredded.data)).not.toContain("cus_SECRET");
    expect(shredded.data.deletion).toEqual({ outcome: "erased" });
    expect((shredded.data as { refFingerprints?: unknown[] }).refFingerprints).toHaveLength(1);
  });
});
