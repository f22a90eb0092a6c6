// The conformance suite on a minimal third-party adapter (soft delete, no restrict phase): the
// restrict cases skip by capability, and one case is skipped with a written reason.
import { describe, expect, it } from "vitest";
import { validateSkips } from "../../src/testing/conformance/options.js";
import { runAdapterConformance } from "../../src/testing/index.js";
import { notebookSimulator } from "./example/notebook.js";

runAdapterConformance({
  simulator: notebookSimulator,
  skip: { "locate-ids": "demonstrates a skip with a written reason" },
});

describe("runAdapterConformance options", () => {
  it("rejects a skip without a written reason", () => {
    expect(() => runAdapterConformance({ simulator: notebookSimulator, skip: { "no-leaks": "" } })).toThrow(
      /needs a written reason/,
    );
  });
  it("asks for a reason of three characters at least, spaces not counted", () => {
    for (const reason of ["ab", "  ab  ", 42])
      expect(() => validateSkips({ "no-leaks": reason as never }), JSON.stringify(reason)).toThrow(
        "runAdapterConformance: skip.no-leaks needs a written reason",
      );
    expect(() => validateSkips({ "no-leaks": "n/a", "locate-ids": " one call " })).not.toThrow();
    expect(() => validateSkips(undefined)).not.toThrow();
  });
  it("rejects a skip of an unknown case", () => {
    expect(() =>
      runAdapterConformance({ simulator: notebookSimulator, skip: { "no-such-case": "x y z" } as never }),
    ).toThrow(/unknown case/);
  });
});
