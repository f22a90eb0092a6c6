import { afterEach, describe, expect, it } from "vitest";
import { CONFIGURATION_CACHE_MS } from "../../adapters/postmark/api.js";
import { postmarkAdapter } from "../../adapters/postmark/index.js";
import type { DeleteResult, SubprocessorAdapter } from "../../src/adapter.js";
import { FanoutError } from "../../src/errors.js";
import { createFanout, memoryStore } from "../../src/index.js";
import { runAdapterConformance } from "../../src/testing/conformance/index.js";
import { createOperationContext } from "../../src/testing/context.js";
import { createSimEnvironment } from "../../src/testing/environment.js";
import { type SimCall, type SimLayer, serveHttp } from "../../src/testing/serve.js";
import { serveNock } from "../../src/testing/serve-nock.js";
import {
  createPostmarkSimulator,
  type PostmarkSimulatorOptions,
  postmarkSimulator,
} from "../../src/testing/simulators/postmark/index.js";
import { startSimulators } from "../../src/testing/start-simulators.js";

// The shared suite over HTTP and nock: 5 servers, several streams each, pageSize 2. Postmark's
// export reads messages by id (its lists are read by locate, concurrently): aborting a locate
// mid-pagination is tested below instead.
runAdapterConformance({
  simulator: postmarkSimulator,
  skip: {
    "abort-pagination":
      "export pages through no list; an abort during locate's concurrent lists is tested in postmark.test.ts",
  },
});

const EMAIL = "jane@acme.test";
const DAY = 86_400_000;

type Transport = {
  name: string;
  serve: typeof serveHttp | ((...a: Parameters<typeof serveHttp>) => ReturnType<typeof serveNock>);
};
const TRANSPORTS: Transport[] = [
  { name: "http", serve: (sim, options) => serveHttp(sim, options) },
  { name: "nock", serve: (sim, options) => serveNock(sim, "https://api.postmarkapp.com", options) },
];

