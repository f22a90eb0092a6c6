// In-process adapters with one defect each, for in-process-conformance.test.ts: the light path of
// the conformance suite, registered with vitest, must fail the case that guards each defect.
import { runAdapterConformance } from "../../../src/testing/index.js";
import { type CallsDefect, callsConformance } from "./calls.js";

const DEFECTS: readonly CallsDefect[] = ["none", "keeps-phone", "first-row-only", "restrict-not-undone"];
for (const defect of DEFECTS)
  runAdapterConformance({ name: `broken ${defect} (in-process)`, ...callsConformance(defect) });
