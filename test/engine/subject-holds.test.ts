// Holds on a subject: every open and future erasure of that person waits at its pivot until the
// hold is released; a partial hold lets the other adapters finish.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DAY, EMAIL, settle, setup } from "./helpers.js";

describe("holdSubject / releaseHold", () => {
  it("catches a request filed after it, until released; the receipt names the hold by its reference", async () => {
    const env = setup(["alpha", "beta"]);
    const hold = await env.fanout.holdSubject(
      { email: EMAIL },
      { reason: "police request about jane.doe@acme.test, +44 20 7946 0000", reference: "POL-2026-118" },
    );
    expect(hold).toMatchObject({
      reference: "POL-2026-118",
      reason: "police request about [redacted], [redacted]",
      adapters: null,
      releasedAt: null,
      caught: [],
      pastPivot: [],
    });
    expect(hold.id).toMatch(/^hold_/);
    env.clock.advance(DAY);
    const req = await env.fanout.erase({ email: EMAIL }, { reason: "subject-request" });
    expect(await settle(env, req.id)).toBe("held");
    let status = await env.fanout.status(req.id);
    expect(status.holds.map((h) => h.id)).toEqual([hold.id]);
    expect(status.pivotAt).toBeNull();
    expect(status.branches.map((b) => b.restriction.state)).toEqual(["applied", "applied"]);
    expect(env.providers.alpha!.live(EMAIL)).toHaveLength(2);
    // Weeks pass: still held, nothing deleted.
    env.clock.advance(20 * DAY);
    await env.fanout.drain();
    expect((await env.fanout.status(req.id)).state).toBe("held");
    expect(env.providers.beta!.live(EMAIL)).toHaveLength(2);

    const released = await env.fanout.releaseHold(hold.id);
    expect(released.releasedAt).toBe(new Date(env.clock.now()).toISOString());
    await env.fanout.drain();
    status = await env.fanout.status(req.id);
    expect(status.state).toBe("completed");
    expect(env.providers.alpha!.live(EMAIL)).toEqual([]);
    const receipt = await env.fanout.receipt(req.id);
    expect(receipt.holds).toEqual([
      {
        id: hold.id,
        reference: "POL-2026-118",
        reason: "police request about [redacted], [redacted]",
        adapters: null,
        placedAt: hold.placedAt,
        releasedAt: released.releasedAt,
      },
    ]);
    const audit = (await env.fanout.audit(req.id)).entries.map((e) => e.type);
    expect(audit).toContain("subject.released");
    expect(JSON.stringify([receipt, await env.fanout.audit(req.id), await env.fanout.holds()])).not.toMatch(
      /jane|7946/,
    );
    expect(await env.fanout.holds({ active: true })).toEqual([]);
    expect((await env.fanout.holds({ subject: { email: EMAIL } })).map((h) => h.id)).toEqual([hold.id]);
  });

  it("applies to open requests at once (even one in its retention window), and reports those past their pivot", async () => {
    const env = setup(["alpha"]);
    const waiting = await env.fanout.erase({ email: EMAIL }, { after: "90d" });
    const erasing = await env.fanout.erase({ email: EMAIL }, { reason: "second" });
    env.providers.alpha!.pendingPolls = 1_000; // keeps the second in its verify step, past its pivot
    await env.fanout.drain();
    expect((await env.fanout.status(waiting.id)).state).toBe("waiting");
    expect((await env.fanout.status(erasing.id)).pivotAt).not.toBeNull();
    const hold = await env.fanout.holdSubject(
      { email: EMAIL },
      { reason: "litigation", reference: "CASE-7" },
    );
    expect(hold.caught).toEqual([waiting.id]);
    expect(hold.pastPivot).toEqual([erasing.id]);
    await env.fanout.drain();
    expect((await env.fanout.status(waiting.id)).state).toBe("held");
    expect((await env.fanout.audit(waiting.id)).entries.map((e) => e.type)).toContain("subject.held");
  });

  it("a partial hold keeps the held adapters restricted and lets the others finish; they pivot on release", async () => {
    const env = setup(["alpha", "beta", "gamma"]);
    const hold = await env.fanout.holdSubject(
      { email: EMAIL },
      { reason: "billing dispute", reference: "DISPUTE-42", adapters: ["beta"] },
    );
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("held");
    let status = await env.fanout.status(req.id);
    expect(status.pivotAt).not.toBeNull();
    const byAdapter = Object.fromEntries(status.branches.map((b) => [b.adapter, b]));
    expect(byAdapter.alpha).toMatchObject({ outcome: "erased", awaitingPivot: false });
    expect(byAdapter.gamma).toMatchObject({ outcome: "erased", awaitingPivot: false });
    expect(byAdapter.beta).toMatchObject({ outcome: null, awaitingPivot: true, pivotAt: null });
    expect(byAdapter.beta!.restriction.state).toBe("applied");
    expect(env.providers.alpha!.live(EMAIL)).toEqual([]);
    expect(env.providers.beta!.live(EMAIL)).toHaveLength(2);
    await expect(env.fanout.receipt(req.id)).rejects.toMatchObject({ code: "CONFLICT" });

    env.clock.advance(3 * DAY);
    await env.fanout.releaseHold(hold.id);
    await env.fanout.drain();
    status = await env.fanout.status(req.id);
    expect(status.state).toBe("completed");
    const beta = status.branches.find((b) => b.adapter === "beta")!;
    expect(beta).toMatchObject({
      outcome: "erased",
      awaitingPivot: false,
      pivotAt: "2026-12-01T12:00:00.000Z",
    });
    expect(env.providers.beta!.live(EMAIL)).toEqual([]);
    expect(env.events.filter((e) => e.type === "branch.pivoted")).toEqual([
      expect.objectContaining({ requestId: req.id, adapter: "beta" }),
    ]);
    const receipt = await env.fanout.receipt(req.id);
    expect(receipt.holds.map((h) => h.reference)).toEqual(["DISPUTE-42"]);
  });

  it("refuses a reference that is not a case number, an unknown adapter and a missing reason; releasing an unknown hold is UNKNOWN_HOLD", async () => {
    const env = setup(["alpha"]);
    for (const options of [
      { reason: "police", reference: "officer.smith@police.test" },
      { reason: "police", reference: "two words" },
      { reason: "police", adapters: ["nope"] },
      { reason: "" },
      {},
    ]) {
      await expect(env.fanout.holdSubject({ email: EMAIL }, options as never)).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    }
    expect(await env.fanout.holds()).toEqual([]);
    await expect(env.fanout.releaseHold("hold_missing1")).rejects.toMatchObject({ code: "UNKNOWN_HOLD" });
    await expect(env.fanout.releaseHold("req_x")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("does not hold another subject's requests, nor access requests", async () => {
    const env = setup(["alpha"]);
    env.providers.alpha!.seed("other@acme.test", 1);
    await env.fanout.holdSubject({ email: EMAIL }, { reason: "court order", reference: "C-1" });
    const other = await env.fanout.erase({ email: "other@acme.test" });
    expect(await settle(env, other.id)).toBe("completed");
    const to = mkdtempSync(join(tmpdir(), "gf-hold-export-"));
    const exported = await env.fanout.export({ email: EMAIL }, { to });
    expect(exported.state).toBe("completed");
    rmSync(to, { recursive: true, force: true });
    const list = await env.fanout.list({ subject: { email: EMAIL } });
    expect(list.items.map((r) => r.kind)).toEqual(["export"]);
    expect(
      (await env.fanout.list({ subject: (await env.fanout.status(other.id)).subject })).items,
    ).toHaveLength(1);
  });
});
