// The receipt's summary of the providers' own purges (Zoho's bin, a job with an ETA): pending while
// any is, due by the latest ETA, verified at the latest verification only once every one is
// verified, and which providers could not confirm or cannot show it. Branches erased outright
// (no purge) take no part.
import { describe, expect, it } from "vitest";
import { nextPurgeCheck, PURGE_CHECK_GRACE_MS } from "../../src/engine/finalize.js";
import { requestPurge } from "../../src/engine/receipt-content.js";
import type { BranchRecord } from "../../src/store/types.js";
import { branchRecord } from "./branch-record.js";

type Purge = { state: "pending" | "verified" | "not_confirmed" | "unverifiable"; verifiedAt?: number } | null;

const branch = (adapterId: string, eta: string | null, purge: Purge, outcome = "scheduled") =>
  branchRecord(
    { ...(eta ? { eta } : {}), ...(purge ? { purge } : {}) },
    { adapterId, state: "done", step: "verify", attempt: 1, outcome: outcome as BranchRecord["outcome"] },
  );

const T1 = Date.parse("2026-12-01T00:00:00.000Z");
const T2 = Date.parse("2026-12-05T00:00:00.000Z");

describe("the receipt's purge summary", () => {
  it("is empty when no branch left a purge", () => {
    expect(requestPurge([branch("stripe", null, null, "erased")])).toEqual({
      pending: false,
      dueBy: null,
      verifiedAt: null,
      notConfirmed: [],
      unverifiable: [],
    });
  });

  it("is pending while one purge is, due by the latest ETA, not verified", () => {
    expect(
      requestPurge([
        branch("zoho", "2026-12-20T00:00:00.000Z", { state: "verified", verifiedAt: T1 }),
        branch("hubspot", "2026-12-30T00:00:00.000Z", null),
        branch("stripe", null, null, "erased"),
      ]),
    ).toEqual({
      pending: true,
      dueBy: "2026-12-30T00:00:00.000Z",
      verifiedAt: null,
      notConfirmed: [],
      unverifiable: [],
    });
  });

  it("is verified at the latest verification once every purge is", () => {
    expect(
      requestPurge([
        branch("zoho", "2026-12-30T00:00:00.000Z", { state: "verified", verifiedAt: T2 }),
        branch("hubspot", "2026-12-20T00:00:00.000Z", { state: "verified", verifiedAt: T1 }),
      ]),
    ).toEqual({
      pending: false,
      dueBy: "2026-12-30T00:00:00.000Z",
      verifiedAt: new Date(T2).toISOString(),
      notConfirmed: [],
      unverifiable: [],
    });
  });

  it("names the providers that could not confirm, or cannot show, their purge", () => {
    const summary = requestPurge([
      branch("zoho", "2026-12-20T00:00:00.000Z", { state: "not_confirmed" }),
      branch("pipedrive", "2026-12-20T00:00:00.000Z", { state: "unverifiable" }),
      branch("hubspot", "2026-12-20T00:00:00.000Z", { state: "verified", verifiedAt: T1 }),
    ]);
    expect(summary).toMatchObject({ pending: false, verifiedAt: null });
    expect(summary.notConfirmed).toEqual(["zoho"]);
    expect(summary.unverifiable).toEqual(["pipedrive"]);
  });
});

describe("when the providers' purges are checked", () => {
  it("a day after the earliest pending purge's ETA; never for settled purges", () => {
    expect(PURGE_CHECK_GRACE_MS).toBe(86_400_000);
    expect(
      nextPurgeCheck([
        branch("hubspot", "2026-12-20T00:00:00.000Z", { state: "pending" }),
        branch("zoho", "2026-12-30T00:00:00.000Z", null),
        branch("capsule", "2026-12-10T00:00:00.000Z", { state: "verified", verifiedAt: T1 }),
        branch("stripe", null, null, "erased"),
      ]),
    ).toBe(Date.parse("2026-12-21T00:00:00.000Z"));
    expect(nextPurgeCheck([branch("zoho", "2026-12-30T00:00:00.000Z", null)])).toBe(
      Date.parse("2026-12-31T00:00:00.000Z"),
    );
    expect(
      nextPurgeCheck([branch("capsule", "2026-12-10T00:00:00.000Z", { state: "not_confirmed" })]),
    ).toBeNull();
  });
});
