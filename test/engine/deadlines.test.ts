// Art. 12(3) deadlines on an injected clock: received before it was keyed in, a month across
// February, extensions with reasons, expedited closures, and request.overdue once.
import { describe, expect, it } from "vitest";
import { memoryStore } from "../../src/index.js";
import { DAY, EMAIL, settle, setup } from "./helpers.js";

describe("receivedAt", () => {
  it("a request received on Monday and keyed in on Thursday is due a month from Monday; its receipt says so", async () => {
    const env = setup(["alpha"]); // clock: Saturday 2026-11-28 12:00 UTC
    const monday = "2026-11-23T08:15:00.000Z";
    const req = await env.fanout.erase(
      { email: EMAIL },
      { receivedAt: new Date(monday), reason: "subject-request" },
    );
    const status = await env.fanout.status(req.id);
    expect(status.receivedAt).toBe(monday);
    expect(status.dueAt).toBe("2026-12-23T23:59:59.999Z");
    expect(status.deadline).toMatchObject({
      basis: "subject",
      period: "1 month",
      initialDueAt: status.dueAt,
    });
    expect(await settle(env, req.id)).toBe("completed");
    const receipt = await env.fanout.receipt(req.id);
    expect(receipt.receivedAt).toBe(monday);
    expect(Date.parse(receipt.receivedAt!)).toBeLessThan(Date.parse(receipt.createdAt));
    expect(receipt.dueAt).toBe("2026-12-23T23:59:59.999Z");
    expect(receipt.deadline.basis).toBe("subject");
    expect((await env.fanout.verifyReceipt(receipt)).valid).toBe(true);
    const created = (await env.fanout.audit(req.id)).entries[0]!;
    expect(created.data).toMatchObject({ receivedAt: monday, deadline: "1 month" });
  });

  it("refuses a receivedAt in the future (or unreadable), recording nothing", async () => {
    const env = setup(["alpha"]);
    for (const receivedAt of [env.clock.now() + 1, "2026-11-29T00:00:00Z", "yesterday", Number.NaN]) {
      await expect(env.fanout.erase({ email: EMAIL }, { receivedAt })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        details: { argument: "receivedAt" },
      });
    }
    expect((await env.fanout.list()).items).toEqual([]);
  });

  it("defaults to one calendar month: received 31 January, due on the last day of February", async () => {
    const env = setup(["alpha"]);
    env.clock.advance(Date.parse("2027-01-31T16:00:00Z") - env.clock.now());
    const req = await env.fanout.erase({ email: EMAIL });
    expect((await env.fanout.status(req.id)).dueAt).toBe("2027-02-28T23:59:59.999Z");
    // Not yet overdue on the last day of February; overdue on 1 March.
    env.clock.advance(Date.parse("2027-02-28T23:00:00Z") - env.clock.now());
    expect((await env.fanout.status(req.id)).overdue).toBe(false);
    env.clock.advance(Date.parse("2027-03-01T00:00:00Z") - env.clock.now());
    expect((await env.fanout.status(req.id)).overdue).toBe(true);
  });

  it("the company may promise less than the law: deadline 14d, and a time zone for calendar days", async () => {
    const env = setup(["alpha"], { deadline: "14d", timeZone: "Europe/Amsterdam" });
    const req = await env.fanout.erase({ email: EMAIL });
    // 28 November 13:00 in Amsterdam + 14 days ends at midnight on 12 December, Amsterdam time.
    expect((await env.fanout.status(req.id)).dueAt).toBe("2026-12-12T22:59:59.999Z");
    expect(() => setup(["alpha"], { timeZone: "Mars/Olympus" })).toThrowError(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});

describe("extend (Art. 12(3))", () => {
  it("extends with a reason, at most two further months in total, decided within the initial period; audited", async () => {
    const env = setup(["alpha"]);
    env.providers.alpha!.fail("locate", { code: "PROVIDER_UNAVAILABLE", times: 1_000 });
    const req = await env.fanout.export({ email: EMAIL }, { to: "/tmp/never-written", wait: false });
    await expect(env.fanout.extend(req.id, { by: "1 month" } as never)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      details: { argument: "reason" },
    });
    const once = await env.fanout.extend(req.id, {
      by: "1 month",
      reason: "complex: records at seven processors, ask jane.doe@acme.test",
    });
    expect(once.dueAt).toBe("2027-01-28T23:59:59.999Z"); // 28 Nov + 2 months
    expect(once.deadline.initialDueAt).toBe("2026-12-28T23:59:59.999Z");
    expect(once.deadline.extensions).toEqual([
      {
        by: "1 month",
        reason: "complex: records at seven processors, ask [redacted]",
        at: "2026-11-28T12:00:00.000Z",
        dueAt: once.dueAt,
      },
    ]);
    env.clock.advance(10 * DAY);
    const twice = await env.fanout.extend(req.id, { by: "1 month", reason: "a processor's export is slow" });
    expect(twice.dueAt).toBe("2027-02-28T23:59:59.999Z");
    await expect(env.fanout.extend(req.id, { by: "1 day", reason: "more" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("two further months"),
    });
    const audit = (await env.fanout.audit(req.id)).entries.filter((e) => e.type === "request.extended");
    expect(audit.map((e) => e.data)).toEqual([
      { by: "1 month", reason: "complex: records at seven processors, ask [redacted]" },
      { by: "1 month", reason: "a processor's export is slow" },
    ]);
    expect(env.events.filter((e) => e.type === "request.extended")).toHaveLength(2);
  });

  it("refuses an extension after the initial period, past two months at once, or for a closure", async () => {
    const env = setup(["alpha"]);
    env.providers.alpha!.fail("locate", { code: "PROVIDER_UNAVAILABLE", times: 1_000 });
    const req = await env.fanout.erase({ email: EMAIL });
    await expect(env.fanout.extend(req.id, { by: "3 months", reason: "x" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    const closure = await env.fanout.erase({ email: "b@acme.test" }, { after: "90d" });
    await expect(env.fanout.extend(closure.id, { by: "1 month", reason: "x" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("expedite"),
    });
    env.clock.advance(31 * DAY);
    await expect(env.fanout.extend(req.id, { by: "1 month", reason: "late" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("within the initial period"),
    });
  });
});

describe("request.overdue", () => {
  it("is emitted once by the worker when an open request passes its due date, even a held one, and not again after a restart", async () => {
    const store = memoryStore();
    const env = setup(["alpha"], { store, deadline: "14d" });
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.hold(req.id, "litigation 2026-7");
    await env.fanout.drain();
    expect((await env.fanout.status(req.id)).state).toBe("held");
    // The held request sleeps, but the worker is woken for its due date.
    const wake = await store.nextWake();
    expect(new Date(wake!).toISOString()).toBe("2026-12-13T00:00:00.000Z");
    env.clock.advance(wake! - env.clock.now());
    await env.fanout.drain();
    const overdue = env.events.filter((e) => e.type === "request.overdue");
    expect(overdue).toEqual([
      expect.objectContaining({ requestId: req.id, dueAt: "2026-12-12T23:59:59.999Z", state: "held" }),
    ]);
    const status = await env.fanout.status(req.id);
    expect(status.overdue).toBe(true);
    expect(status.deadline.overdueSince).toBe("2026-12-13T00:00:00.000Z");
    expect((await env.fanout.list({ overdue: true })).items.map((r) => r.id)).toEqual([req.id]);
    // A second worker process on the same store, the request woken again: no second event.
    const restarted = setup(["alpha"], { store, deadline: "14d", now: env.clock.now });
    await restarted.fanout.release(req.id);
    await restarted.fanout.hold(req.id, "litigation 2026-7");
    await restarted.fanout.drain();
    expect(restarted.events.filter((e) => e.type === "request.overdue")).toEqual([]);
    const entries = (await env.fanout.audit(req.id)).entries.filter((e) => e.type === "request.overdue");
    expect(entries.map((e) => e.data)).toEqual([{ dueAt: "2026-12-12T23:59:59.999Z" }]);
  });

  it("is emitted for a request waiting for a person (needs attention) when it passes its due date", async () => {
    const env = setup(["alpha"], { deadline: "14d" });
    env.providers.alpha!.fail("locate", { code: "VALIDATION", times: 1_000 });
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.drain();
    expect((await env.fanout.status(req.id)).state).toBe("needs_attention");
    env.clock.advance(15 * DAY);
    await env.fanout.drain();
    expect(env.events.filter((e) => e.type === "request.overdue")).toHaveLength(1);
    await env.fanout.drain();
    expect(env.events.filter((e) => e.type === "request.overdue")).toHaveLength(1);
    expect(await env.store.nextWake()).toBeNull(); // parked again: it waits for retry()
  });

  it("is not emitted for a request answered in time", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    env.clock.advance(60 * DAY);
    await env.fanout.drain();
    expect(env.events.some((e) => e.type === "request.overdue")).toBe(false);
  });
});

describe("expedite", () => {
  it("turns a waiting closure into a subject request: the wait ends now, the deadline runs from receivedAt", async () => {
    const env = setup(["alpha", "beta"]);
    const req = await env.fanout.erase({ email: EMAIL }, { after: "90d", reason: "account-closed" });
    await env.fanout.drain();
    let status = await env.fanout.status(req.id);
    expect(status.state).toBe("waiting");
    expect(status.receivedAt).toBeNull();
    expect(status.deadline.basis).toBe("controller"); // the controller's own commitment, not Art. 12
    expect(status.dueAt).toBe("2027-03-26T23:59:59.999Z"); // 90 days (26 February), then a month
    env.clock.advance(20 * DAY); // 18 December; the person wrote on 15 December
    const asked = "2026-12-15T09:00:00.000Z";
    status = await env.fanout.expedite(req.id, { receivedAt: asked });
    expect(status.receivedAt).toBe(asked);
    expect(status.deadline.basis).toBe("subject");
    expect(status.dueAt).toBe("2027-01-15T23:59:59.999Z");
    expect(status.after).toBe("2026-12-18T12:00:00.000Z");
    expect(status.deadline.expedited).toEqual({
      at: "2026-12-18T12:00:00.000Z",
      receivedAt: asked,
      previousAfter: "2027-02-26T12:00:00.000Z",
    });
    await env.fanout.drain(); // no clock movement: the wait is over
    expect((await env.fanout.status(req.id)).state).toBe("completed");
    expect(env.providers.alpha!.live(EMAIL)).toEqual([]);
    const receipt = await env.fanout.receipt(req.id);
    expect(receipt).toMatchObject({ receivedAt: asked, answeredInTime: true });
    expect(receipt.deadline.expedited?.receivedAt).toBe(asked);
    expect(env.events.some((e) => e.type === "request.expedited")).toBe(true);
    await expect(env.fanout.expedite(req.id)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("refuses a receivedAt in the future, and a subject's request cannot wait past its due date", async () => {
    const env = setup(["alpha"]);
    const req = await env.fanout.erase({ email: EMAIL }, { after: "90d" });
    await expect(env.fanout.expedite(req.id, { receivedAt: env.clock.now() + DAY })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    await expect(
      env.fanout.erase({ email: "c@acme.test" }, { after: "90d", receivedAt: env.clock.now() }),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", details: { argument: "after" } });
    // A short window inside the month is fine for a subject's request.
    const short = await env.fanout.erase(
      { email: "c@acme.test" },
      { after: "7d", receivedAt: env.clock.now() },
    );
    expect((await env.fanout.status(short.id)).deadline.basis).toBe("subject");
  });
});
