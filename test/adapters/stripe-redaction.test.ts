// Stripe redaction jobs across the saga: created and validated in restrict (cancelled by
// unrestrict), run by delete; Stripe's 90-day rule for transactions as a residual with its date;
// the 10-object limit per job; and what unrestrict cannot undo. Checked through the oracle.
import { describe, expect, it } from "vitest";
import { createOperationContext, createStripeSimulator } from "../../src/testing/index.js";
import { DAY, movableClock, raw, settled, start } from "./stripe-helpers.js";

const jane = { email: "jane@acme.test", name: "Jane Doe" };
const JOBS = "/v1/privacy/redaction_jobs";

describe("stripe redaction job before the pivot", () => {
  it("restrict creates and validates the job, unrestrict cancels it", async () => {
    const sims = await start();
    await sims.seedSubject(jane, { records: 2 });
    const [adapter] = sims.adapters();
    const ctx = createOperationContext({ subject: jane });
    const { refs } = await adapter!.locate(ctx.subject, ctx);
    const before = sims.oracle("stripe", jane);
    const result = await adapter!.restrict!(refs, ctx);
    const jobs = (result.undo as { jobs: string[] }).jobs;
    expect(jobs).toHaveLength(1);
    const get = raw(sims);
    // Validated before restrict returned; nothing redacted yet.
    expect((await get("GET", `${JOBS}/${jobs[0]}`)).body.status).toBe("ready");
    expect(sims.oracle("stripe", jane).live).toBe(before.live);
    expect(sims.simulator("stripe").destructiveApplications().size).toBe(0);

    expect(await adapter!.unrestrict!(refs, result.undo, ctx)).toBeUndefined();
    expect((await get("GET", `${JOBS}/${jobs[0]}`)).body.status).toBe("canceled");
    // The marker recording the job is gone from the subject's charges.
    const charges = (await get("GET", `/v1/charges?customer=${refs[0]?.id}&limit=100`)).body.data as {
      metadata: Record<string, string>;
    }[];
    expect(charges.every((c) => Object.keys(c.metadata).length === 0)).toBe(true);
    expect(sims.oracle("stripe", jane)).toEqual(before);
  });

  it("delete runs the job restrict prepared, even long after Stripe forgot the idempotency key", async () => {
    const clock = movableClock();
    const sims = await start({ now: clock.now });
    await sims.seedSubject(jane, { records: 3 });
    const [adapter] = sims.adapters();
    const ctx = createOperationContext({ subject: jane, now: clock.date });
    const { refs } = await adapter!.locate(ctx.subject, ctx);
    const { undo } = await adapter!.restrict!(refs, ctx);
    const [job] = (undo as { jobs: string[] }).jobs;
    clock.advance(30 * DAY); // the retention window; Stripe keeps idempotency keys for 24 hours
    const mark = sims.calls("stripe").length;
    const deletion = await adapter!.delete(refs, ctx);
    const created = sims
      .calls("stripe")
      .slice(mark)
      .filter((c) => c.method === "POST" && c.path === JOBS);
    expect(created).toEqual([]);
    expect(deletion.jobs).toEqual([{ id: job, kind: "redaction_job", status: "redacting" }]);
    const status = await settled(adapter!, refs, deletion, ctx);
    expect(status).toMatchObject({ state: "done", remaining: 0 });
    expect(status.residual).toBeUndefined();
    expect(sims.oracle("stripe", jane).live).toBe(0);
    expect([...sims.simulator("stripe").destructiveApplications().values()].every((n) => n === 1)).toBe(true);
  });
});

