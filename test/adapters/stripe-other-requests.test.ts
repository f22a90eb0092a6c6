// Stripe redaction jobs of other requests over the same subject: a job holds its objects until it
// ends, and a second job over one of them fails validation (`locked_by_other_job`). A later request
// adopts a job that only holds the subject's objects, cancels one that also reaches someone else's,
// and never takes another request's job into its own undo. Checked through the oracle.
import { describe, expect, it } from "vitest";
import { createOperationContext } from "../../src/testing/index.js";
import { raw, settled, start } from "./stripe-helpers.js";

const jane = { email: "jane@acme.test", name: "Jane Doe" };
const bob = { email: "bob@acme.test", name: "Bob Roe" };
const JOBS = "/v1/privacy/redaction_jobs";

type Charge = { id: string; metadata: Record<string, string> };

describe("stripe: a later request and the job an earlier one left", () => {
  it("adopts and runs the job an erasure left ready when its customer delete did not take", async () => {
    // The simulators' clock stands still until the later request has adopted the job: on a loaded
    // machine the job's (scaled) redaction could otherwise end before that request looks at it.
    let frozenAt: number | undefined = Date.now();
    const sims = await start({ now: () => frozenAt ?? Date.now() });
    await sims.seedSubject(jane, { records: 2 });
    const [adapter] = sims.adapters();
    const first = createOperationContext({ subject: jane });
    const { refs } = await adapter!.locate(first.subject, first);
    const kept = sims.keepOnDelete("stripe", { type: "customer", times: 1 });
    const deletion = await adapter!.delete(refs, first);
    expect(kept.fired).toBe(1);
    expect(await adapter!.status(refs, deletion, first)).toMatchObject({ state: "remaining" });
    const [left] = (deletion.jobs ?? []).map((j) => j.id);

    const later = createOperationContext({ subject: jane });
    const mark = sims.calls("stripe").length;
    const again = await adapter!.delete((await adapter!.locate(later.subject, later)).refs, later);
    const posts = sims
      .calls("stripe")
      .slice(mark)
      .filter((c) => c.method === "POST")
      .map((c) => c.path);
    // No second job over the same objects (it would fail `locked_by_other_job`): the first one runs.
    expect(posts.filter((p) => p === JOBS)).toEqual([]);
    expect(again.jobs?.map((j) => j.id)).toEqual([left]);
    frozenAt = undefined;
    const status = await settled(adapter!, refs, again, later);
    expect(status).toMatchObject({ state: "done", remaining: 0 });
    expect(sims.oracle("stripe", jane).live).toBe(0);
    expect([...sims.simulator("stripe").destructiveApplications().values()].every((n) => n === 1)).toBe(true);
  });

  it("restrict leaves another request's job out of its undo; delete runs it, the owner's unrestrict says so", async () => {
    const sims = await start();
    await sims.seedSubject(jane, { records: 2 });
    const [adapter] = sims.adapters();
    const owner = createOperationContext({ subject: jane });
    const { refs } = await adapter!.locate(owner.subject, owner);
    const ownerUndo = (await adapter!.restrict!(refs, owner)).undo;
    const [job] = (ownerUndo as { jobs: string[] }).jobs;
    const get = raw(sims);

    const other = createOperationContext({ subject: jane });
    const mark = sims.calls("stripe").length;
    const { undo } = await adapter!.restrict!(refs, other);
    expect(
      sims
        .calls("stripe")
        .slice(mark)
        .filter((c) => c.method === "POST" && c.path === JOBS),
    ).toEqual([]);
    expect((undo as { jobs: string[] }).jobs).toEqual([]);
    expect(await adapter!.unrestrict!(refs, undo, other)).toBeUndefined();
    expect((await get("GET", `${JOBS}/${job}`)).body.status).toBe("ready");

    // A third request for the same person reaches its pivot first: it runs the owner's job.
    const third = createOperationContext({ subject: jane });
    const deletion = await adapter!.delete(refs, third);
    expect(await settled(adapter!, refs, deletion, third)).toMatchObject({ state: "done", remaining: 0 });
    expect(sims.oracle("stripe", jane).live).toBe(0);
    expect(await adapter!.unrestrict!(refs, ownerUndo, owner)).toEqual({
      notUndone: [expect.objectContaining({ type: "redaction_job", count: 1, reason: "not_covered" })],
    });
  });

  it("cancels another request's job that also reaches someone else's customer, and redacts with its own", async () => {
    const sims = await start();
    const janeIds = await sims.seedSubject(jane, { records: 2 });
    const bobIds = await sims.seedSubject(bob, { records: 2 });
    const janes = janeIds.stripe?.[0] ?? "";
    const get = raw(sims);
    const foreign = String(
      (
        await get("POST", JOBS, {
          "objects[customers][0]": janes,
          "objects[customers][1]": bobIds.stripe?.[0] ?? "",
        })
      ).body.id,
    );
    const charges = () =>
      get("GET", `/v1/charges?customer=${janes}&limit=100`).then((r) => r.body.data as Charge[]);
    const [marked] = (await charges()).map((c) => c.id).sort();
    await get("POST", `/v1/charges/${marked}`, {
      "metadata[gdpr_fanout_redaction_by]": "req_someone_else",
      "metadata[gdpr_fanout_redaction_jobs]": foreign,
    });
    // Validation takes 2 s × 0.01 of simulated time: wait until the job is ready rather than a fixed
    // while, which a loaded machine (a mutation run beside) can outlast.
    for (let i = 0; i < 250 && (await get("GET", `${JOBS}/${foreign}`)).body.status !== "ready"; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await get("GET", `${JOBS}/${foreign}`)).body.status).toBe("ready");
    const bobBefore = sims.oracle("stripe", bob);

    const [adapter] = sims.adapters();
    const ctx = createOperationContext({ subject: jane });
    const { refs } = await adapter!.locate(ctx.subject, ctx);
    const deletion = await adapter!.delete(refs, ctx);
    expect((await get("GET", `${JOBS}/${foreign}`)).body.status).toBe("canceled");
    const own = (deletion.jobs ?? []).map((j) => j.id);
    expect(own).toHaveLength(1);
    expect(own).not.toContain(foreign);
    // This request's record went on another document: the other request's record is kept.
    const after = await charges();
    expect(after.find((c) => c.id === marked)?.metadata.gdpr_fanout_redaction_by).toBe("req_someone_else");
    expect(after.some((c) => c.metadata.gdpr_fanout_redaction_by === ctx.requestId)).toBe(true);

    expect(await settled(adapter!, refs, deletion, ctx)).toMatchObject({ state: "done", remaining: 0 });
    expect(sims.oracle("stripe", jane).live).toBe(0);
    expect(sims.oracle("stripe", bob)).toEqual(bobBefore);
  });
});

