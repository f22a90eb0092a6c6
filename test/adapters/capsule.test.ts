import { afterEach, describe, expect, it } from "vitest";
import { capsuleAdapter } from "../../adapters/capsule/index.js";
import type { DeleteResult, OperationContext, SubprocessorAdapter } from "../../src/adapter.js";
import { type FanoutError, isFanoutError } from "../../src/errors.js";
import { normalizeSubject } from "../../src/subject.js";
import { runAdapterConformance } from "../../src/testing/conformance/index.js";
import { createOperationContext } from "../../src/testing/context.js";
import { createSimEnvironment } from "../../src/testing/environment.js";
import { type SimCall, type SimLayer, serveHttp } from "../../src/testing/serve.js";
import { serveNock } from "../../src/testing/serve-nock.js";
import {
  type CapsuleSimulator,
  type CapsuleSimulatorOptions,
  capsuleSimulator,
  createCapsuleSimulator,
} from "../../src/testing/simulators/capsule/index.js";

// The shared suite, over HTTP and nock, with Capsule's defaults (party deletes answer 204).
runAdapterConformance({ simulator: capsuleSimulator });
// Again with every party delete going through a 202 job, so delete/verify cases poll `GET /jobs/{id}`.
runAdapterConformance({
  simulator: createCapsuleSimulator({ asyncDeleteThreshold: 0, jobDelayMs: 5_000 }),
  name: "adapter conformance: capsule (party deletes as 202 jobs)",
});

const SUBJECT = { email: "jane.doe@acme.test", name: "Jane Doe", phone: "+447700900123" };
const OTHER = { email: "someone.else@example.test" };
const IDENTIFIERS = [SUBJECT.email, SUBJECT.name, SUBJECT.phone, "447700900123"];

interface Harness {
  sim: CapsuleSimulator;
  adapter: SubprocessorAdapter;
  calls: SimCall[];
  baseUrl: string;
  /** Answers every request with this error until cleared; or resets the connection of the n-th request. */
  fault: { status?: number; retryAfterMs?: number; resetAfterHandling?: number };
  /** Advances the simulator's clock. */
  advance(ms: number): void;
  ctx(requestId?: string): OperationContext;
  partyId: string;
}

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.();
});

async function harness(
  transport: "http" | "nock",
  options: CapsuleSimulatorOptions = {},
  seedRecords = 5,
): Promise<Harness> {
  let clock = Date.now();
  const factory = createCapsuleSimulator(options);
  const env = createSimEnvironment({ pageSize: 2, now: () => clock });
  const sim = factory.create(env);
  const [partyId] = sim.seed(SUBJECT, { records: seedRecords });
  const calls: SimCall[] = [];
  const fault: Harness["fault"] = {};
  const layer: SimLayer = async (_req, next) => {
    if (fault.resetAfterHandling !== undefined && --fault.resetAfterHandling === 0) {
      delete fault.resetAfterHandling;
      await next(); // the effect is applied, the response is lost
      return { fault: "reset" };
    }
    if (fault.status === undefined) return next();
    return sim.errorResponse(
      fault.status,
      fault.retryAfterMs === undefined ? {} : { retryAfterMs: fault.retryAfterMs },
    );
  };
  const serveOptions = { layers: [layer], log: (c: SimCall) => calls.push(c), now: () => clock };
  const serving =
    transport === "http"
      ? await serveHttp(sim, serveOptions)
      : await serveNock(sim, "https://api.capsulecrm.com", serveOptions);
  open.push(() => serving.close());
  const adapter = factory.createAdapter(sim.adapterOptions(serving.baseUrl));
  return {
    sim,
    adapter,
    calls,
    baseUrl: serving.baseUrl,
    fault,
    advance: (ms) => {
      clock += ms;
    },
    ctx: (requestId) => createOperationContext({ subject: SUBJECT, ...(requestId ? { requestId } : {}) }),
    partyId: partyId!,
  };
}

