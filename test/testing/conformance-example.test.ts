// The conformance suite on a minimal third-party adapter (soft delete, no restrict phase): the
// restrict cases skip by capability, and one case is skipped with a written reason.
import { describe, expect, it } from "vitest";
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
  it("rejects a skip of an unknown case", () => {
    expect(() =>
      runAdapterConformance({ simulator: notebookSimulator, skip: { "no-such-case": "x y z" } as never }),
    ).toThrow(/unknown case/);
  });
});
