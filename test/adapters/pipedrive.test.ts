import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pipedriveAdapter } from "../../adapters/pipedrive/index.js";
import { FanoutError } from "../../src/errors.js";
import { runAdapterConformance } from "../../src/testing/conformance/index.js";
import { createOperationContext } from "../../src/testing/context.js";
import type { SimRequest, SimResponse } from "../../src/testing/simulator.js";
import { pipedriveSimulator } from "../../src/testing/simulators/pipedrive/index.js";
import {
  ctxFor,
  DAY,
  EMAIL,
  expectNoSecrets,
  type Harness,
  rejection,
  SDK_OPERATIONS,
  start,
  transports,
} from "./pipedrive-harness.js";

// The shared suite, over HTTP and nock. Its restrict cases skip themselves: Pipedrive has no
// reversible first phase (capabilities.restrict is false, see docs/adapters/pipedrive.md).
runAdapterConformance({ simulator: pipedriveSimulator });

describe.each(transports)("pipedrive adapter over $name", ({ nock }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await start(nock);
  });
  afterEach(async () => {
    await h.close();
    const unknown = h.calls.filter(
      (c) => !SDK_OPERATIONS.some((op) => op.method === c.method && op.pattern.test(c.path)),
    );
    expect(unknown.map((c) => `${c.method} ${c.path}`)).toEqual([]);
  });

  it("locates the person by exact, case-insensitive email and by a given id; unknown subject → empty", async () => {
    const ctx = ctxFor();
    const located = await h.adapter.locate(ctx.subject, ctx);
    expect(located.refs).toEqual([{ type: "person", id: h.personId }]);

    const byId = ctxFor("someone.else@acme.test", { pipedrive: h.personId });
    expect((await h.adapter.locate(byId.subject, byId)).refs).toEqual([{ type: "person", id: h.personId }]);

    const unknown = ctxFor("nobody@acme.test", { pipedrive: "999999" });
    expect((await h.adapter.locate(unknown.subject, unknown)).refs).toEqual([]);
    expect(await h.adapter.export([], unknown)).toEqual({ records: [] });
    // A partial address is not an exact match.
    const partial = ctxFor("doe@acme.test");
    expect((await h.adapter.locate(partial.subject, partial)).refs).toEqual([]);
  });

  it("exports everything linked to the person across pages, per-user call logs and shared activities", async () => {
    const ctx = ctxFor();
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const result = await h.adapter.export(refs, ctx);
    const byType = new Map<string, number>();
    for (const r of result.records) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    const oracle = h.sim.oracle({ email: EMAIL });
    for (const type of ["person", "activity", "deal", "note", "file", "mail_message", "call_log"]) {
      expect(byType.get(type), type).toBe(oracle.byType[type]?.live);
    }
    expect(result.records.length).toBe(oracle.live);

    // Activities where Jane takes part but is not the primary participant are exported too.
    const person = Number(h.personId);
    const shared = result.records.filter((r) => {
      const a = r.data as { type?: string; person_id?: number; participants?: { person_id: number }[] };
      return (
        r.type === "activity" && a.person_id !== person && a.participants?.some((p) => p.person_id === person)
      );
    });
    expect(shared).toHaveLength(5);

    // Call logs belong to three users; each was only visible with its own user's token.
    const owners = new Set(
      result.records.filter((r) => r.type === "call_log").map((r) => (r.data as { user_id: number }).user_id),
    );
    expect(owners.size).toBe(3);
    expect(h.calls.filter((c) => c.path === "/v1/callLogs").length).toBeGreaterThanOrEqual(3 * 2);

    // Pagination at page size 2: ≥ 3 pages by cursor (v2) and by offset (v1).
    const count = (path: string) => h.calls.filter((c) => c.method === "GET" && c.path === path).length;
    expect(count("/api/v2/activities")).toBeGreaterThanOrEqual(3);
    expect(count("/api/v2/deals")).toBeGreaterThanOrEqual(3);
    expect(count("/v1/notes")).toBeGreaterThanOrEqual(3);
    expect(count(`/v1/persons/${h.personId}/files`)).toBeGreaterThanOrEqual(3);
    expect(count(`/v1/persons/${h.personId}/mailMessages`)).toBeGreaterThanOrEqual(3);

    expect(result.files).toHaveLength(5);
    for (const file of result.files ?? []) {
      expect(file.name).toMatch(/^file-\d+-contract-\d\.pdf$/);
      expect(new TextDecoder().decode(file.bytes)).toContain("%PDF");
    }
  });

  it("deletes call logs before their activities and the person last; trash → scheduled with ETA", async () => {
    const ctx = ctxFor();
    const before = h.sim.oracle({ email: EMAIL });
    expect(before.byType.recording?.live).toBeGreaterThan(0);
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    h.calls.length = 0;
    const result = await h.adapter.delete(refs, ctx);

    expect(result.outcome).toBe("scheduled");
    const eta = Date.parse(result.eta ?? "");
    expect(eta - ctx.now().getTime()).toBeGreaterThan(29 * DAY);
    expect(eta - ctx.now().getTime()).toBeLessThanOrEqual(30 * DAY + 60_000);
    const after = h.sim.oracle({ email: EMAIL });
    expect(after.live).toBe(0);
    expect(after.trashed).toBeGreaterThan(0);
    expect(after.byType.recording).toBeUndefined();

    const deletes = h.calls.filter((c) => c.method === "DELETE" && c.status === 200);
    const lastCallLog = deletes.findLastIndex((c) => c.path.startsWith("/v1/callLogs/"));
    const firstActivity = deletes.findIndex((c) => c.path.startsWith("/api/v2/activities/"));
    expect(lastCallLog).toBeGreaterThanOrEqual(0);
    expect(firstActivity).toBeGreaterThan(lastCallLog);
    expect(deletes.at(-1)?.path).toBe(`/api/v2/persons/${h.personId}`);
    // Shared activities were kept for the others, without Jane.
    expect(h.calls.filter((c) => c.method === "PATCH").length).toBe(5);

    const status = await h.adapter.status(refs, result, ctx);
    expect(status).toMatchObject({ state: "scheduled", remaining: 0, eta: result.eta });
    expectNoSecrets(h, JSON.stringify([refs, result, status]));

    // The trash is purged 30 days later.
    h.clock.offset += 30 * DAY + 1;
    expect(h.sim.oracle({ email: EMAIL })).toMatchObject({ live: 0, trashed: 0 });
  });

  it("a second delete is a no-op: nothing is destroyed twice", async () => {
    const ctx = ctxFor();
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    await h.adapter.delete(refs, ctx);
    const first = new Map(h.sim.destructiveApplications());
    expect(first.size).toBeGreaterThan(0);
    const again = await h.adapter.delete(refs, ctx);
    expect(again.outcome).toBe("scheduled");
    expect(again.deleted).toBe(0);
    expect(h.sim.destructiveApplications()).toEqual(first);
    expect([...first.values()].every((n) => n === 1)).toBe(true);
    // Located afresh, the subject is gone.
    expect((await h.adapter.locate(ctx.subject, ctx)).refs).toEqual([]);
  });

  it("status reports what is still live when a delete did not take", async () => {
    const ctx = ctxFor();
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    // Note deletes answer success without deleting anything.
    h.fault = (r) =>
      r.method === "DELETE" && r.path.startsWith("/v1/notes/")
        ? { status: 200, body: { success: true, data: true } }
        : undefined;
    const result = await h.adapter.delete(refs, ctx);
    h.fault = undefined;
    expect(h.sim.oracle({ email: EMAIL }).byType.note?.live).toBe(5);
    expect(await h.adapter.status(refs, result, ctx)).toMatchObject({ state: "remaining", remaining: 5 });
  });

  it("resumes a delete interrupted by a fault without destroying anything twice", async () => {
    const ctx = ctxFor();
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    let notesDeleted = 0;
    h.fault = (r) => {
      if (r.method !== "DELETE" || !r.path.startsWith("/v1/notes/")) return undefined;
      notesDeleted += 1;
      return notesDeleted === 3 ? h.sim.errorResponse(502) : undefined;
    };
    expect(await rejection(h.adapter.delete(refs, ctx))).toMatchObject({
      code: "PROVIDER_UNAVAILABLE",
      status: 502,
    });
    expect(h.sim.oracle({ email: EMAIL }).live).toBeGreaterThan(0);
    h.fault = undefined;
    const result = await h.adapter.delete(refs, ctx);
    expect(result.outcome).toBe("scheduled");
    expect(h.sim.oracle({ email: EMAIL }).live).toBe(0);
    expect([...h.sim.destructiveApplications().values()].every((n) => n === 1)).toBe(true);
  });

  it("misses nothing when other erasures delete records while a company-wide list is read", async () => {
    // Other requests of the same company delete their records while this one pages through the
    // activity scan (v2, cursor) and the users' call logs (v1, offset): nothing of Jane's may be
    // skipped, or a shared activity keeps her as a participant and a call log stays live.
    const admin = h.options.apiToken as string;
    const tokens = [admin, ...(h.options.userTokens as string[])];
    const call = (method: string, path: string, token: string, query = ""): unknown => {
      // The Pipedrive simulator answers synchronously.
      const response = h.sim.handle({
        method,
        path,
        query: new URLSearchParams(query),
        headers: { "x-api-token": token },
        body: undefined,
        rawBody: Buffer.alloc(0),
      }) as SimResponse;
      expect(response.status, `${method} ${path}`).toBe(200);
      return response.body;
    };
    const jane = Number(h.personId);
    const othersActivities = (): number[] => {
      const ids: number[] = [];
      let cursor: string | undefined;
      do {
        const body = call("GET", "/api/v2/activities", admin, cursor ? `cursor=${cursor}` : "") as {
          data: { id: number; participants: { person_id: number }[] }[];
          additional_data: { next_cursor: string | null };
        };
        for (const a of body.data) if (!a.participants.some((p) => p.person_id === jane)) ids.push(a.id);
        cursor = body.additional_data.next_cursor ?? undefined;
      } while (cursor);
      return ids;
    };
    const othersCallLogs = (token: string): string[] => {
      const body = call("GET", "/v1/callLogs", token, "limit=50") as {
        data: { id: string; person_id: number }[] | null;
      };
      return (body.data ?? []).filter((c) => c.person_id !== jane).map((c) => c.id);
    };
    const churned = new Set<string>();
    h.fault = (r) => {
      const scanPage = r.path === "/api/v2/activities" && !r.query.has("person_id") && r.query.has("cursor");
      const callLogPage = r.path === "/v1/callLogs" && (r.query.get("start") ?? "0") !== "0";
      if (!scanPage && !callLogPage) return undefined;
      const token = r.headers["x-api-token"] ?? "";
      churned.add(scanPage ? "scan" : `calls:${token}`);
      // Before each further page, two of the records already read (others') are deleted, so an
      // offset walk would skip the two that follow. The simulated clock moves past the 2-second
      // burst window around these calls, so they take none of the adapter's.
      h.clock.offset += 2_100;
      if (scanPage)
        for (const id of othersActivities().slice(0, 2)) call("DELETE", `/api/v2/activities/${id}`, admin);
      else for (const id of othersCallLogs(token).slice(0, 2)) call("DELETE", `/v1/callLogs/${id}`, token);
      h.clock.offset += 2_100;
      return undefined;
    };
    const ctx = ctxFor();
    expect(h.sim.oracle({ email: EMAIL }).byType.call_log?.live).toBe(5);
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const result = await h.adapter.delete(refs, ctx);
    h.fault = undefined;
    // The churn did happen: the scan and the call-log lists of the two users with colleagues' calls
    // (the third one has Jane's only) were read past a first page.
    expect([...churned].sort()).toEqual(["scan", ...tokens.slice(0, 2).map((t) => `calls:${t}`)].sort());
    expect(result.outcome).toBe("scheduled");
    expect(h.sim.oracle({ email: EMAIL })).toMatchObject({ live: 0 });
    expect(await h.adapter.status(refs, result, ctx)).toMatchObject({ state: "scheduled", remaining: 0 });
  });

  it("stops when the operation is aborted", async () => {
    const controller = new AbortController();
    const ctx = createOperationContext({ subject: { email: EMAIL }, signal: controller.signal });
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    h.fault = (r) => {
      if (r.path === "/v1/notes") controller.abort();
      return undefined;
    };
    expect(await rejection(h.adapter.export(refs, ctx))).toMatchObject({ code: "ABORTED", retryable: false });
  });

  it("works with OAuth (Bearer, /api/v1 on the company domain)", async () => {
    const admin = h.sim.users[0];
    const adapter = pipedriveAdapter({
      oauth: { accessToken: admin?.oauthToken ?? "", apiDomain: h.baseUrl },
      userTokens: h.options.userTokens as string[],
    });
    const ctx = ctxFor();
    const { refs } = await adapter.locate(ctx.subject, ctx);
    const result = await adapter.export(refs, ctx);
    expect(result.records.filter((r) => r.type === "call_log")).toHaveLength(5);
    expect(h.calls.some((c) => c.path.startsWith("/api/v1/"))).toBe(true);
  });

  it("uses an injected SDK client instead of importing one", async () => {
    const v1 = await import("pipedrive/v1");
    const v2 = await import("pipedrive/v2");
    let made = 0;
    class CountingPersonsApi extends v2.PersonsApi {
      constructor(...args: ConstructorParameters<typeof v2.PersonsApi>) {
        super(...args);
        made += 1;
      }
    }
    const adapter = pipedriveAdapter({
      ...(h.options as { apiToken: string; baseUrl: string }),
      client: { v1, v2: { ...v2, PersonsApi: CountingPersonsApi } },
    });
    const ctx = ctxFor();
    expect((await adapter.locate(ctx.subject, ctx)).refs).toHaveLength(1);
    expect(made).toBe(1);
  });

  it("classifies 401, 403, 404, 429 (with x-ratelimit-reset) and 5xx without leaking tokens or identifiers", async () => {
    const ctx = ctxFor();
    const { refs } = await h.adapter.locate(ctx.subject, ctx);

    const badToken = "pd_wrong_token_0123456789abcdef";
    const unauthorised = pipedriveAdapter({ apiToken: badToken, baseUrl: h.baseUrl });
    const e401 = await rejection(unauthorised.locate(ctx.subject, ctx));
    expect(e401).toMatchObject({
      code: "AUTHENTICATION",
      status: 401,
      retryable: false,
      operation: "persons.search",
    });
    expect(JSON.stringify(e401.toJSON())).not.toContain(badToken);

    // A regular user may not delete persons.
    const regular = pipedriveAdapter({ apiToken: h.sim.users[1]?.apiToken ?? "", baseUrl: h.baseUrl });
    const e403 = await rejection(regular.delete(refs, ctx));
    expect(e403).toMatchObject({ code: "PERMISSION_DENIED", status: 403, operation: "persons.delete" });

    h.fault = (r) => (r.path === "/v1/notes" ? h.sim.errorResponse(404) : undefined);
    const e404 = await rejection(h.adapter.export(refs, ctx));
    expect(e404).toMatchObject({ code: "NOT_FOUND", status: 404, operation: "notes.list" });

    for (const status of [500, 503]) {
      h.fault = (r) => (r.path.startsWith("/api/v2/activities") ? h.sim.errorResponse(status) : undefined);
      const e5xx = await rejection(h.adapter.export(refs, ctx));
      expect(e5xx).toMatchObject({ code: "PROVIDER_UNAVAILABLE", status, retryable: true });
    }

    h.fault = (r) => (r.path === "/v1/callLogs" ? { fault: "reset" } : undefined);
    expect(await rejection(h.adapter.delete(refs, ctx))).toMatchObject({ code: "NETWORK", retryable: true });
    h.fault = undefined;

    // The search endpoints' own limit, 10 requests per 2 seconds: the 11th answers 429.
    // Time stands still so that a slow machine cannot let the window roll over.
    h.clock.frozen = Date.now() + h.clock.offset + 2_001;
    for (let i = 0; i < 10; i++) await h.adapter.locate(ctx.subject, ctx);
    const e429 = await rejection(h.adapter.locate(ctx.subject, ctx));
    expect(e429).toMatchObject({
      code: "RATE_LIMITED",
      status: 429,
      retryable: true,
      operation: "persons.search",
    });
    expect(e429.retryAfterMs).toBeGreaterThan(0);
    expect(e429.retryAfterMs).toBeLessThanOrEqual(2_000);

    for (const error of [e401, e403, e404, e429])
      expectNoSecrets(h, `${error.message} ${JSON.stringify(error)}`);
  });

  it("answers 429 with Pipedrive's rate-limit headers once the daily budget is spent", async () => {
    const admin = h.sim.users[0];
    const request = (path: string): SimRequest => ({
      method: "GET",
      path,
      query: new URLSearchParams(),
      headers: { "x-api-token": admin?.apiToken ?? "" },
      body: undefined,
      rawBody: Buffer.alloc(0),
    });
    const ok = await h.sim.handle(request(`/api/v2/persons/${h.personId}`));
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({ "x-ratelimit-limit": "80", "x-ratelimit-remaining": "79" });
    expect(ok.headers?.["x-daily-requests-left"]).toBe("10000"); // POST/PUT requests left today

    h.sim.exhaustDailyBudget();
    const limited = await h.sim.handle(request(`/api/v2/persons/${h.personId}`));
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ success: false, error: "Request over limit", data: null });
    expect(Number(limited.headers?.["x-ratelimit-reset"])).toBeGreaterThan(0);

    const ctx = ctxFor();
    const error = await rejection(h.adapter.locate(ctx.subject, ctx));
    expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429 });
    expect(error.retryAfterMs).toBeGreaterThan(60_000); // until the daily budget resets
  });
});

