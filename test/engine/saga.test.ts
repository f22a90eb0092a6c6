import { describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { FakeProvider } from "./fake-provider.js";
import { DAY, EMAIL, SECRET, settle, setup } from "./helpers.js";

describe("erasure saga", () => {
  it("restricts at once, waits the retention window, then erases, verifies and signs", async () => {
    const env = setup();
    const req = await env.fanout.erase({ email: EMAIL }, { after: "90d", reason: "account-closed" });
    expect(req).toMatchObject({ state: "pending", created: true });
    await env.fanout.drain();
    const waiting = await env.fanout.status(req.id);
    expect(waiting.state).toBe("waiting");
    for (const p of Object.values(env.providers)) {
      expect(p.live(EMAIL).map((r) => r.restrictedBy)).toEqual([req.id, req.id]);
    }
    env.clock.advance(89 * DAY);
    await env.fanout.drain();
    expect(Object.values(env.providers).every((p) => p.live(EMAIL).length === 2)).toBe(true);
    env.clock.advance(DAY);
    expect(await settle(env, req.id)).toBe("completed");
    for (const p of Object.values(env.providers)) {
      expect(p.live(EMAIL)).toHaveLength(0);
      expect([...p.applied.values()].every((n) => n === 1)).toBe(true);
    }
    const status = await env.fanout.status(req.id);
    expect(status.branches.map((b) => b.outcome)).toEqual(["erased", "erased", "erased"]);
    expect(status.pivotAt).not.toBeNull();
    const receipt = await env.fanout.receipt(req.id);
    expect(receipt.branches.map((b) => [b.adapter, b.records, b.deleted])).toEqual([
      ["alpha", 2, 2],
      ["beta", 2, 2],
      ["gamma", 2, 2],
    ]);
    expect(receipt.deadlineMet).toBe(true); // due 30 days after the retention window ends
    expect(await env.fanout.verifyReceipt(receipt)).toEqual({
      valid: true,
      auditValid: true,
      keyId: receipt.signature.keyId,
    });
  });

  it("runs branches concurrently: every branch's delete is in flight at the same time", async () => {
    // Overlap is counted, not timed: a wall-clock bound flakes on a loaded machine, an overlap of
    // calls that each take 30 ms does not.
    const ids = ["a1", "a2", "a3", "a4"];
    const providers = ids.map((id) => new FakeProvider(id));
    const inFlight = new Map<string, number>();
    const most = new Map<string, number>();
    for (const p of providers) {
      p.seed(EMAIL);
      p.latencyMs = 30;
      const enter = p.enter.bind(p);
      p.enter = async (op, requestId) => {
        inFlight.set(op, (inFlight.get(op) ?? 0) + 1);
        most.set(op, Math.max(most.get(op) ?? 0, inFlight.get(op) ?? 0));
        try {
          await enter(op, requestId);
        } finally {
          inFlight.set(op, (inFlight.get(op) ?? 0) - 1);
        }
      };
    }
    const fanout = createFanout({
      adapters: providers.map((p) => p.adapter()),
      store: memoryStore(),
      secret: SECRET,
    });
    const req = await fanout.erase({ email: EMAIL });
    await fanout.drain();
    expect((await fanout.status(req.id)).state).toBe("completed");
    for (const op of ["locate", "restrict", "delete", "status"]) expect(most.get(op), op).toBe(4);
  });

  it("is idempotent per idempotency key, and refuses the key for another subject", async () => {
    const env = setup();
    const a = await env.fanout.erase({ email: EMAIL }, { idempotencyKey: "acct-42-closure" });
    const b = await env.fanout.erase(
      { email: ` ${EMAIL.toUpperCase()} ` },
      { idempotencyKey: "acct-42-closure" },
    );
    expect(b).toMatchObject({ id: a.id, created: false });
    await expect(
      env.fanout.erase({ email: "other@acme.test" }, { idempotencyKey: "acct-42-closure" }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect((await env.fanout.list()).items).toHaveLength(1);
  });

  it("records an unknown subject as not_found and completes", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: "nobody@acme.test" });
    expect(await settle(env, req.id)).toBe("completed");
    expect((await env.fanout.status(req.id)).branches[0]?.outcome).toBe("not_found");
    // An immediate erasure reuses the first locate at the pivot (see fresh-locate.ts).
    expect(env.providers.alpha!.calls.map((c) => c.op)).toEqual(["locate"]);
  });
});