describe("stripe: a job cancelled since its creation", () => {
  it("is not brought back by the replay of its creation key: restrict, unrestrict, restrict, delete", async () => {
    const sims = await start();
    await sims.seedSubject(jane, { records: 2 });
    const [adapter] = sims.adapters();
    const ctx = createOperationContext({ subject: jane });
    const { refs } = await adapter!.locate(ctx.subject, ctx);
    const first = await adapter!.restrict!(refs, ctx);
    expect(await adapter!.unrestrict!(refs, first.undo, ctx)).toBeUndefined();
    // The same request restricts again (a hold lifted, a withdrawal withdrawn): the same objects,
    // so the same creation key, which Stripe answers with the first, now cancelled, job.
    const second = await adapter!.restrict!(refs, ctx);
    const [cancelled] = (first.undo as { jobs: string[] }).jobs;
    const [job] = (second.undo as { jobs: string[] }).jobs;
    expect(job).toBeDefined();
    expect(job).not.toBe(cancelled);
    expect((await raw(sims)("GET", `${JOBS}/${job}`)).body.status).toBe("ready");
    const deletion = await adapter!.delete(refs, ctx);
    expect(await settled(adapter!, refs, deletion, ctx)).toMatchObject({ state: "done", remaining: 0 });
    expect(sims.oracle("stripe", jane).live).toBe(0);
  });
});