describe.each(TRANSPORTS)("postmark adapter over $name", ({ name, serve }) => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (closers.length > 0) await closers.pop()?.();
  });

  async function setup(
    options: PostmarkSimulatorOptions & { pageSize?: number; layers?: SimLayer[]; records?: number } = {},
  ) {
    let clock = Date.parse("2026-11-20T10:00:00Z");
    const env = createSimEnvironment({
      now: () => clock,
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
    });
    const sim = createPostmarkSimulator({
      servers: 3,
      rateLimit: { requests: 100_000, windowMs: 1000 },
      ...options,
    }).create(env);
    const ids = sim.seed({ email: EMAIL, name: "Jane Doe" }, { records: options.records ?? 6 });
    const calls: SimCall[] = [];
    const serving = await serve(sim, {
      log: (c) => calls.push(c),
      now: () => clock,
      layers: options.layers ?? [],
    });
    closers.push(() => serving.close());
    const adapterOptions = sim.adapterOptions(serving.baseUrl);
    const adapter =
      name === "nock"
        ? postmarkAdapter({ ...adapterOptions, baseUrl: undefined } as never)
        : postmarkSimulator.createAdapter(adapterOptions);
    const ctx = (
      extra: {
        requestId?: string;
        attempt?: number;
        email?: string;
        signal?: AbortSignal;
        ids?: string[];
      } = {},
    ) =>
      createOperationContext({
        subject: extra.ids ? { ids: { postmark: extra.ids } } : { email: extra.email ?? EMAIL },
        now: () => new Date(clock),
        ...(extra.requestId ? { requestId: extra.requestId } : {}),
        ...(extra.attempt ? { attempt: extra.attempt } : {}),
        ...(extra.signal ? { signal: extra.signal } : {}),
      });
    const tokens = [String(adapterOptions.accountToken), ...sim.account.servers.map((s) => s.token)];
    return { sim, adapter, ctx, calls, tokens, ids, adapterOptions, advance: (ms: number) => (clock += ms) };
  }

  const noSecrets = (value: unknown, tokens: string[]) => {
    const text = JSON.stringify(value);
    for (const secret of [EMAIL, "jane doe", ...tokens])
      expect(text.toLowerCase()).not.toContain(secret.toLowerCase());
  };

  it("exports across pages, servers and streams, exactly the subject's records", async () => {
    const { sim, adapter, ctx, calls, tokens } = await setup({ pageSize: 2, records: 12 });
    const c = ctx();
    const { refs } = await adapter.locate(c.subject, c);
    const oracle = sim.oracle({ email: EMAIL });
    expect(refs.length).toBe(oracle.live);
    expect(new Set(refs.map((r) => r.scope)).size).toBe(3);
    noSecrets(refs, tokens);
    // Per server, 4 subject messages + 1 lookalike match the filter: 3 pages of 2 each.
    const outboundPages = calls.filter((x) => x.path === "/messages/outbound");
    expect(outboundPages.length).toBe(9);

    const { records } = await adapter.export(refs, c);
    const count = (type: string) => records.filter((r) => r.type === type).length;
    expect(count("outbound_message")).toBe(oracle.byType.outbound_message?.live);
    expect(count("inbound_message")).toBe(oracle.byType.inbound_message?.live);
    expect(count("bounce")).toBe(oracle.byType.bounce?.live);
    expect(count("suppression")).toBe(oracle.byType.suppression?.live);
    const outbound = records.find((r) => r.type === "outbound_message")?.data as Record<string, unknown>;
    expect(outbound.TextBody).toContain("Jane Doe");
    expect(Array.isArray(outbound.MessageEvents) && outbound.MessageEvents.length > 0).toBe(true);
    for (const r of records.filter((x) => x.type === "outbound_message")) {
      expect((r.data as { Recipients: string[] }).Recipients).toContain(EMAIL);
    }
    for (const r of records.filter((x) => x.type === "bounce"))
      expect((r.data as { Email: string }).Email).toBe(EMAIL);
    // Archived streams and broadcast streams are searched for suppressions too.
    expect(new Set(calls.filter((x) => x.path.endsWith("/suppressions/dump")).map((x) => x.path)).size).toBe(
      3,
    );
  });

  it("starts no request once a locate is aborted mid-pagination, and returns ABORTED", async () => {
    const controller = new AbortController();
    const abortOnSecondPage: SimLayer = async (request, next) => {
      if (request.path === "/messages/outbound" && request.query.get("offset") !== "0") controller.abort();
      return next();
    };
    const { adapter } = await setup({ pageSize: 2, records: 12, layers: [abortOnSecondPage] });
    // Every request goes through ctx.rateLimit() first: count the ones started after the abort.
    let started = 0;
    let startedAfterAbort = 0;
    const c = createOperationContext({
      subject: { email: EMAIL },
      signal: controller.signal,
      rateLimit: async () => {
        started += 1;
        if (controller.signal.aborted) startedAfterAbort += 1;
      },
    });
    await expect(adapter.locate(c.subject, c)).rejects.toMatchObject({ code: "ABORTED", retryable: false });
    const atReturn = started;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(controller.signal.aborted).toBe(true);
    expect(startedAfterAbort).toBe(0);
    expect(started, "requests started after the locate returned").toBe(atReturn);
    // The walk stopped early: a full locate starts 42 requests here (3 servers, 9 outbound pages…).
    expect(started).toBeLessThan(42);
  });

  it("a failed lookup stops the concurrent others: nothing is started after the locate failed", async () => {
    const failInbound: SimLayer = async (request, next) =>
      request.path === "/messages/inbound" && request.query.get("offset") === "2"
        ? { status: 500, body: { ErrorCode: 500, Message: "Internal Server Error" } }
        : next();
    const { adapter } = await setup({ pageSize: 2, records: 12, layers: [failInbound] });
    let started = 0;
    const c = createOperationContext({
      subject: { email: EMAIL },
      rateLimit: async () => {
        started += 1;
      },
    });
    await expect(adapter.locate(c.subject, c)).rejects.toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    const atReturn = started;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started, "requests started after the locate failed").toBe(atReturn);
    expect(started).toBeLessThan(42);
  });

  it("reads the servers again after a token is refused (rotated since they were cached)", async () => {
    let refuse = false;
    const refuseOnce: SimLayer = async (request, next) => {
      if (refuse && request.path === "/messages/outbound") {
        refuse = false;
        return { status: 401, body: { ErrorCode: 10, Message: "Invalid API token" } };
      }
      return next();
    };
    const { adapter, ctx, calls } = await setup({ layers: [refuseOnce] });
    const c = ctx();
    await adapter.locate(c.subject, c);
    const reads = () => calls.filter((x) => x.path === "/servers").length;
    const before = reads();
    refuse = true;
    await expect(adapter.locate(c.subject, c)).rejects.toMatchObject({ code: "AUTHENTICATION" });
    expect(reads()).toBe(before);
    await adapter.locate(c.subject, c);
    expect(reads()).toBeGreaterThan(before);
  });

  it("reads the account's servers and streams once a minute, not once per operation", async () => {
    const { adapter, ctx, calls, advance } = await setup();
    const c = ctx();
    await adapter.locate(c.subject, c);
    await adapter.locate(c.subject, c);
    const configuration = () =>
      calls.filter((x) => x.path === "/servers" || x.path === "/message-streams").length;
    const once = configuration();
    expect(once).toBeGreaterThan(0);
    await adapter.locate(c.subject, c);
    expect(configuration()).toBe(once);
    advance(CONFIGURATION_CACHE_MS + 1);
    await adapter.locate(c.subject, c);
    expect(configuration()).toBe(2 * once);
  });

  it("trusts MessageIDs given in subject.ids; without an address, erasure is manual", async () => {
    const { sim, adapter, ctx, ids } = await setup();
    expect(ids).toHaveLength(3);
    const c = ctx({ ids: [...ids, "00000000-0000-4000-a000-000000000000"] });
    const { refs } = await adapter.locate(c.subject, c);
    expect(refs.map((r) => r.id).sort()).toEqual([...ids].sort());
    const { records } = await adapter.export(refs, c);
    expect(records.map((r) => (r.data as { MessageID: string }).MessageID).sort()).toEqual([...ids].sort());
    const deletion = await adapter.delete(refs, c);
    expect(deletion.outcome).toBe("manual_required");
    expect(await adapter.status(refs, deletion, c)).toMatchObject({ state: "remaining", remaining: 3 });
    expect(sim.destructiveApplications().size).toBe(0);
  });

  it("finds nothing for an unknown subject", async () => {
    const { adapter, ctx } = await setup();
    const c = ctx({ email: "nobody@acme.test" });
    const { refs } = await adapter.locate(c.subject, c);
    expect(refs).toEqual([]);
    expect((await adapter.export(refs, c)).records).toEqual([]);
    expect(await adapter.delete(refs, c)).toMatchObject({ outcome: "not_found", deleted: 0 });
  });

  it("stops seeing messages past the 45-day retention", async () => {
    const { sim, adapter, ctx, advance } = await setup();
    advance(46 * DAY);
    const c = ctx();
    const { refs } = await adapter.locate(c.subject, c);
    expect(refs.every((r) => r.type === "suppression")).toBe(true);
    expect(refs.length).toBe(sim.oracle({ email: EMAIL }).live);
  });

  it("restricts with manual suppressions and undoes exactly those, idempotently per request", async () => {
    const { sim, adapter, ctx, calls, tokens } = await setup();
    const c = ctx({ requestId: "req-restrict-1" });
    const { refs } = await adapter.locate(c.subject, c);
    expect(sim.oracle({ email: EMAIL }).restricted).toBe(0);
    const first = await adapter.restrict?.(refs, c);
    // 5 active outbound/broadcast streams over 3 servers, one already suppressed by a hard bounce.
    expect(first?.restricted).toBe(4);
    expect(sim.oracle({ email: EMAIL }).restricted).toBe(4);
    noSecrets(first, tokens);
    const creates = calls.filter((x) => x.method === "POST" && x.path.endsWith("/suppressions")).length;
    const second = await adapter.restrict?.(refs, c);
    expect(second?.undo).toEqual(first?.undo);
    expect(calls.filter((x) => x.method === "POST" && x.path.endsWith("/suppressions")).length).toBe(creates);

    await adapter.unrestrict?.(refs, second?.undo, c);
    expect(sim.oracle({ email: EMAIL }).restricted).toBe(0);
    const left = sim.account.suppressions.filter((s) => s.email === EMAIL);
    expect(left.map((s) => s.reason)).toEqual(["HardBounce"]);
    await adapter.unrestrict?.(refs, second?.undo, c); // idempotent
    expect(sim.account.suppressions.filter((s) => s.email === EMAIL)).toHaveLength(1);
  });

  it("recovers restrict and unrestrict after a crash (new process, no recorded undo)", async () => {
    const { sim, adapter, ctx, adapterOptions, advance } = await setup();
    // An older manual suppression the application itself created: never ours to remove.
    const broadcast = sim.account.servers[2]?.id as number;
    sim.account.suppressions.push({
      id: 1,
      serverId: broadcast,
      stream: "broadcast",
      email: EMAIL,
      reason: "ManualSuppression",
      origin: "Customer",
      createdAt: Date.parse("2026-11-10T10:00:00Z"),
      viaApi: false,
    });
    const c = ctx({ requestId: "req-crash" });
    await adapter.restrict?.([], c);
    expect(sim.oracle({ email: EMAIL }).restricted).toBe(3);
    advance(60_000);
    const revived = (extra: { attempt?: number }) => {
      const a: SubprocessorAdapter =
        name === "nock"
          ? postmarkAdapter({ ...adapterOptions, baseUrl: undefined } as never)
          : postmarkSimulator.createAdapter(adapterOptions);
      return { a, c: ctx({ requestId: "req-crash", ...extra }) };
    };
    const rerun = revived({ attempt: 2 });
    const again = await rerun.a.restrict?.([], rerun.c);
    expect(again?.restricted).toBe(3);
    const fresh = revived({ attempt: 1 });
    await fresh.a.unrestrict?.([], undefined, fresh.c);
    expect(sim.oracle({ email: EMAIL }).restricted).toBe(0);
    expect(
      sim.account.suppressions
        .filter((s) => s.email === EMAIL)
        .map((s) => s.reason)
        .sort(),
    ).toEqual(["HardBounce", "ManualSuppression"]);
  });

  it("deletes through a data removal: pending, then done, then nothing left", async () => {
    const { sim, adapter, ctx, calls, advance, tokens } = await setup();
    const c = ctx();
    const { refs } = await adapter.locate(c.subject, c);
    const before = sim.oracle({ email: EMAIL }).live;
    const deletion = await adapter.delete(refs, c);
    expect(deletion).toMatchObject({ outcome: "erased", deleted: refs.length });
    expect(deletion.jobs?.[0]).toMatchObject({ kind: "data_removal", status: "Pending" });
    noSecrets(deletion, tokens);
    const pending = await adapter.status(refs, deletion, c);
    expect(pending.state).toBe("pending");
    expect(sim.oracle({ email: EMAIL }).live).toBe(before);
    const again = await adapter.delete(refs, c);
    expect(again.jobs?.[0]?.id).toBe(deletion.jobs?.[0]?.id);
    expect(calls.filter((x) => x.method === "POST" && x.path === "/data-removals")).toHaveLength(1);

    advance(61_000);
    const done = await adapter.status(refs, deletion, c);
    expect(done).toMatchObject({ state: "done", remaining: 0 });
    noSecrets(done, tokens);
    expect(sim.oracle({ email: EMAIL }).live).toBe(0);
    const applied = sim.destructiveApplications();
    expect(applied.size).toBe(before);
    expect([...applied.values()].every((n) => n === 1)).toBe(true);
    // Another subject's lookalike data is untouched.
    expect(sim.oracle({ email: `x.${EMAIL}` }).live).toBeGreaterThan(0);

    const removals = calls.filter((x) => x.method === "POST" && x.path === "/data-removals").length;
    expect(await adapter.delete([], c)).toMatchObject({ outcome: "not_found" });
    expect(calls.filter((x) => x.method === "POST" && x.path === "/data-removals").length).toBe(removals);

    // Mail that arrived after the removal finished needs a new removal, not the old job again.
    sim.seed({ email: EMAIL }, { records: 1 });
    const relocated = await adapter.locate(c.subject, c);
    const second = await adapter.delete(relocated.refs, c);
    expect(second.jobs?.[0]?.id).not.toBe(deletion.jobs?.[0]?.id);
    advance(61_000);
    expect(await adapter.status(relocated.refs, second, c)).toMatchObject({ state: "done", remaining: 0 });
    expect(sim.oracle({ email: EMAIL }).live).toBe(0);
  });

  it("answers manual_required when Data Removals are not enabled", async () => {
    const { sim, adapter, ctx, tokens } = await setup({ dataRemovalEnabled: false });
    const c = ctx();
    const { refs } = await adapter.locate(c.subject, c);
    const deletion: DeleteResult = await adapter.delete(refs, c);
    expect(deletion.outcome).toBe("manual_required");
    expect(deletion.detail).toMatch(/support/i);
    noSecrets(deletion, tokens);
    const status = await adapter.status(refs, deletion, c);
    expect(status.state).toBe("remaining");
    expect(status.remaining).toBe(sim.oracle({ email: EMAIL }).live);
    expect(sim.destructiveApplications().size).toBe(0);
  });

  it("searches only the servers whose tokens are given", async () => {
    const { sim, ctx, calls, adapterOptions } = await setup();
    const server = sim.account.servers[1];
    const adapter = postmarkAdapter({
      ...(adapterOptions as { accountToken: string; requestedBy: string }),
      ...(name === "nock" ? {} : { baseUrl: adapterOptions.baseUrl as string }),
      serverTokens: [server?.token as string],
    });
    const c = ctx();
    const { refs } = await adapter.locate(c.subject, c);
    expect(refs.length).toBeGreaterThan(0);
    expect(new Set(refs.map((r) => r.scope))).toEqual(new Set([String(server?.id)]));
    expect(calls.some((x) => x.path === "/servers")).toBe(false);
  });

  describe("error classification", () => {
    const fault =
      (status: number, sim: () => { errorResponse: (s: number) => unknown }): SimLayer =>
      async () =>
        sim().errorResponse(status) as never;

    for (const [status, code, retryable] of [
      [422, "VALIDATION", false],
      [429, "RATE_LIMITED", true],
      [500, "PROVIDER_UNAVAILABLE", true],
      [503, "PROVIDER_UNAVAILABLE", true],
    ] as const) {
      it(`classifies HTTP ${status} as ${code}`, async () => {
        let simRef: { errorResponse: (s: number) => unknown } | undefined;
        const { sim, adapter, ctx, tokens } = await setup({
          layers: [fault(status, () => simRef as { errorResponse: (s: number) => unknown })],
        });
        simRef = sim;
        const c = ctx();
        const error = await adapter.locate(c.subject, c).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(FanoutError);
        expect(error).toMatchObject({ code, retryable, status, provider: "postmark" });
        noSecrets([(error as FanoutError).message, (error as FanoutError).toJSON()], tokens);
      });
    }

    it("classifies a bad token as AUTHENTICATION (ErrorCode 10) without leaking it", async () => {
      const { ctx, adapterOptions, tokens } = await setup();
      const bad = "bad-account-token-123456";
      const adapter = postmarkAdapter({
        ...(adapterOptions as { requestedBy: string }),
        ...(name === "nock" ? {} : { baseUrl: adapterOptions.baseUrl as string }),
        accountToken: bad,
      });
      const c = ctx();
      const error = (await adapter.locate(c.subject, c).catch((e: unknown) => e)) as FanoutError;
      expect(error).toMatchObject({
        code: "AUTHENTICATION",
        status: 401,
        retryable: false,
        providerCode: "10",
      });
      noSecrets([error.message, error.toJSON()], [...tokens, bad]);
    });

    it("answers 429 from its own rate limit", async () => {
      const { adapter, ctx } = await setup({ rateLimit: { requests: 3, windowMs: 1000 } });
      const c = ctx();
      await expect(adapter.locate(c.subject, c)).rejects.toMatchObject({
        code: "RATE_LIMITED",
        status: 429,
        providerCode: "429",
      });
    });

    it("classifies a dropped connection as NETWORK and an aborted signal as ABORTED", async () => {
      const { adapter, ctx } = await setup({ layers: [async () => ({ fault: "reset" })] });
      const c = ctx();
      await expect(adapter.locate(c.subject, c)).rejects.toMatchObject({ code: "NETWORK", retryable: true });
      const controller = new AbortController();
      controller.abort();
      const aborted = ctx({ signal: controller.signal });
      await expect(adapter.locate(aborted.subject, aborted)).rejects.toMatchObject({ code: "ABORTED" });
    });
  });
});