describe("stripe transactions younger than 90 days", () => {
  it("are a residual with the day they become redactable, not a failed job; everything else is redacted", async () => {
    const clock = movableClock();
    // Twelve of everything, the last two charges ten days old: the customer cannot be the root of a
    // job (its cascade would reach them), and its 36 other documents need four jobs of ten.
    const sims = await start({ now: clock.now, providers: [createStripeSimulator({ recentCharges: 2 })] });
    await sims.seedSubject(jane, { records: 12 });
    const [adapter] = sims.adapters();
    const ctx = createOperationContext({ subject: jane, now: clock.date });
    const { refs } = await adapter!.locate(ctx.subject, ctx);
    await adapter!.restrict!(refs, ctx);
    const deletion = await adapter!.delete(refs, ctx);
    expect(deletion.jobs?.length).toBe(4);
    const status = await settled(adapter!, refs, deletion, ctx);
    expect(status.state).toBe("done");
    const charges = (await raw(sims)("GET", `/v1/charges?customer=${refs[0]?.id}&limit=100`)).body.data as {
      created: number;
      disputed: boolean;
    }[];
    const iso = (created: number) => new Date((created + 91 * 86_400) * 1000).toISOString();
    const young = charges.filter((c) => c.created > clock.now() / 1000 - 90 * 86_400);
    expect(young).toHaveLength(2);
    const until = iso(Math.max(...young.map((c) => c.created)));
    const disputed = young.find((c) => c.disputed);
    expect(status.residual).toEqual([
      expect.objectContaining({ type: "charge", count: 2, reason: "not_covered", until }),
      expect.objectContaining({
        type: "dispute",
        count: 1,
        reason: "not_covered",
        until: iso(disputed!.created),
      }),
      expect.objectContaining({ type: "payment_intent", count: 2, reason: "not_covered", until }),
      // The customer could not be the root of a job: what only its redaction reaches stays.
      expect.objectContaining({ type: "customer", count: 1, reason: "not_covered" }),
    ]);
    expect(deletion.residual).toEqual(status.residual);
    expect(JSON.stringify(status.residual)).not.toContain(jane.email);
    const oracle = sims.oracle("stripe", jane);
    expect(oracle.byType).toMatchObject({
      customer: { live: 0 },
      charge: { live: 2 },
      payment_intent: { live: 2 },
      invoice: { live: 0 },
      "checkout.session": { live: 0 },
      dispute: { live: 1 },
      file: { live: 1 },
    });
    expect(oracle.live).toBe(6);

    // After the date, a follow-up erasure by id finds the deleted customer and redacts the rest.
    clock.advance(100 * DAY);
    const later = createOperationContext({
      subject: { ids: { stripe: refs.map((r) => r.id) } },
      now: clock.date,
    });
    const again = await adapter!.locate(later.subject, later);
    expect(again.refs).toEqual(refs);
    const second = await adapter!.delete(again.refs, later);
    expect(second.residual).toBeUndefined();
    expect((await settled(adapter!, again.refs, second, later)).state).toBe("done");
    expect(sims.oracle("stripe", jane).live).toBe(0);
    expect([...sims.simulator("stripe").destructiveApplications().values()].every((n) => n === 1)).toBe(true);
  });
});

describe("stripe transactions that turn 90 days old during the wait", () => {
  it("delete replaces restrict's jobs by one rooted at the customer, and reports nothing left", async () => {
    const clock = movableClock();
    const sims = await start({ now: clock.now, providers: [createStripeSimulator({ recentCharges: 1 })] });
    await sims.seedSubject(jane, { records: 3 });
    const [adapter] = sims.adapters();
    const ctx = createOperationContext({ subject: jane, now: clock.date });
    const { refs } = await adapter!.locate(ctx.subject, ctx);
    const { undo } = await adapter!.restrict!(refs, ctx);
    const get = raw(sims);
    const objectsOf = async (id: string) =>
      (await get("GET", `${JOBS}/${id}?expand[]=objects`)).body.objects as Record<string, string[] | null>;
    const before = (undo as { jobs: string[] }).jobs;
    expect(before.length).toBeGreaterThan(0);
    for (const id of before) expect((await objectsOf(id)).customers).toBeNull();

    clock.advance(100 * DAY); // the young charge is now 110 days old
    const deletion = await adapter!.delete(refs, ctx);
    for (const id of before) expect((await get("GET", `${JOBS}/${id}`)).body.status).toBe("canceled");
    const jobs = deletion.jobs ?? [];
    expect(jobs).toHaveLength(1);
    expect((await objectsOf(jobs[0]!.id)).customers).toEqual([refs[0]?.id]);
    const status = await settled(adapter!, refs, deletion, ctx);
    expect(status).toMatchObject({ state: "done", remaining: 0 });
    expect(status.residual).toBeUndefined();
    expect(sims.oracle("stripe", jane).live).toBe(0);
    expect([...sims.simulator("stripe").destructiveApplications().values()].every((n) => n === 1)).toBe(true);
  });
});

describe("stripe unrestrict", () => {
  it("reports the subscriptions that ended during the wait instead of claiming success", async () => {
    const clock = movableClock();
    const sims = await start({ now: clock.now });
    await sims.seedSubject(jane, { records: 4 });
    const [adapter] = sims.adapters();
    const ctx = createOperationContext({ subject: jane, now: clock.date });
    const { refs } = await adapter!.locate(ctx.subject, ctx);
    const { undo, restricted } = await adapter!.restrict!(refs, ctx);
    expect(restricted).toBe(2);
    expect(sims.oracle("stripe", jane).restricted).toBe(3); // ours and one the customer set
    clock.advance(40 * DAY); // every period ends within 30 days
    expect(sims.oracle("stripe", jane).restricted).toBe(0);
    const subs = (await raw(sims)("GET", `/v1/subscriptions?customer=${refs[0]?.id}&status=all&limit=100`))
      .body.data as { status: string }[];
    expect(subs.filter((s) => s.status === "active")).toHaveLength(0);

    const result = await adapter!.unrestrict!(refs, undo, ctx);
    expect(result).toEqual({
      notUndone: [expect.objectContaining({ type: "subscription", count: 2, reason: "not_covered" })],
    });
    // Nothing was resumed (an ended subscription cannot be), and the job was cancelled.
    expect(sims.oracle("stripe", jane).byType.subscription).toEqual({ live: 4, trashed: 0 });
    const job = (undo as { jobs: string[] }).jobs[0];
    expect((await raw(sims)("GET", `${JOBS}/${job}`)).body.status).toBe("canceled");
  });
});
