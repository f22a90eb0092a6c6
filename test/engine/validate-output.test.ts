// What the engine accepts from an adapter before storing it: each shape check refuses with
// STEP_FAILED (an adapter bug, not retryable) and says what was wrong, naming the adapter.
import { describe, expect, it } from "vitest";
import {
  assertNoPersonalData,
  mergeRefs,
  toJson,
  validateDeletion,
  validateExport,
  validateRefs,
  validateStatus,
} from "../../src/engine/validate-output.js";

const refused = (fn: () => unknown, what: string) => {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, what).toMatchObject({ code: "STEP_FAILED", retryable: false, provider: "alpha" });
  expect((error as Error).message).toBe(`Adapter "alpha" returned ${what}`);
};

describe("validateRefs", () => {
  it("keeps type, id and a scope (as a string), and nothing else", () => {
    expect(
      validateRefs(
        {
          refs: [
            { type: "contact", id: "c1", extra: "dropped" },
            { type: "call", id: "k2", scope: 7 },
          ],
        },
        "alpha",
      ),
    ).toEqual([
      { type: "contact", id: "c1" },
      { type: "call", id: "k2", scope: "7" },
    ]);
  });

  it("refuses a result without a refs array, or a ref without a string type and a non-empty id", () => {
    for (const bad of [null, {}, { refs: "c1" }])
      refused(() => validateRefs(bad, "alpha"), "a locate result without a refs array");
    for (const ref of [
      null,
      { id: "c1" },
      { type: 1, id: "c1" },
      { type: "contact" },
      { type: "contact", id: "" },
    ])
      refused(() => validateRefs({ refs: [ref] }, "alpha"), "a record ref without a string type and id");
  });
});

describe("mergeRefs", () => {
  it("keeps one ref per type, scope and id", () => {
    const a = [
      { type: "contact", id: "1" },
      { type: "note", id: "1" },
    ];
    const b = [
      { type: "contact", id: "1" },
      { type: "contact", id: "1", scope: "s" },
      { type: "contact", id: "2" },
    ];
    expect(mergeRefs(a, b)).toEqual([
      { type: "contact", id: "1" },
      { type: "note", id: "1" },
      { type: "contact", id: "1", scope: "s" },
      { type: "contact", id: "2" },
    ]);
  });
});

describe("validateDeletion and validateStatus", () => {
  it("accept every documented outcome and state", () => {
    for (const outcome of ["erased", "anonymized", "not_found", "scheduled", "retained", "manual_required"])
      expect(validateDeletion({ outcome, deleted: 0 }, "alpha").outcome).toBe(outcome);
    for (const state of ["done", "pending", "scheduled", "remaining"])
      expect(validateStatus({ state, remaining: 0 }, "alpha").state).toBe(state);
    expect(
      validateDeletion({ outcome: "scheduled", deleted: 3, eta: "2026-12-01T00:00:00Z" }, "alpha").eta,
    ).toBe("2026-12-01T00:00:00Z");
  });

  it("refuse an unknown outcome, a missing or negative count, an unreadable eta", () => {
    for (const bad of [null, { deleted: 1 }, { outcome: "failed", deleted: 1 }, { outcome: 1, deleted: 1 }])
      refused(() => validateDeletion(bad, "alpha"), "a delete result with an unknown outcome");
    for (const deleted of [undefined, "1", -1, Number.NaN])
      refused(
        () => validateDeletion({ outcome: "erased", deleted }, "alpha"),
        "a delete result without a deleted count",
      );
    refused(
      () => validateDeletion({ outcome: "erased", deleted: 1, eta: "soon" }, "alpha"),
      "a delete result with an unreadable eta",
    );
  });

  it("refuse an unknown state or a missing or negative remaining count", () => {
    for (const bad of [null, { remaining: 0 }, { state: "gone", remaining: 0 }, { state: 2, remaining: 0 }])
      refused(() => validateStatus(bad, "alpha"), "a status with an unknown state");
    for (const remaining of [undefined, "0", -1, Number.NaN])
      refused(
        () => validateStatus({ state: "done", remaining }, "alpha"),
        "a status without a remaining count",
      );
  });
});

describe("validateExport", () => {
  const bytes = new Uint8Array([1]);
  it("accepts records and safely named files", () => {
    const ok = { records: [], files: [{ name: "invoice 1.pdf", contentType: "application/pdf", bytes }] };
    expect(validateExport(ok, "alpha")).toBe(ok);
    expect(validateExport({ records: [] }, "alpha")).toEqual({ records: [] });
  });

  it("refuses a result without records, files without a name and files without bytes", () => {
    for (const bad of [null, {}, { records: {} }])
      refused(() => validateExport(bad, "alpha"), "an export result without records");
    for (const file of [null, { name: 5, contentType: "text/plain", bytes }])
      refused(() => validateExport({ records: [], files: [file] }, "alpha"), "an export file without a name");
    refused(
      () =>
        validateExport(
          { records: [], files: [{ name: "a.txt", contentType: "text/plain", bytes: "x" }] },
          "alpha",
        ),
      "an export file without bytes",
    );
    // Hostile names are not the adapter's failure: the package writer makes them safe and unique
    // (export-file-names.ts), so none of them is refused here.
    for (const name of ["../x", "a/b", "a\\b", ".hidden", "", "x".repeat(300)])
      expect(
        validateExport({ records: [], files: [{ name, contentType: "text/plain", bytes }] }, "alpha").files,
      ).toHaveLength(1);
  });
});

describe("assertNoPersonalData and toJson", () => {
  it("refuses a value containing an identifier of four characters or more, in any case", () => {
    refused(
      () =>
        assertNoPersonalData({ detail: "Jane@Acme.test" }, ["jane@acme.test"], "alpha", "the status result"),
      "personal data in the status result; adapters must return ids only",
    );
    expect(() => assertNoPersonalData(undefined, ["jane@acme.test"], "alpha", "x")).not.toThrow();
    expect(() => assertNoPersonalData({ id: "c1" }, ["jane@acme.test"], "alpha", "x")).not.toThrow();
  });

  it("stores undefined as null and drops undefined fields", () => {
    expect(toJson(undefined)).toBeNull();
    expect(toJson({ a: 1, b: undefined })).toEqual({ a: 1 });
  });
});