describe("postmark in an erasure saga", () => {
  async function runSaga(options: PostmarkSimulatorOptions) {
    const sims = await startSimulators({
      providers: [createPostmarkSimulator(options)],
      transport: "http",
      pageSize: 3,
      timeScale: 0.001,
    });
    closers.push(() => sims.close());
    const ids = await sims.seedSubject({ email: EMAIL }, { records: 5 });
    const before = sims.oracle("postmark", EMAIL);
    expect(before.live).toBeGreaterThan(0);
    const fanout = createFanout({
      adapters: sims.adapters(),
      store: memoryStore(),
      secret: "postmark-saga-secret-0123456789",
      pollInterval: 20,
    });
    const req = await fanout.erase({ email: EMAIL, ids }, { reason: "account-closed" });
    for (let i = 0; i < 200; i++) {
      await fanout.drain();
      const state = (await fanout.status(req.id)).state;
      if (state === "completed" || state === "needs_attention") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const status = await fanout.status(req.id);
    expect(status.attention).toBeNull();
    expect(status.state).toBe("completed");
    return { sims, before, branch: status.branches[0], receipt: await fanout.receipt(req.id) };
  }
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    while (closers.length > 0) await closers.pop()?.();
  });

  it("restricts, removes through a data removal and verifies until nothing is live", async () => {
    const { sims, branch, receipt } = await runSaga({});
    expect(branch?.outcome).toBe("erased");
    expect(branch?.jobs?.[0]).toMatchObject({ kind: "data_removal", status: "Done" });
    expect(sims.oracle("postmark", EMAIL)).toMatchObject({ live: 0, restricted: 0 });
    expect([...sims.simulator("postmark").destructiveApplications().values()].every((n) => n === 1)).toBe(
      true,
    );
    expect(JSON.stringify(receipt)).not.toContain(EMAIL);
  });

  it("ends manual_required on an account without Data Removals, the subject left suppressed", async () => {
    const { sims, before, branch } = await runSaga({ dataRemovalEnabled: false });
    expect(branch?.outcome).toBe("manual_required");
    expect(branch?.detail).toMatch(/support/i);
    const after = sims.oracle("postmark", EMAIL);
    expect(after.live).toBe(before.live);
    expect(after.restricted).toBeGreaterThan(0);
    expect(sims.simulator("postmark").destructiveApplications().size).toBe(0);
  });
});

