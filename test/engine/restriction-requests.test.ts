// Art. 18 restriction as a request of its own: restricted until lifted, the subject told first.
import { describe, expect, it } from "vitest";
import { DAY, EMAIL, setup } from "./helpers.js";

describe("restrict / lift (Art. 18)", () => {
  it("locates and restricts, stays restricted (answered) until lifted; lifting records when and how the subject was told", async () => {
    const env = setup(["alpha", "beta"]);
    const received = "2026-11-27T10:00:00.000Z";
    const req = await env.fanout.restrict(
      { email: EMAIL },
      { reason: "accuracy contested", receivedAt: received },
    );
    await env.fanout.drain();
    let status = await env.fanout.status(req.id);
    expect(status).toMatchObject({
      kind: "restrict",
      state: "restricted",
      receivedAt: received,
      overdue: false,
    });
    expect(status.restriction).toEqual({ restrictedAt: "2026-11-28T12:00:00.000Z", lift: null });
    expect(status.branches.map((b) => b.restriction.state)).toEqual(["applied", "applied"]);
    const alpha = env.providers.alpha!;
    expect(alpha.live(EMAIL).every((r) => r.restrictedBy === req.id)).toBe(true);
    expect(env.events.filter((e) => e.type === "request.restricted")).toHaveLength(1);
    // Months later it is still restricted and nothing was deleted; it is not overdue (answered in time).
    env.clock.advance(90 * DAY);
    await env.fanout.drain();
    status = await env.fanout.status(req.id);
    expect(status.state).toBe("restricted");
    expect(status.overdue).toBe(false);
    expect(alpha.live(EMAIL)).toHaveLength(2);
    expect((await env.fanout.list({ overdue: true })).items).toEqual([]);
    await expect(env.fanout.receipt(req.id)).rejects.toMatchObject({ code: "CONFLICT" });

    // Art. 18(3): the subject is told before the lift; the lift needs when and how.
    await expect(env.fanout.lift(req.id, { reason: "accuracy verified" } as never)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(
      env.fanout.lift(req.id, {
        reason: "accuracy verified",
        subjectInformedAt: env.clock.now() + 1000,
        informedBy: "email",
      }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "subjectInformedAt" } });
    const told = new Date(env.clock.now() - 2 * DAY).toISOString();
    status = await env.fanout.lift(req.id, {
      reason: "accuracy verified with the subject",
      subjectInformedAt: told,
      informedBy: "email to jane.doe@acme.test",
    });
    expect(status.restriction?.lift).toMatchObject({
      reason: "accuracy verified with the subject",
      subjectInformedAt: told,
      informedBy: "email to [redacted]",
      liftedAt: null,
    });
    await env.fanout.drain();
    status = await env.fanout.status(req.id);
    expect(status.state).toBe("lifted");
    expect(status.overdue).toBe(false); // answered when restricted, in time; lifted months later
    expect(alpha.live(EMAIL).every((r) => r.restrictedBy === null)).toBe(true);
    expect(status.branches.map((b) => b.restriction.state)).toEqual(["lifted", "lifted"]);
    const receipt = await env.fanout.receipt(req.id);
    expect(receipt).toMatchObject({
      kind: "restrict",
      state: "lifted",
      receivedAt: received,
      answeredInTime: true,
    });
    expect(receipt.answeredAt).toBe("2026-11-28T12:00:00.000Z");
    expect(receipt.restriction).toMatchObject({
      restrictedAt: "2026-11-28T12:00:00.000Z",
      lift: { subjectInformedAt: told, informedBy: "email to [redacted]", liftedAt: receipt.completedAt },
    });
    expect(receipt.branches.map((b) => b.outcome)).toEqual(["lifted", "lifted"]);
    expect((await env.fanout.verifyReceipt(receipt)).valid).toBe(true);
    const types = (await env.fanout.audit(req.id)).entries.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["request.lift_requested", "request.lifted"]));
    expect(JSON.stringify(await env.fanout.audit(req.id))).not.toContain(EMAIL);
    await expect(
      env.fanout.lift(req.id, { reason: "again", subjectInformedAt: told, informedBy: "email" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("renews a restriction with a lifetime while the request stays restricted", async () => {
    const env = setup(["alpha"], { adapterOptions: { alpha: { restrictionExpiresAfter: "60d" } } });
    const req = await env.fanout.restrict({ email: EMAIL });
    await env.fanout.drain();
    for (let day = 0; day < 150; day += 5) {
      env.clock.advance(5 * DAY);
      await env.fanout.drain();
    }
    const status = await env.fanout.status(req.id);
    expect(status.state).toBe("restricted");
    const branch = status.branches[0]!;
    expect(branch.restriction.renewals).toBeGreaterThanOrEqual(2);
    // Never past its lifetime: the last restriction expires after now.
    expect(Date.parse(branch.restriction.expiresAt!)).toBeGreaterThan(env.clock.now());
    expect(env.providers.alpha!.live(EMAIL).every((r) => r.restrictedBy === req.id)).toBe(true);
  });

  it("lift is for restriction requests only; an erasure is withdrawn instead", async () => {
    const env = setup(["alpha"]);
    const erase = await env.fanout.erase({ email: EMAIL }, { after: "30d" });
    await expect(
      env.fanout.lift(erase.id, { reason: "x", subjectInformedAt: env.clock.now(), informedBy: "email" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("a subject hold does not block a restriction (it stops destruction only)", async () => {
    const env = setup(["alpha"]);
    await env.fanout.holdSubject({ email: EMAIL }, { reason: "court order", reference: "C-2026-9" });
    const req = await env.fanout.restrict({ email: EMAIL });
    await env.fanout.drain();
    expect((await env.fanout.status(req.id)).state).toBe("restricted");
  });
});