describe("failure rules", () => {
  it("retries transient errors with durable attempt counters and backoff", async () => {
    const env = setup(["alpha"]);
    env.providers.alpha!.fail("delete", { code: "PROVIDER_UNAVAILABLE", times: 5 });
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.drain();
    const s = await env.fanout.status(req.id);
    // 3 quick in-process tries make one durable attempt; then a durable retry is scheduled.
    expect(s.branches[0]).toMatchObject({ state: "waiting_retry", step: "delete", attempt: 1 });
    expect(Date.parse(s.branches[0]!.nextAttemptAt!)).toBeGreaterThan(env.clock.now());
    expect(await settle(env, req.id)).toBe("completed");
    const steps = await env.store.steps(req.id);
    expect(steps.filter((x) => x.step === "delete").map((x) => [x.attempt, x.status])).toEqual([
      [1, "retrying"],
      [2, "succeeded"],
    ]);
  });

  it("honours Retry-After from a rate limit", async () => {
    const env = setup(["alpha"]);
    env.providers.alpha!.fail("locate", { code: "RATE_LIMITED", times: 1, retryAfterMs: 45_000 });
    const req = await env.fanout.erase({ email: EMAIL });
    const t0 = env.clock.now();
    await env.fanout.drain();
    const s = await env.fanout.status(req.id);
    expect(Date.parse(s.branches[0]!.nextAttemptAt!) - t0).toBeGreaterThanOrEqual(45_000);
    expect(await settle(env, req.id)).toBe("completed");
  });

  it("aborts on a non-retryable error before the pivot and compensates in reverse order", async () => {
    const env = setup(["alpha", "beta", "gamma"]);
    env.providers.gamma!.latencyMs = 30; // gamma restricts last
    env.providers.beta!.latencyMs = 15;
    const order: string[] = [];
    for (const p of Object.values(env.providers)) {
      const enter = p.enter.bind(p);
      p.enter = async (op, requestId) => {
        if (op === "unrestrict") order.push(p.id);
        return enter(op, requestId);
      };
    }
    const req = await env.fanout.erase({ email: EMAIL }, { after: "30d" });
    await env.fanout.drain();
    expect((await env.fanout.status(req.id)).state).toBe("waiting");
    // Another request fails validation in alpha's locate: separate saga, alpha's own.
    env.providers.alpha!.fail("locate", { code: "VALIDATION", times: 1 });
    const bad = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, bad.id)).toBe("needs_attention");
    const s = await env.fanout.status(bad.id);
    expect(s.attention).toMatchObject({ code: "VALIDATION" });
    expect(s.branches.find((b) => b.adapter === "alpha")).toMatchObject({
      state: "failed",
      outcome: "failed",
    });
    expect(order).toEqual(["gamma", "beta"]);
    // The first request's restrictions are untouched; the failed one's were undone.
    for (const p of Object.values(env.providers))
      expect(p.live(EMAIL).every((r) => r.restrictedBy === req.id)).toBe(true);
    expect(Object.values(env.providers).every((p) => p.applied.size === 0)).toBe(true);
  });

  it("lets an optional adapter fail without aborting the saga", async () => {
    const env = setup(["alpha", "beta"], { adapterOptions: { beta: { optional: true } } });
    env.providers.beta!.fail("locate", { code: "AUTHENTICATION", times: 1 });
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    const s = await env.fanout.status(req.id);
    expect(s.branches.map((b) => b.outcome)).toEqual(["erased", "failed"]);
    expect(env.providers.alpha!.live(EMAIL)).toHaveLength(0);
  });

  it("after the pivot retries until the limit, then needs attention; retry() resumes from the failed step only", async () => {
    const env = setup(["alpha", "beta"]);
    env.providers.beta!.fail("delete", { code: "PROVIDER_UNAVAILABLE", times: 1000 });
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("needs_attention");
    let s = await env.fanout.status(req.id);
    expect(s.pivotAt).not.toBeNull();
    expect(s.attention).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    expect(s.branches.map((b) => b.state)).toEqual(["done", "failed"]);
    const deletesBefore = (await env.store.steps(req.id)).filter(
      (x) => x.step === "delete" && x.adapterId === "beta",
    ).length;
    expect(deletesBefore).toBe(4); // maximumAttempts of the fake's policy
    const alphaCalls = env.providers.alpha!.calls.length;
    env.providers.beta!.failures.clear();
    await expect(env.fanout.withdraw(req.id)).rejects.toMatchObject({ code: "PAST_PIVOT" });
    await env.fanout.retry(req.id);
    expect(await settle(env, req.id)).toBe("completed");
    s = await env.fanout.status(req.id);
    expect(s.branches.map((b) => b.outcome)).toEqual(["erased", "erased"]);
    expect(env.providers.alpha!.calls.length).toBe(alphaCalls); // nothing finished re-ran
    // One locate: the pivot reused it (immediate erasure), and retry() did not locate again.
    expect(env.providers.beta!.calls.filter((c) => c.op === "locate")).toHaveLength(1);
  });
});

