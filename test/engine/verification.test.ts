// What the engine does with each answer of `status` after a delete: `done` erases, `scheduled`
// ends scheduled with its ETA, `pending` is polled until `verifyTimeout`, and `remaining` (live data
// still there) is deleted again — a few rounds, then the branch fails instead of claiming erasure.
import { describe, expect, it } from "vitest";
import { FakeProvider } from "./fake-provider.js";
import { DAY, EMAIL, settle, setup } from "./helpers.js";

describe("verification after a delete", () => {
  it("a `remaining` status deletes again until the provider holds nothing, and the receipt says erased", async () => {
    const env = setup(["alpha"]);
    const alpha = env.providers.alpha!;
    alpha.deletesNotTaking = 1; // the first delete answers success, but nothing went
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    expect(alpha.live(EMAIL)).toHaveLength(0);
    expect(alpha.calls.filter((c) => c.op === "delete")).toHaveLength(2);
    expect(alpha.calls.filter((c) => c.op === "status")).toHaveLength(2);
    const steps = (await env.store.steps(req.id)).map((s) => `${s.step}:${s.status}`);
    // The first round reuses the immediate erasure's locate (fresh-locate.ts); the second, asked
    // for by verify, starts from a fresh locate (records created meanwhile are caught too).
    expect(steps.filter((s) => s === "relocate:succeeded")).toHaveLength(1);
    expect((await env.fanout.receipt(req.id)).branches[0]?.outcome).toBe("erased");
  });

  it("each delete round asks the provider with its own idempotency key (a cached answer would replay the delete that did not take)", async () => {
    const provider = new FakeProvider("alpha");
    provider.seed(EMAIL, 2);
    provider.deletesNotTaking = 2;
    const base = provider.adapter();
    const keys: string[] = [];
    const env = setup(["alpha"], {
      adapters: [
        {
          ...base,
          delete: async (refs, ctx) => {
            keys.push(ctx.idempotencyKey("delete", "records"));
            return base.delete(refs, ctx);
          },
        },
      ],
    });
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    expect(provider.live(EMAIL)).toHaveLength(0);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
  });

  it("a `remaining` status that never clears fails the branch after 3 delete rounds, never `erased`", async () => {
    const env = setup(["alpha"]);
    const alpha = env.providers.alpha!;
    alpha.deletesNotTaking = 1_000;
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("needs_attention");
    expect(alpha.live(EMAIL)).toHaveLength(2);
    // The first delete and three more rounds.
    expect(alpha.calls.filter((c) => c.op === "delete")).toHaveLength(4);
    const s = await env.fanout.status(req.id);
    expect(s.branches[0]).toMatchObject({ state: "failed", outcome: "failed" });
    expect(s.attention).toMatchObject({ code: "STEP_FAILED", retryable: false });
    expect(s.attention?.message).toContain("2 records remain after 3 delete rounds");
    await expect(env.fanout.receipt(req.id)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("a `scheduled` status ends the branch scheduled with the provider's ETA, not erased", async () => {
    const eta = "2026-12-28T12:00:00.000Z";
    const provider = new FakeProvider("alpha");
    provider.seed(EMAIL, 2);
    const scheduled = setup(["alpha"], {
      adapters: [
        {
          ...provider.adapter(),
          status: async () => ({ state: "scheduled" as const, remaining: 0, eta }),
        },
      ],
    });
    const req = await scheduled.fanout.erase({ email: EMAIL });
    expect(await settle(scheduled, req.id)).toBe("completed");
    const receipt = await scheduled.fanout.receipt(req.id);
    expect(receipt.branches[0]).toMatchObject({ outcome: "scheduled", eta });
  });

  it("a provider job that stays `pending` fails the branch once `verifyTimeout` has passed", async () => {
    const env = setup(["alpha"], { verifyTimeout: "2d", pollInterval: "1h" });
    const alpha = env.providers.alpha!;
    alpha.pendingPolls = 1_000_000;
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.drain();
    const started = env.clock.now();
    // Polled (1 h, doubling up to 1 h) while the timeout has not passed.
    env.clock.advance(DAY);
    await env.fanout.drain();
    expect((await env.fanout.status(req.id)).state).toBe("verifying");
    expect(await settle(env, req.id, 200)).toBe("needs_attention");
    expect(env.clock.now() - started).toBeGreaterThan(2 * DAY);
    expect(env.clock.now() - started).toBeLessThan(2 * DAY + 2 * 3_600_000);
    const s = await env.fanout.status(req.id);
    expect(s.branches[0]).toMatchObject({ state: "failed", outcome: "failed" });
    expect(s.attention?.message).toContain("verification timed out");
  });
});

describe("the receipt's deadlineMet", () => {
  it("is false for a request completed after its due date", async () => {
    const env = setup(["alpha"], { deadline: "2d" });
    // The provider is down for three days: the erasure completes a day late.
    env.providers.alpha!.fail("delete", { code: "PROVIDER_UNAVAILABLE", times: 3 });
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.drain();
    env.clock.advance(3 * DAY);
    expect(await settle(env, req.id)).toBe("completed");
    const receipt = await env.fanout.receipt(req.id);
    expect(Date.parse(receipt.completedAt)).toBeGreaterThan(Date.parse(receipt.dueAt));
    expect(receipt.deadlineMet).toBe(false);
    expect(await env.fanout.verifyReceipt(receipt)).toMatchObject({ valid: true, auditValid: true });
  });

  it("is true for a request completed exactly at its due date", async () => {
    const env = setup(["alpha"], { deadline: "2d" });
    const req = await env.fanout.erase({ email: EMAIL }, { after: "1d" });
    await env.fanout.drain();
    const { dueAt } = await env.fanout.status(req.id);
    env.clock.advance(Date.parse(dueAt) - env.clock.now());
    expect(await settle(env, req.id)).toBe("completed");
    const receipt = await env.fanout.receipt(req.id);
    expect(receipt.completedAt).toBe(dueAt);
    expect(receipt.deadlineMet).toBe(true);
  });
});

describe("what the delete's outcome decides", () => {
  const withDelete = (deleteResult: Record<string, unknown>, status?: Record<string, unknown>) => {
    const provider = new FakeProvider("alpha");
    provider.seed(EMAIL, 2);
    const base = provider.adapter();
    const env = setup(["alpha"], {
      adapters: [
        {
          ...base,
          delete: async (refs, ctx) => ({ ...(await base.delete(refs, ctx)), ...deleteResult }) as never,
          ...(status ? { status: async () => status as never } : {}),
        },
      ],
    });
    return { env, provider };
  };

  for (const outcome of ["manual_required", "retained", "not_found"] as const) {
    it(`a delete answering ${outcome} ends the branch so, without verifying`, async () => {
      const { env, provider } = withDelete({ outcome, detail: "see the provider's console" });
      const req = await env.fanout.erase({ email: EMAIL });
      expect(await settle(env, req.id)).toBe("completed");
      expect((await env.fanout.receipt(req.id)).branches[0]).toMatchObject({
        outcome,
        detail: "see the provider's console",
      });
      expect(provider.calls.filter((c) => c.op === "status")).toHaveLength(0);
    });
  }

  it("a `done` status keeps an anonymized or scheduled delete's outcome, else says erased", async () => {
    for (const [outcome, expected] of [
      ["anonymized", "anonymized"],
      ["scheduled", "scheduled"],
      ["erased", "erased"],
    ] as const) {
      const { env } = withDelete(
        { outcome, eta: "2026-12-30T00:00:00.000Z" },
        { state: "done", remaining: 0 },
      );
      const req = await env.fanout.erase({ email: EMAIL });
      expect(await settle(env, req.id)).toBe("completed");
      const branch = (await env.fanout.receipt(req.id)).branches[0];
      expect(branch?.outcome, outcome).toBe(expected);
      expect(branch?.eta).toBe("2026-12-30T00:00:00.000Z");
    }
  });

  it("a `scheduled` status without an ETA keeps the delete's", async () => {
    const eta = "2026-12-30T00:00:00.000Z";
    const { env } = withDelete({ outcome: "scheduled", eta }, { state: "scheduled", remaining: 0 });
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    expect((await env.fanout.receipt(req.id)).branches[0]).toMatchObject({ outcome: "scheduled", eta });
  });
});

describe("polling a pending job", () => {
  it("waits the poll interval, doubling after each pending answer", async () => {
    const env = setup(["alpha"], { pollInterval: "1m" });
    env.providers.alpha!.pendingPolls = 3;
    const req = await env.fanout.erase({ email: EMAIL });
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      await env.fanout.drain();
      const branch = (await env.fanout.status(req.id)).branches[0]!;
      expect(branch.state).toBe("waiting_retry");
      const wait = Date.parse(branch.nextAttemptAt!) - env.clock.now();
      waits.push(wait);
      env.clock.advance(wait);
    }
    expect(waits).toEqual([60_000, 120_000, 240_000]);
    expect(await settle(env, req.id)).toBe("completed");
  });

  // A later poll that answers (the job still runs, or records remain) is no longer waiting on the
  // earlier failure: status() must not keep showing it.
  for (const [answer, arrange, next] of [
    ["pending", (a: FakeProvider) => (a.pendingPolls = 2), "verify"],
    ["remaining", (a: FakeProvider) => (a.deletesNotTaking = 1), "relocate"],
  ] as const) {
    it(`a \`${answer}\` answer after a failed poll clears the failure from status()`, async () => {
      const env = setup(["alpha"], { pollInterval: "1m" });
      const alpha = env.providers.alpha!;
      arrange(alpha);
      // A wait long enough not to be taken inline: the failure is committed and shows in status().
      alpha.fail("status", { code: "PROVIDER_UNAVAILABLE", times: 1, retryAfterMs: 600_000 });
      const req = await env.fanout.erase({ email: EMAIL });
      await env.fanout.drain();
      const failed = (await env.fanout.status(req.id)).branches[0]!;
      expect(failed).toMatchObject({ state: "waiting_retry", step: "verify" });
      expect(failed.error?.code).toBe("PROVIDER_UNAVAILABLE");
      env.clock.advance(Date.parse(failed.nextAttemptAt!) - env.clock.now());
      await env.fanout.drain();
      const after = (await env.fanout.status(req.id)).branches[0]!;
      expect(after).toMatchObject({ state: "waiting_retry", step: next, error: null });
    });
  }

  it("deletes again one poll interval after a `remaining` status", async () => {
    const env = setup(["alpha"], { pollInterval: "1m" });
    env.providers.alpha!.deletesNotTaking = 1;
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.drain();
    const branch = (await env.fanout.status(req.id)).branches[0]!;
    expect(branch).toMatchObject({ state: "waiting_retry", step: "relocate" });
    expect(Date.parse(branch.nextAttemptAt!) - env.clock.now()).toBe(60_000);
  });
});