async function failure(promise: Promise<unknown>): Promise<FanoutError> {
  try {
    await promise;
  } catch (error) {
    if (isFanoutError(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

function expectNoLeak(value: unknown, secrets: readonly string[] = []) {
  const text = JSON.stringify(value) + (value instanceof Error ? String(value.stack) : "");
  for (const needle of [...IDENTIFIERS, ...secrets])
    expect(text.toLowerCase()).not.toContain(needle.toLowerCase());
}

const subject = normalizeSubject(SUBJECT);

describe.each(["http", "nock"] as const)("capsule adapter over %s", (transport) => {
  it("locates by email and exports party, entries, attachments, opportunities and projects across pages", async () => {
    const h = await harness(transport);
    const ctx = h.ctx();
    const { refs } = await h.adapter.locate(subject, ctx);
    expect(refs).toEqual([{ type: "party", id: h.partyId }]);
    expectNoLeak(refs);

    const result = await h.adapter.export(refs, ctx);
    const types = result.records.map((r) => r.type);
    const count = (t: string) => types.filter((x) => x === t).length;
    expect(count("party")).toBe(1);
    expect([count("call"), count("note"), count("email")]).toEqual([5, 5, 5]);
    expect([count("opportunity"), count("project"), count("attachment")]).toEqual([5, 5, 5]);
    expect(result.records).toHaveLength(h.sim.oracle(SUBJECT).live);
    const party = result.records.find((r) => r.type === "party")?.data as {
      emailAddresses: { address: string }[];
    };
    expect(party.emailAddresses[0]?.address).toBe(SUBJECT.email);

    // Every entry page (2 per page, 15 entries) was fetched through the Link header.
    const entryPages = h.calls.filter((c) => c.path === `/api/v2/parties/${h.partyId}/entries`);
    expect(entryPages.length).toBe(8);
    expect(h.calls.filter((c) => c.path.endsWith("/opportunities")).length).toBe(3);

    // Attachment bytes are the simulator's bytes, named after Content-Disposition.
    const files = result.files ?? [];
    expect(files).toHaveLength(5);
    for (const file of files) {
      const attachmentId = Number(/attachment-(\d+)-/.exec(file.name)?.[1]);
      const stored = h.sim.state.attachments.get(attachmentId);
      expect(stored).toBeDefined();
      expect(Buffer.from(file.bytes).equals(stored!.bytes)).toBe(true);
      expect(file.name.endsWith(stored!.filename)).toBe(true);
      expect(file.contentType).toBe("audio/mpeg");
      const record = result.records.find((r) => r.type === "attachment" && r.id === String(attachmentId));
      expect(record?.data).toMatchObject({ file: file.name, filename: stored!.filename });
    }
  });

  it("finds nothing for an unknown subject and exports nothing", async () => {
    const h = await harness(transport);
    const stranger = normalizeSubject({ email: "nobody@nowhere.test" });
    const ctx = createOperationContext({ subject: { email: "nobody@nowhere.test" } });
    const { refs } = await h.adapter.locate(stranger, ctx);
    expect(refs).toEqual([]);
    expect(await h.adapter.export(refs, ctx)).toEqual({ records: [] });
    expect((await h.adapter.delete(refs, ctx)).outcome).toBe("not_found");
    expect(h.sim.oracle(SUBJECT).live).toBe(33);
    expect(h.sim.destructiveApplications().size).toBe(0);
  });

  it("trusts a given party id and skips ids that do not exist", async () => {
    const h = await harness(transport);
    const s = normalizeSubject({ ids: { capsule: [h.partyId, "999999"] } });
    const { refs } = await h.adapter.locate(
      s,
      createOperationContext({ subject: { ids: { capsule: h.partyId } } }),
    );
    expect(refs).toEqual([{ type: "party", id: h.partyId }]);
  });

  it("restricts with a tag and unrestricts it, idempotently per request", async () => {
    const h = await harness(transport);
    const ctx = h.ctx("req-restrict-1");
    const { refs } = await h.adapter.locate(subject, ctx);
    const first = await h.adapter.restrict!(refs, ctx);
    expect(first.restricted).toBe(1);
    expect(h.sim.oracle(SUBJECT).restricted).toBe(1);
    // A crash before the result was recorded: the same request restricts again.
    const again = await h.adapter.restrict!(refs, h.ctx("req-restrict-1"));
    expect(again.undo).toEqual(first.undo);
    expectNoLeak(again.undo);
    await h.adapter.unrestrict!(refs, again.undo, ctx);
    expect(h.sim.oracle(SUBJECT).restricted).toBe(0);
    const tags = h.sim.state.parties
      .get(Number(h.partyId))!
      .tagIds.map((id) => h.sim.state.tags.get(id)?.name);
    expect(tags).toEqual(["Customer"]);
    // Unrestrict is idempotent.
    await h.adapter.unrestrict!(refs, again.undo, ctx);
    expect(h.sim.oracle(SUBJECT).restricted).toBe(0);
  });

  it("unrestrict without undo removes only a tag this integration added", async () => {
    const h = await harness(transport);
    const ctx = h.ctx();
    const { refs } = await h.adapter.locate(subject, ctx);
    await h.adapter.restrict!(refs, ctx);
    await h.adapter.unrestrict!(refs, undefined, ctx);
    expect(h.sim.oracle(SUBJECT).restricted).toBe(0);
  });

  it("leaves a restriction tag that was already on the party", async () => {
    const h = await harness(transport, { existingTags: ["Customer", "gdpr-restricted"] });
    const ctx = h.ctx();
    const { refs } = await h.adapter.locate(subject, ctx);
    const result = await h.adapter.restrict!(refs, ctx);
    expect(result.undo).toEqual({ parties: [{ id: h.partyId, added: false }] });
    expect(h.calls.some((c) => c.method === "PUT")).toBe(false);
    await h.adapter.unrestrict!(refs, result.undo, ctx);
    expect(h.sim.oracle(SUBJECT).restricted).toBe(1);
    await h.adapter.unrestrict!(refs, undefined, ctx);
    expect(h.sim.oracle(SUBJECT).restricted).toBe(1);
  });

  it("deletes call notes with their recordings, then the party (204), and verifies it", async () => {
    const h = await harness(transport);
    const ctx = h.ctx();
    const { refs } = await h.adapter.locate(subject, ctx);
    const callIds = [...h.sim.state.entries.values()]
      .filter((e) => e.partyId === Number(h.partyId) && e.activityTypeId === -3)
      .map((e) => e.id);
    const taskIds = [...h.sim.state.tasks.values()]
      .filter((t) => t.subject === SUBJECT.email)
      .map((t) => t.id);
    expect(taskIds).toHaveLength(2);
    const result = await h.adapter.delete(refs, ctx);
    expect(result.outcome).toBe("erased");
    // 5 call notes, the 2 open or pending tasks, the party.
    expect(result.deleted).toBe(8);
    expect(result.jobs).toBeUndefined();
    expectNoLeak(result);
    expect(h.sim.oracle(SUBJECT).live).toBe(0);
    expect(h.sim.oracle(OTHER).live).toBeGreaterThan(0);
    const applied = h.sim.destructiveApplications();
    expect([...applied.keys()].sort()).toEqual(
      [
        `party:${h.partyId}`,
        ...callIds.map((id) => `entry:${id}`),
        ...taskIds.map((id) => `task:${id}`),
      ].sort(),
    );

    const status = await h.adapter.status(refs, result, ctx);
    expect(status).toEqual({ state: "done", remaining: 0, residual: [] });
    expect(h.calls.some((c) => c.path === "/api/v2/parties/deleted" && c.status === 200)).toBe(true);

    // Idempotent: a second delete applies nothing more and still verifies.
    const second = await h.adapter.delete(refs, ctx);
    expect(second.deleted).toBe(0);
    expect([...h.sim.destructiveApplications().values()].every((n) => n === 1)).toBe(true);
    expect((await h.adapter.status(refs, second, ctx)).state).toBe("done");
  });

  it("polls a 202 party delete job until it completes", async () => {
    const h = await harness(transport, { asyncDeleteThreshold: 3, jobDelayMs: 30_000 });
    const ctx = h.ctx();
    const { refs } = await h.adapter.locate(subject, ctx);
    const result = await h.adapter.delete(refs, ctx);
    expect(result.jobs).toHaveLength(1);
    expect(result.jobs![0]).toMatchObject({ kind: "party_delete", status: "pending" });
    const jobId = result.jobs![0]!.id;
    expect(h.sim.state.jobs.has(jobId)).toBe(true);

    const pending = await h.adapter.status(refs, result, ctx);
    expect(pending.state).toBe("pending");
    expect(pending.remaining).toBe(1);
    expect(h.sim.oracle(SUBJECT).live).toBeGreaterThan(0);

    // Deleting again while the job runs schedules nothing new.
    const again = await h.adapter.delete(refs, ctx);
    expect(again.jobs?.[0]?.id).toBe(jobId);
    expect(h.sim.destructiveApplications().get(`party:${h.partyId}`)).toBe(1);

    h.advance(30_001);
    const done = await h.adapter.status(refs, result, ctx);
    expect(done.state).toBe("done");
    expect(done.jobs?.[0]).toMatchObject({ id: jobId, status: "completed" });
    expect(h.sim.oracle(SUBJECT).live).toBe(0);
    expect(h.calls.some((c) => c.path === `/api/v2/jobs/${jobId}`)).toBe(true);
  });

  it("resumes a delete interrupted by a connection reset without applying anything twice", async () => {
    const h = await harness(transport);
    const probe = { email: "probe.person@acme.test" };
    h.sim.seed(probe, { records: 5 });
    const probeCtx = createOperationContext({ subject: probe });
    const probeRefs = (await h.adapter.locate(normalizeSubject(probe), probeCtx)).refs;
    const before = h.calls.length;
    await h.adapter.delete(probeRefs, probeCtx);
    const perDelete = h.calls.length - before;
    expect(h.calls.at(-1)).toMatchObject({ method: "DELETE", path: `/api/v2/parties/${probeRefs[0]?.id}` });
    for (const at of [Math.floor(perDelete / 2), perDelete]) {
      const person = { email: `reset-${at}@acme.test` };
      h.sim.seed(person, { records: 5 });
      const ctx = createOperationContext({ subject: person, requestId: `req-reset-${at}` });
      const { refs } = await h.adapter.locate(normalizeSubject(person), ctx);
      h.fault.resetAfterHandling = at;
      const error = await failure(h.adapter.delete(refs, ctx));
      expect([error.code, error.retryable]).toEqual(["NETWORK", true]);
      const resumed = await h.adapter.delete(refs, ctx);
      expect(await h.adapter.status(refs, resumed, ctx)).toMatchObject({ state: "done", remaining: 0 });
      expect(h.sim.oracle(person).live).toBe(0);
    }
    const twice = [...h.sim.destructiveApplications()].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
  });

  it("status reports what is still live", async () => {
    const h = await harness(transport);
    const ctx = h.ctx();
    const fake: DeleteResult = {
      outcome: "erased",
      deleted: 1,
      state: { since: new Date().toISOString(), parties: [h.partyId], opportunities: [], projects: [] },
    };
    expect(await h.adapter.status([{ type: "party", id: h.partyId }], fake, ctx)).toMatchObject({
      state: "remaining",
      remaining: 1,
    });
  });

  it("deletes opportunities and projects explicitly when asked", async () => {
    const h = await harness(transport);
    const adapter = capsuleAdapter({
      ...(h.sim.adapterOptions(h.baseUrl) as { apiToken: string }),
      deleteOpportunities: true,
    });
    const ctx = h.ctx();
    const { refs } = await adapter.locate(subject, ctx);
    const result = await adapter.delete(refs, ctx);
    expect(result.deleted).toBe(18);
    expect([...h.sim.destructiveApplications().keys()].filter((k) => k.startsWith("kase:"))).toHaveLength(5);
    expect(h.sim.oracle(SUBJECT).live).toBe(0);
  });

  it("scopes the explicit entry deletes by activity type and creator", async () => {
    const h = await harness(transport);
    const base = h.sim.adapterOptions(h.baseUrl) as { apiToken: string };
    const entryDeletes = () =>
      [...h.sim.destructiveApplications().keys()].filter((k) => k.startsWith("entry:")).length;
    const run = async (
      options: Partial<Parameters<typeof capsuleAdapter>[0]>,
      email: string,
      records: number,
    ) => {
      h.sim.seed({ email }, { records });
      const adapter = capsuleAdapter({ ...base, ...options });
      const ctx = createOperationContext({ subject: { email } });
      const result = await adapter.delete((await adapter.locate(normalizeSubject({ email }), ctx)).refs, ctx);
      expect(h.sim.oracle({ email }).live).toBe(0);
      return result.deleted;
    };
    // Calls written by another user are not the integration's: only the 2 tasks and the party.
    expect(await run({ entryCreator: "sam" }, "first@acme.test", 5)).toBe(3);
    expect(entryDeletes()).toBe(0);
    // Every activity type, but only the integration user's entries: the 5 call notes.
    expect(
      await run({ entryActivityTypes: ["*"], entryCreator: "phone-integration" }, "second@acme.test", 5),
    ).toBe(8);
    // Every entry (notes, emails, calls) explicitly.
    expect(await run({ entryActivityTypes: ["*"] }, "third@acme.test", 2)).toBe(9);
    expect(entryDeletes()).toBe(11);
  });

  it("classifies 401, 403, 404, 429 and 5xx without leaking the token or the subject", async () => {
    const h = await harness(transport, { requestsPerHour: 1000 });
    const ctx = h.ctx();
    const wrongToken = "capsule-wrong-token-77aa";
    const bad = capsuleAdapter({ apiToken: wrongToken, baseUrl: h.baseUrl });
    const e401 = await failure(bad.locate(subject, ctx));
    expect([e401.code, e401.status, e401.retryable]).toEqual(["AUTHENTICATION", 401, false]);
    expectNoLeak(e401.toJSON(), [wrongToken]);
    expectNoLeak(e401, [wrongToken]);

    const readOnly = capsuleAdapter({ apiToken: h.sim.readOnlyToken, baseUrl: h.baseUrl });
    const refs = [{ type: "party", id: h.partyId }];
    const e403 = await failure(readOnly.delete(refs, ctx));
    expect([e403.code, e403.status]).toEqual(["PERMISSION_DENIED", 403]);
    expectNoLeak(e403, [h.sim.readOnlyToken]);
    expect(h.sim.oracle(SUBJECT).live).toBe(33);

    h.fault.status = 404;
    const e404 = await failure(h.adapter.locate(subject, ctx));
    expect(e404.code).toBe("NOT_FOUND");

    h.fault.status = 429;
    h.fault.retryAfterMs = 5000;
    const e429 = await failure(h.adapter.export(refs, ctx));
    expect([e429.code, e429.retryable, e429.providerCode]).toEqual([
      "RATE_LIMITED",
      true,
      "rate_limit_reached",
    ]);
    expect(e429.retryAfterMs).toBeGreaterThan(3000);
    expect(e429.retryAfterMs).toBeLessThanOrEqual(6000);

    delete h.fault.retryAfterMs;
    for (const status of [500, 503]) {
      h.fault.status = status;
      const e5xx = await failure(h.adapter.delete(refs, ctx));
      expect([e5xx.code, e5xx.retryable, e5xx.retryAfterMs]).toEqual([
        "PROVIDER_UNAVAILABLE",
        true,
        undefined,
      ]);
      expectNoLeak(e5xx, [h.sim.token]);
    }
    for (const e of [e404, e429]) expectNoLeak(e, [h.sim.token]);
  });

  it("hits the hourly budget and waits for X-RateLimit-Reset", async () => {
    const h = await harness(transport, { requestsPerHour: 3 });
    // By email only: a phone adds one filter request per stored form of the number.
    const byEmail = normalizeSubject({ email: SUBJECT.email });
    const ctx = createOperationContext({ subject: { email: SUBJECT.email } });
    const { refs } = await h.adapter.locate(byEmail, ctx); // 1 request
    const error = await failure(h.adapter.export(refs, ctx));
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.retryAfterMs).toBeGreaterThan(3_500_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(3_601_000);
    const limited = h.calls.filter((c) => c.status === 429);
    expect(limited).toHaveLength(1);
    h.advance(3_600_001);
    await expect(h.adapter.locate(byEmail, ctx)).resolves.toMatchObject({ refs });
  });
});

describe("capsuleAdapter options", () => {
  it("names a missing or invalid option, never its value", () => {
    expect(() => capsuleAdapter({} as never)).toThrow(/apiToken/);
    try {
      capsuleAdapter({ apiToken: "secret-token-123", baseUrl: "not a url" });
      expect.unreachable();
    } catch (error) {
      expect(isFanoutError(error, "CONFIGURATION")).toBe(true);
      expect((error as FanoutError).details).toEqual({ option: "baseUrl" });
      expect(String((error as Error).message)).not.toContain("secret-token-123");
    }
    expect(() => capsuleAdapter({ apiToken: "t", entryActivityTypes: [] })).toThrow(/entryActivityTypes/);
  });

  it("declares Capsule's published rate limit and a token-derived budget key", () => {
    const adapter = capsuleAdapter({ apiToken: "secret-token-123" });
    expect(adapter.rateLimit).toEqual({ requests: 4000, intervalMs: 3_600_000 });
    expect(adapter.rateLimitKey).toMatch(/^capsule:[0-9a-f]{16}$/);
    expect(adapter.rateLimitKey).not.toContain("secret");
  });
});