describe("withdraw and hold", () => {
  it("withdraw before the pivot undoes restrictions and shreds the subject", async () => {
    const env = setup();
    const req = await env.fanout.erase({ email: EMAIL }, { after: "90d" });
    await env.fanout.drain();
    await env.fanout.withdraw(req.id);
    expect(await settle(env, req.id)).toBe("withdrawn");
    for (const p of Object.values(env.providers)) {
      expect(p.live(EMAIL).every((r) => r.restrictedBy === null)).toBe(true);
      expect(p.applied.size).toBe(0);
    }
    expect((await env.store.getRequest(req.id))?.sealed).toBeNull();
    expect((await env.fanout.status(req.id)).branches.map((b) => b.compensation?.state)).toEqual([
      "done",
      "done",
      "done",
    ]);
    await expect(env.fanout.withdraw(req.id)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("withdraw after the pivot is refused with a typed error", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: EMAIL });
    await settle(env, req.id);
    await expect(env.fanout.withdraw(req.id)).rejects.toMatchObject({ code: "PAST_PIVOT", retryable: false });
  });

  it("a legal hold blocks the pivot until released", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: EMAIL }, { after: "14d" });
    await env.fanout.drain();
    await env.fanout.hold(req.id, "police request 2026-118");
    env.clock.advance(30 * DAY);
    expect(await settle(env, req.id)).toBe("held");
    expect(env.providers.alpha!.live(EMAIL)).toHaveLength(2);
    const held = await env.fanout.status(req.id);
    expect(held).toMatchObject({ state: "held", hold: "police request 2026-118", pivotAt: null });
    await env.fanout.release(req.id);
    expect(await settle(env, req.id)).toBe("completed");
    expect(env.providers.alpha!.live(EMAIL)).toHaveLength(0);
    const types = (await env.fanout.audit(req.id)).entries.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(["request.held", "request.released", "request.pivoted", "request.completed"]),
    );
  });

  it("a failed compensation is retried and shows as COMPENSATION_FAILED in status", async () => {
    const env = setup(["alpha", "beta"]);
    const req = await env.fanout.erase({ email: EMAIL }, { after: "90d" });
    await env.fanout.drain();
    env.providers.alpha!.fail("unrestrict", { code: "PROVIDER_UNAVAILABLE", times: 3 });
    await env.fanout.withdraw(req.id);
    await env.fanout.drain();
    const s = await env.fanout.status(req.id);
    expect(s.state).toBe("compensating");
    expect(s.attention).toMatchObject({ code: "COMPENSATION_FAILED" });
    expect(s.branches.find((b) => b.adapter === "alpha")?.compensation).toMatchObject({
      state: "failed",
      error: { code: "COMPENSATION_FAILED" },
    });
    expect(env.events.some((e) => e.type === "compensation.failed")).toBe(true);
    expect(await settle(env, req.id)).toBe("withdrawn");
    expect(env.providers.alpha!.live(EMAIL).every((r) => r.restrictedBy === null)).toBe(true);
  });
});

describe("verification", () => {
  it("polls a pending provider job until done", async () => {
    const env = setup(["alpha"]);
    env.providers.alpha!.pendingPolls = 3;
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.drain();
    expect((await env.fanout.status(req.id)).state).toBe("verifying");
    expect(await settle(env, req.id)).toBe("completed");
    expect(env.providers.alpha!.calls.filter((c) => c.op === "status")).toHaveLength(4);
    expect((await env.fanout.status(req.id)).branches[0]?.jobs).toEqual([
      { id: `job_${req.id}`, kind: "purge" },
    ]);
  });
});
