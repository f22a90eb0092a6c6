/**
 * Conformance cases of erasure: delete verified by the oracle and `status`, idempotent re-delete,
 * and a delete resumed after a connection reset — never applying an irreversible operation twice.
 */
import { expect } from "vitest";
import type { DeleteResult, RecordRef } from "../../adapter.js";
import type { SimSubject } from "../simulator.js";
import { failure, type Harness, settle } from "./harness.js";
import type { CaseDefiner } from "./index.js";

const PII_FREE_FIELDS = ["detail", "state", "jobs", "eta"] as const;

export function eraseCases(h: Harness, test: CaseDefiner): void {
  const timeout = h.options.verifyTimeoutMs ?? 10_000;

  const expectApplied = (message: string) => {
    const applied = h.sims.simulator(h.factory.id).destructiveApplications();
    const twice = [...applied].filter(([, n]) => n > 1).map(([key]) => key);
    expect(twice, message).toEqual([]);
  };

  const expectErased = async (
    subject: SimSubject,
    refs: readonly RecordRef[],
    deletion: DeleteResult,
    requestId: string,
  ) => {
    const ctx = h.context(subject, { requestId });
    const status = await settle(h.adapter, refs, deletion, ctx, timeout);
    expect(["done", "scheduled"], `status after delete (${status.detail ?? ""})`).toContain(status.state);
    expect(status.remaining).toBe(0);
    const oracle = h.sims.oracle(h.factory.id, subject);
    expect(oracle.live, "live records after delete").toBe(0);
    if (!h.adapter.capabilities.softDelete)
      expect(oracle.trashed, "trashed records of a hard delete").toBe(0);
    if (status.state === "scheduled")
      expect(
        h.adapter.capabilities.softDelete || h.adapter.capabilities.asyncDelete,
        "status 'scheduled' from an adapter whose capabilities have neither softDelete nor asyncDelete",
      ).toBe(true);
  };

  const noPii = (value: unknown, subject: SimSubject) => {
    const text = JSON.stringify(value).toLowerCase();
    for (const id of [subject.email, subject.name, subject.phone]) {
      if (typeof id === "string" && id.length >= 4)
        expect(text.includes(id.toLowerCase()), "identifier in result").toBe(false);
    }
  };

  test("delete-verified", async () => {
    const { subject } = await h.seeded();
    const ctx = h.context(subject);
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    expect(h.sims.oracle(h.factory.id, subject).live).toBeGreaterThan(0);
    const deletion = await h.adapter.delete(refs, ctx);
    expect(deletion.outcome, "the outcome of deleting records that were found").not.toBe("not_found");
    for (const field of PII_FREE_FIELDS) noPii(deletion[field] ?? null, subject);
    noPii(refs, subject);
    await expectErased(subject, refs, deletion, ctx.requestId);
    expectApplied("irreversible operations applied twice");
  });

  test("delete-idempotent", async () => {
    const { subject } = await h.seeded();
    const ctx = h.context(subject);
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const first = await h.adapter.delete(refs, ctx);
    await settle(h.adapter, refs, first, ctx, timeout);
    const again = await h.adapter.delete(refs, h.context(subject, { requestId: ctx.requestId, attempt: 2 }));
    await expectErased(subject, refs, again, ctx.requestId);
    expectApplied("a second delete applied an irreversible operation again");
    const relocated = await h.adapter.locate(ctx.subject, ctx);
    expect(relocated.refs, "nothing left to locate").toEqual([]);
  });

  test("resume-after-reset", async () => {
    // Learn how many requests one delete makes, on a subject of the same shape.
    const probe = await h.seeded();
    const probeCtx = h.context(probe.subject);
    const probeRefs = (await h.adapter.locate(probeCtx.subject, probeCtx)).refs;
    const start = h.sims.calls(h.factory.id).length;
    await h.adapter.delete(probeRefs, probeCtx);
    const perDelete = h.sims.calls(h.factory.id).length - start;
    expect(perDelete).toBeGreaterThan(0);
    // Reset the connection mid-way and at the last request (most likely the irreversible one).
    const points = [...new Set([Math.floor(perDelete / 2), perDelete - 1])];
    for (const afterCalls of points) {
      const { subject } = await h.seeded();
      const ctx = h.context(subject);
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      // Two resets in a row: some SDKs (stripe) retry a closed connection once even with retries
      // off; the second reset makes the operation fail as a crash or a lost network would.
      const handle = h.sims.inject(h.factory.id, { fault: "reset", afterCalls, times: 2 });
      const error = await failure(h.adapter.delete(refs, ctx));
      handle.cancel();
      expect(handle.fired, `reset after ${afterCalls} calls fired`).toBeGreaterThanOrEqual(1);
      expect(error.retryable, `a reset is retryable (${error.code})`).toBe(true);
      const resumed = await h.adapter.delete(
        refs,
        h.context(subject, { requestId: ctx.requestId, attempt: 2 }),
      );
      await expectErased(subject, refs, resumed, ctx.requestId);
      expectApplied(`applied twice after a reset at call ${afterCalls + 1}`);
    }
  });
}