describe("pipedriveAdapter options", () => {
  it("knows the SDK's operations for the contract check", () => {
    expect(SDK_OPERATIONS.length).toBeGreaterThan(200);
    expect(
      SDK_OPERATIONS.some((op) => op.method === "DELETE" && op.pattern.test("/v1/callLogs/abc123")),
    ).toBe(true);
    expect(SDK_OPERATIONS.some((op) => op.method === "GET" && op.pattern.test("/v1/callLogs/abc123/x"))).toBe(
      false,
    );
  });

  it("rejects missing or conflicting credentials and bad values, naming the option", () => {
    const option = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(FanoutError);
        return { code: (e as FanoutError).code, option: (e as FanoutError).details?.option };
      }
      return undefined;
    };
    expect(option(() => pipedriveAdapter({}))).toEqual({ code: "CONFIGURATION", option: "apiToken" });
    expect(
      option(() =>
        pipedriveAdapter({
          apiToken: "abcdefgh1234",
          oauth: { accessToken: "x".repeat(10), apiDomain: "https://a.pipedrive.com" },
        }),
      ),
    ).toEqual({ code: "CONFIGURATION", option: "apiToken" });
    expect(option(() => pipedriveAdapter({ apiToken: "abcdefgh1234", baseUrl: "ftp://x" }))).toEqual({
      code: "CONFIGURATION",
      option: "baseUrl",
    });
    expect(option(() => pipedriveAdapter({ apiToken: "abcdefgh1234", userTokens: [""] }))).toEqual({
      code: "CONFIGURATION",
      option: "userTokens.0",
    });
    const adapter = pipedriveAdapter({ apiToken: "abcdefgh1234" });
    expect(adapter.capabilities).toMatchObject({ restrict: false, unrestrict: false, softDelete: true });
    expect(adapter.rateLimitKey).not.toContain("abcdefgh1234");
  });
});
