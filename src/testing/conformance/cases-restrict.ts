/**
 * Conformance cases of the reversible first phase: restrict seen by the oracle, unrestrict back to
 * the original state — also after restrict ran twice for one request, and without a recorded undo.
 */
import { expect } from "vitest";
import type { JsonValue } from "../../adapter.js";
import type { Harness } from "./harness.js";
import type { CaseDefiner } from "./index.js";

/** What the engine does with `undo`: store it as JSON and read it back. */
const stored = (undo: JsonValue): JsonValue => JSON.parse(JSON.stringify(undo)) as JsonValue;

export function restrictCases(h: Harness, test: CaseDefiner): void {
  const caps = h.adapter.capabilities;
  const noRestrict = caps.restrict ? undefined : "the adapter has no restrict capability";
  const noUndo =
    noRestrict ??
    (caps.unrestrict
      ? undefined
      : "the adapter's restrict cannot be undone (capabilities.unrestrict is false)");

  const setup = async () => {
    const { subject } = await h.seeded();
    const ctx = h.context(subject);
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const original = h.sims.oracle(h.factory.id, subject);
    return { subject, ctx, refs, original };
  };

  // Resolved at run time: `h.adapter` is rebuilt against the running simulator in `beforeAll`.
  const ops = () => {
    const { restrict, unrestrict } = h.adapter;
    if (!restrict || !unrestrict)
      throw new Error("restrict/unrestrict missing although capabilities say otherwise");
    return { restrict: restrict.bind(h.adapter), unrestrict: unrestrict.bind(h.adapter) };
  };

  test(
    "restrict-roundtrip",
    async () => {
      const { restrict, unrestrict } = ops();
      const { subject, ctx, refs, original } = await setup();
      const appliedBefore = h.sims.simulator(h.factory.id).destructiveApplications().size;
      const result = await restrict(refs, ctx);
      expect(result.restricted).toBeGreaterThan(0);
      const during = h.sims.oracle(h.factory.id, subject);
      expect(during.restricted, "oracle sees the restriction").toBeGreaterThan(original.restricted);
      // Destroys nothing: records stay live, or move to a recoverable trash (Zoho's recycle bin).
      expect(during.live + during.trashed, "restrict destroys nothing").toBe(
        original.live + original.trashed,
      );
      expect(h.sims.simulator(h.factory.id).destructiveApplications().size, "no irreversible operation").toBe(
        appliedBefore,
      );
      const undoText = JSON.stringify(result.undo).toLowerCase();
      expect(undoText.includes(subject.email.toLowerCase()), "email in undo").toBe(false);
      await unrestrict(refs, stored(result.undo), ctx);
      expect(h.sims.oracle(h.factory.id, subject)).toEqual(original);
      // Idempotent: a second unrestrict changes nothing.
      await unrestrict(refs, stored(result.undo), ctx);
      expect(h.sims.oracle(h.factory.id, subject)).toEqual(original);
    },
    noUndo,
  );

  test(
    "restrict-twice",
    async () => {
      const { restrict, unrestrict } = ops();
      const { subject, ctx, refs, original } = await setup();
      await restrict(refs, ctx);
      const once = h.sims.oracle(h.factory.id, subject).restricted;
      // A crash after the first run: the engine runs restrict again for the same request.
      const second = await restrict(refs, h.context(subject, { requestId: ctx.requestId, attempt: 2 }));
      expect(h.sims.oracle(h.factory.id, subject).restricted, "a re-run restricts nothing more").toBe(once);
      await unrestrict(refs, stored(second.undo), ctx);
      expect(h.sims.oracle(h.factory.id, subject)).toEqual(original);
    },
    noUndo,
  );

  test(
    "unrestrict-without-undo",
    async () => {
      const { restrict, unrestrict } = ops();
      const { subject, ctx, refs, original } = await setup();
      await restrict(refs, ctx);
      expect(h.sims.oracle(h.factory.id, subject).restricted).toBeGreaterThan(original.restricted);
      // Restrict's result was never recorded (crash): unrestrict gets `undefined`.
      await unrestrict(refs, undefined, ctx);
      expect(h.sims.oracle(h.factory.id, subject)).toEqual(original);
    },
    noUndo,
  );
}
