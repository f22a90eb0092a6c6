// What a sweep accepts from an adapter's `expired()` listing before it files anything, and the
// idempotency key each filing carries. The key is kept in the store for good, so it must stay the
// same from one version to the next: a changed key would file every expired record a second time.
import { describe, expect, it } from "vitest";
import { asSweepError, checkCandidate, sweepIdempotencyKey } from "../../src/engine/sweep-candidates.js";
import { createFanout, defineAdapter, FanoutError, memoryStore } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { SECRET } from "./helpers.js";

const GOOD = { type: "person", id: "001000", cursor: "001000" };

function rejected(value: unknown): FanoutError {
  try {
    checkCandidate(value, "crm");
  } catch (error) {
    expect(error).toBeInstanceOf(FanoutError);
    return error as FanoutError;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe("the sweep idempotency key", () => {
  it("is sweep:<policy>:<adapter>:<keyed hash of the record id>, the same in every version", () => {
    // Pinned: the HMAC domain, the input and the prefix dropped from the fingerprint.
    expect(sweepIdempotencyKey("prospect", "crm", "001000", SECRET)).toBe(
      "sweep:prospect:crm:5ad1b97eff45b39a0b99825933c508c7",
    );
    expect(sweepIdempotencyKey("inactive", "crm", "001000", SECRET)).toBe(
      "sweep:inactive:crm:5ad1b97eff45b39a0b99825933c508c7",
    );
    expect(sweepIdempotencyKey("prospect", "crm", "001001", SECRET)).not.toBe(
      sweepIdempotencyKey("prospect", "crm", "001000", SECRET),
    );
  });
});

describe("a sweep candidate", () => {
  it("is accepted with a type, an id and a cursor, and optional identifiers", () => {
    expect(checkCandidate(GOOD, "crm")).toBe(GOOD);
    const full = { ...GOOD, email: "a@b.test", phone: ["+4915112345678", "+4915112345679"] };
    expect(checkCandidate(full, "crm")).toBe(full);
  });

  it("is rejected when it is missing or any field is missing, empty, not text or too long", () => {
    for (const value of [null, undefined, "person"]) rejected(value);
    for (const field of ["type", "id", "cursor"] as const) {
      const { [field]: _, ...without } = GOOD;
      rejected(without);
      rejected({ ...GOOD, [field]: "" });
      rejected({ ...GOOD, [field]: ["001000"] });
      rejected({ ...GOOD, [field]: 1000 });
    }
    rejected({ ...GOOD, email: 42 });
    rejected({ ...GOOD, phone: 42 });
  });

  it("takes each text field up to its length limit and not one character more", () => {
    const limits = { type: 64, id: 200, cursor: 4000 } as const;
    for (const [field, max] of Object.entries(limits)) {
      expect(checkCandidate({ ...GOOD, [field]: "x".repeat(max) }, "crm")).toBeTruthy();
      rejected({ ...GOOD, [field]: "x".repeat(max + 1) });
    }
    expect(checkCandidate({ ...GOOD, id: "1" }, "crm")).toBeTruthy();
  });

  it("takes one identifier or up to 50, each a non-empty text of at most 320 characters", () => {
    for (const field of ["email", "phone"] as const) {
      expect(checkCandidate({ ...GOOD, [field]: "e".repeat(320) }, "crm")).toBeTruthy();
      rejected({ ...GOOD, [field]: "e".repeat(321) });
      rejected({ ...GOOD, [field]: "" });
      const fifty = Array.from({ length: 50 }, (_, i) => `p${i}@x.test`);
      expect(checkCandidate({ ...GOOD, [field]: fifty }, "crm")).toBeTruthy();
      rejected({ ...GOOD, [field]: [...fifty, "one@more.test"] });
      rejected({ ...GOOD, [field]: ["ok@x.test", ""] });
      rejected({ ...GOOD, [field]: ["ok@x.test", "e".repeat(321)] });
      expect(checkCandidate({ ...GOOD, [field]: [] }, "crm")).toBeTruthy();
    }
  });

  it("is refused with a non-retryable STEP_FAILED naming the adapter and the listing", () => {
    const error = rejected({ ...GOOD, id: "" });
    expect(error.toJSON()).toMatchObject({
      code: "STEP_FAILED",
      retryable: false,
      provider: "crm",
      operation: "expired",
    });
    expect(error.message).toBe('Adapter "crm" yielded a malformed sweep candidate');
  });

  it("ends the adapter's sweep failed at once, without a retry of the listing", async () => {
    const clock = fakeClock();
    let listings = 0;
    const adapter = defineAdapter({
      id: "crm",
      retry: { initialInterval: 5, maximumInterval: 20, maximumAttempts: 4 },
      capabilities: { restrict: false, unrestrict: false, lookup: ["id"], sweeps: ["prospect"] },
      locate: async () => ({ refs: [], coverage: { searchedBy: ["id"], types: ["person"] } }),
      export: async () => ({ records: [] }),
      delete: async () => ({ outcome: "erased", deleted: 0 }),
      status: async () => ({ state: "done", remaining: 0 }),
      async *expired() {
        listings += 1;
        yield { type: "person", id: "", cursor: "c1" };
      },
    });
    const fanout = createFanout({
      adapters: [adapter],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
    });
    const result = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result.adapters.crm).toMatchObject({
      state: "failed",
      found: 0,
      filed: 0,
      error: { code: "STEP_FAILED", retryable: false, provider: "crm", operation: "expired" },
    });
    expect(listings).toBe(1);
  });
});

describe("a listing's failure", () => {
  it("is kept as it is when it is a FanoutError, else a retryable STEP_FAILED naming the listing", () => {
    const own = new FanoutError("AUTHENTICATION", "bad token", { retryable: false, provider: "crm" });
    expect(asSweepError(own, "crm")).toBe(own);
    const cause = new TypeError("x is not a function");
    const wrapped = asSweepError(cause, "crm");
    expect(wrapped.toJSON()).toMatchObject({
      code: "STEP_FAILED",
      retryable: true,
      provider: "crm",
      operation: "expired",
      message: "crm expired failed with an unexpected error",
    });
  });

  it("when unexpected, is retried from the cursor and the sweep completes", async () => {
    const clock = fakeClock();
    let listings = 0;
    const adapter = defineAdapter({
      id: "crm",
      retry: { initialInterval: 5, maximumInterval: 20, maximumAttempts: 4 },
      capabilities: { restrict: false, unrestrict: false, lookup: ["id"], sweeps: ["prospect"] },
      locate: async () => ({ refs: [], coverage: { searchedBy: ["id"], types: ["person"] } }),
      export: async () => ({ records: [] }),
      delete: async () => ({ outcome: "erased", deleted: 0 }),
      status: async () => ({ state: "done", remaining: 0 }),
      async *expired(_policy, ctx) {
        listings += 1;
        if (ctx.cursor === undefined) yield { type: "person", id: "001000", cursor: "001000" };
        if (listings === 1) throw new TypeError("boom");
        yield { type: "person", id: "001001", cursor: "001001" };
      },
    });
    const fanout = createFanout({
      adapters: [adapter],
      store: memoryStore(),
      secret: SECRET,
      now: clock.now,
    });
    const retrying: unknown[] = [];
    fanout.on("sweep.retrying", (e) => retrying.push(e.error));
    const result = await fanout.sweep({ policy: "prospect", olderThan: "24mo" });
    expect(result.adapters.crm).toMatchObject({ state: "completed", found: 2, filed: 2, error: null });
    expect(listings).toBe(2);
    expect(retrying).toEqual([
      expect.objectContaining({
        code: "STEP_FAILED",
        retryable: true,
        provider: "crm",
        operation: "expired",
      }),
    ]);
  });
});