describe("postmarkAdapter options", () => {
  it("names the missing or invalid option", () => {
    expect(() => postmarkAdapter({ requestedBy: "dpo@x.test" } as never)).toThrow(
      expect.objectContaining({ code: "CONFIGURATION", details: { option: "accountToken" } }),
    );
    expect(() => postmarkAdapter({ accountToken: "t" } as never)).toThrow(
      expect.objectContaining({ details: { option: "requestedBy" } }),
    );
    expect(() =>
      postmarkAdapter({ accountToken: "t", requestedBy: "dpo@x.test", baseUrl: "ftp://x" }),
    ).toThrow(expect.objectContaining({ details: { option: "baseUrl" } }));
    const adapter = postmarkAdapter({ accountToken: "t", requestedBy: "dpo@x.test" });
    expect(adapter.capabilities).toMatchObject({ restrict: true, unrestrict: true, asyncDelete: true });
  });

  it("uses an injected SDK module instead of importing postmark", async () => {
    const seen: string[] = [];
    class AccountClient {
      constructor(token: string) {
        seen.push(`account:${token}`);
      }
      async getServers() {
        return { TotalCount: 0, Servers: [] };
      }
    }
    class ServerClient {}
    const adapter = postmarkAdapter({
      accountToken: "injected-token",
      requestedBy: "dpo@x.test",
      client: { AccountClient, ServerClient } as never,
    });
    const ctx = createOperationContext({ subject: { email: EMAIL } });
    expect(await adapter.locate(ctx.subject, ctx)).toMatchObject({ refs: [] });
    expect(seen).toEqual(["account:injected-token"]);
  });
});
