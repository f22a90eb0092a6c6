/**
 * Conformance cases of verification: `status` must report what the provider still holds. A delete
 * that did not take (the simulator answers it as a success and keeps the record, see
 * `sims.keepOnDelete`) must show as `remaining`, never `done`; a status counts no more than exists;
 * and the residuals a delete or status reports are well-formed and free of personal data.
 */
import { expect } from "vitest";
import type { DeleteResult, RecordRef, ResidualReason, StatusResult } from "../../adapter.js";
import { FanoutError } from "../../errors.js";
import { type Harness, settle } from "./harness.js";
import type { CaseDefiner } from "./index.js";

const REASONS: readonly ResidualReason[] = [
  "provider_retains",
  "restorable",
  "not_covered",
  "legal_retention",
];
/** A date and a time (ISO 8601), not a date alone or a free text: `Date.parse` decides the rest. */
const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/** How the simulator is told to ask `env.deleteTakes` (said when a case finds it does not). */
const HOOK_MISSING =
  "the simulator never asked env.deleteTakes(type): call it where its delete handlers remove a record " +
  "(docs/testing.md, 'Deletes that do not take'), or skip this case with a reason";

const refKey = (r: RecordRef) => `${r.type}\u0000${r.scope ?? ""}\u0000${r.id}`;

export function verifyCases(h: Harness, test: CaseDefiner): void {
  const timeout = h.options.verifyTimeoutMs ?? 10_000;

  /** Seeds, locates, and deletes with the first record delete not taking; returns what status said. */
  const deleteNotTaking = async () => {
    const { subject, ids } = await h.seeded();
    const ctx = h.context(subject);
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const kept = h.sims.keepOnDelete(h.factory.id, { times: 1 });
    let deletion: DeleteResult | undefined;
    let status: StatusResult | undefined;
    let failed: FanoutError | undefined;
    try {
      deletion = await h.adapter.delete(refs, ctx);
      // Kept while polling: a provider job may apply the delete later (and ask then).
      status = await settle(h.adapter, refs, deletion, ctx, timeout);
    } catch (error) {
      // Failing loudly is as good as reporting `remaining`; any other error is a defect.
      if (!(error instanceof FanoutError)) throw error;
      failed = error;
    } finally {
      kept.cancel();
    }
    expect(kept.fired, HOOK_MISSING).toBeGreaterThan(0);
    return { subject, ids, ctx, refs, deletion, status, failed };
  };

  test("delete-not-taken", async () => {
    const { subject, status, failed } = await deleteNotTaking();
    const oracle = h.sims.oracle(h.factory.id, subject);
    expect(oracle.live, "live records kept by the delete that did not take").toBeGreaterThan(0);
    if (failed) return;
    expect(status?.state, `status after a delete that did not take (${status?.detail ?? ""})`).toBe(
      "remaining",
    );
    expect(status?.remaining, "remaining records reported").toBeGreaterThan(0);
  });

  test("status-reflects-oracle", async () => {
    const { subject, refs, status, failed } = await deleteNotTaking();
    if (!failed) {
      const held = h.sims.oracle(h.factory.id, subject).live;
      expect(status?.remaining ?? 0, "status counts no more than the provider holds").toBeLessThanOrEqual(
        held,
      );
    }
    // Delete again, from a fresh locate merged with the refs, as a later request would (within the
    // same request an adapter's idempotency keys may rightly replay the first answer).
    const again = h.context(subject);
    const fresh = (await h.adapter.locate(again.subject, again)).refs;
    const merged = [...new Map([...refs, ...fresh].map((r) => [refKey(r), r])).values()];
    const deletion = await h.adapter.delete(merged, again);
    const after = await settle(h.adapter, merged, deletion, again, timeout);
    const oracle = h.sims.oracle(h.factory.id, subject);
    expect(oracle.live, "live records after the second delete").toBe(0);
    expect(["done", "scheduled"], `status once nothing is held (${after.detail ?? ""})`).toContain(
      after.state,
    );
    expect(after.remaining).toBe(0);
  });

  test("residuals", async () => {
    const { subject, ids } = await h.seeded();
    const ctx = h.context(subject);
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const deletion = await h.adapter.delete(refs, ctx);
    const status = await settle(h.adapter, refs, deletion, ctx, timeout);
    const personal = [subject.email, subject.name, subject.phone, ...ids, ...refs.map((r) => r.id)].filter(
      (v): v is string => typeof v === "string" && v.length >= 4,
    );
    for (const [where, list] of [
      ["delete", deletion.residual],
      ["status", status.residual],
    ] as const) {
      if (list === undefined) continue;
      expect(Array.isArray(list), `${where} residual is a list`).toBe(true);
      for (const r of list) expectResidual(r, `${where} residual ${r?.type}`, personal);
    }
  });
}

function expectResidual(r: unknown, what: string, personal: readonly string[]): void {
  const residual = r as Record<string, unknown>;
  expect(typeof residual, what).toBe("object");
  expect(REASONS, `${what}: reason`).toContain(residual.reason);
  expect(typeof residual.type === "string" && residual.type.length > 0, `${what}: type`).toBe(true);
  expect(
    typeof residual.count === "number" && Number.isInteger(residual.count) && residual.count > 0,
    `${what}: count is a whole number > 0`,
  ).toBe(true);
  expect(typeof residual.detail === "string" && residual.detail.trim().length > 0, `${what}: detail`).toBe(
    true,
  );
  if (residual.until !== undefined) {
    const until = String(residual.until);
    expect(ISO_DATE_TIME.test(until) && !Number.isNaN(Date.parse(until)), `${what}: until is ISO 8601`).toBe(
      true,
    );
  }
  if (residual.reason === "legal_retention")
    expect(typeof residual.basis === "string" && residual.basis.length > 0, `${what}: basis`).toBe(true);
  const text = JSON.stringify(residual).toLowerCase();
  for (const value of personal)
    expect(text.includes(value.toLowerCase()), `${what}: personal data or a record id`).toBe(false);
}
