import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpClient, type FanoutError, isFanoutError, toFanoutError } from "../../src/index.js";

const BASE = "https://api.provider.test";
const TOKEN = "tok_live_5f3c9a1b2d4e6f708192";
const EMAIL = "jane.doe@acme.test";

function client(extra: Partial<Parameters<typeof createHttpClient>[0]> = {}) {
  return createHttpClient({
    provider: "testprov",
    baseUrl: BASE,
    headers: { authorization: `Bearer ${TOKEN}` },
    parseError: (body) => {
      const code = (body as { error?: { code?: string } }).error?.code;
      return code ? { providerCode: code } : undefined;
    },
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<FanoutError> {
  try {
    await promise;
  } catch (error) {
    if (isFanoutError(error)) return error;
    throw new Error(`expected a FanoutError, got ${String(error)}`);
  }
  throw new Error("expected the request to fail");
}

function assertNoSecrets(error: FanoutError) {
  const forms = [
    error.message,
    JSON.stringify(error),
    JSON.stringify(error.cause ?? {}),
    String(error.stack),
  ];
  for (const form of forms) {
    expect(form).not.toContain(TOKEN);
    expect(form).not.toContain(EMAIL);
    expect(form).not.toContain(Buffer.from(`${TOKEN}:`).toString("base64"));
  }
}

afterEach(() => nock.cleanAll());

describe("createHttpClient", () => {
  it("returns parsed JSON and sends credentials and query", async () => {
    const scope = nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get("/v1/customers")
      .query({ email: EMAIL, limit: "3" })
      .reply(200, { data: [{ id: "cus_1" }] });
    const res = await client().request<{ data: { id: string }[] }>({
      method: "GET",
      path: "/v1/customers",
      query: { email: EMAIL, limit: 3, missing: undefined },
      operation: "customers.list",
    });
    expect(res.data.data[0]?.id).toBe("cus_1");
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    [400, "VALIDATION", false],
    [401, "AUTHENTICATION", false],
    [402, "VALIDATION", false],
    [403, "PERMISSION_DENIED", false],
    [404, "NOT_FOUND", false],
    [408, "TIMEOUT", true],
    [409, "CONFLICT", false],
    [410, "NOT_FOUND", false],
    [422, "VALIDATION", false],
    [429, "RATE_LIMITED", true],
    [500, "PROVIDER_UNAVAILABLE", true],
    [501, "PROVIDER_UNAVAILABLE", false],
    [502, "PROVIDER_UNAVAILABLE", true],
    [503, "PROVIDER_UNAVAILABLE", true],
    [504, "PROVIDER_UNAVAILABLE", true],
    [302, "PROVIDER_RESPONSE", false],
  ])("classifies HTTP %i as %s (retryable %s)", async (status, code, retryable) => {
    nock(BASE)
      .post("/v1/things")
      .reply(status, { error: { code: "some_code", message: `No such customer ${EMAIL} (key ${TOKEN})` } });
    const error = await failure(
      client().request({
        method: "POST",
        path: "/v1/things",
        json: { email: EMAIL },
        operation: "things.create",
      }),
    );
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(error.provider).toBe("testprov");
    expect(error.operation).toBe("things.create");
    if (status !== 302) expect(error.providerCode).toBe("some_code");
    assertNoSecrets(error);
  });

  it("lets parseError override the code (e.g. an expired token reported as 400)", async () => {
    nock(BASE).get("/x").reply(400, { code: "INVALID_TOKEN" });
    const error = await failure(
      client({ parseError: () => ({ code: "AUTHENTICATION", providerCode: "INVALID_TOKEN" }) }).request({
        method: "GET",
        path: "/x",
        operation: "x",
      }),
    );
    expect(error.code).toBe("AUTHENTICATION");
    expect(error.providerCode).toBe("INVALID_TOKEN");
  });

  it("reads Retry-After in seconds and as an HTTP-date on 429", async () => {
    nock(BASE)
      .get("/a")
      .reply(429, { error: { code: "rate_limit" } }, { "Retry-After": "7" });
    const seconds = await failure(client().request({ method: "GET", path: "/a", operation: "a" }));
    expect(seconds.code).toBe("RATE_LIMITED");
    expect(seconds.retryAfterMs).toBe(7000);

    const at = new Date(Date.now() + 30_000).toUTCString();
    nock(BASE).get("/b").reply(503, "", { "Retry-After": at });
    const date = await failure(client().request({ method: "GET", path: "/b", operation: "b" }));
    expect(date.code).toBe("PROVIDER_UNAVAILABLE");
    expect(date.retryAfterMs).toBeGreaterThan(25_000);
    expect(date.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it("uses the provider's own reset header when Retry-After is absent", async () => {
    nock(BASE).get("/c").reply(429, {}, { "X-RateLimit-Reset": "12" });
    const error = await failure(
      client({ retryAfter: (h) => Number(h.get("x-ratelimit-reset")) * 1000 }).request({
        method: "GET",
        path: "/c",
        operation: "c",
      }),
    );
    expect(error.retryAfterMs).toBe(12_000);
  });

  it("classifies nock's plain Error rejection as NETWORK, without leaking", async () => {
    nock(BASE).get("/d").query(true).replyWithError(`socket hang up while sending ${TOKEN} for ${EMAIL}`);
    const error = await failure(
      client().request({
        method: "GET",
        path: "/d",
        query: { email: EMAIL },
        operation: "d",
        redact: [EMAIL],
      }),
    );
    expect(error.code).toBe("NETWORK");
    expect(error.retryable).toBe(true);
    assertNoSecrets(error);
  });

  it("classifies a refused loopback connection as NETWORK", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await failure(
      createHttpClient({ provider: "p", baseUrl: `http://127.0.0.1:${port}` }).request({
        method: "GET",
        path: "/",
        operation: "ping",
      }),
    );
    expect(error.code).toBe("NETWORK");
  });

  it("classifies a connection reset in the middle of a body as NETWORK", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"data": [');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const error = await failure(
        createHttpClient({ provider: "p", baseUrl: `http://127.0.0.1:${port}` }).request({
          method: "GET",
          path: "/",
          operation: "read",
        }),
      );
      expect(error.code).toBe("NETWORK");
      expect(error.retryable).toBe(true);
    } finally {
      server.close();
    }
  });

  it("reports malformed JSON as a retryable PROVIDER_RESPONSE", async () => {
    nock(BASE).get("/e").reply(200, '{"data": [ {"id": ', { "content-type": "application/json" });
    const error = await failure(client().request({ method: "GET", path: "/e", operation: "e" }));
    expect(error.code).toBe("PROVIDER_RESPONSE");
    expect(error.retryable).toBe(true);
  });

  it("times out an attempt that takes too long", async () => {
    nock(BASE).get("/slow").delay(500).reply(200, {});
    const error = await failure(
      client({ timeoutMs: 50 }).request({ method: "GET", path: "/slow", operation: "slow" }),
    );
    expect(error.code).toBe("TIMEOUT");
    expect(error.retryable).toBe(true);
  });

  it("classifies the caller's abort as ABORTED, before and during the request", async () => {
    const before = new AbortController();
    before.abort();
    const early = await failure(
      client().request({ method: "GET", path: "/f", operation: "f", signal: before.signal }),
    );
    expect(early.code).toBe("ABORTED");
    expect(early.retryable).toBe(false);

    nock(BASE).get("/g").delay(1000).reply(200, {});
    const during = new AbortController();
    setTimeout(() => during.abort(), 30);
    const late = await failure(
      client().request({ method: "GET", path: "/g", operation: "g", signal: during.signal }),
    );
    expect(late.code).toBe("ABORTED");
  });

  it("returns accepted non-2xx statuses instead of throwing", async () => {
    nock(BASE)
      .get("/h")
      .reply(404, { error: { code: "resource_missing" } });
    const res = await client().request({ method: "GET", path: "/h", operation: "h", accept: [404] });
    expect(res.status).toBe(404);
  });
});

describe("toFanoutError", () => {
  it("reads the status and provider code that SDKs put on their errors", () => {
    const sdkError = Object.assign(new Error(`Invalid API Key provided: ${TOKEN}`), {
      statusCode: 401,
      type: "StripeAuthenticationError",
      code: "api_key_invalid",
    });
    const error = toFanoutError(sdkError, {
      provider: "stripe",
      operation: "customers.list",
      redact: [TOKEN],
    });
    expect(error.code).toBe("AUTHENTICATION");
    expect(error.providerCode).toBe("api_key_invalid");
    assertNoSecrets(error);
  });

  it("reads axios-style response status and Retry-After headers", () => {
    const axiosError = Object.assign(new Error("Request failed"), {
      response: { status: 429, headers: { "retry-after": "3" } },
    });
    const error = toFanoutError(axiosError, { provider: "pipedrive", operation: "persons.search" });
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.retryAfterMs).toBe(3000);
  });

  it("classifies timeouts and aborts", () => {
    expect(
      toFanoutError(Object.assign(new Error("t"), { code: "ETIMEDOUT" }), { provider: "p", operation: "o" })
        .code,
    ).toBe("TIMEOUT");
    const abort = new DOMException("aborted", "AbortError");
    expect(toFanoutError(abort, { provider: "p", operation: "o" }).code).toBe("ABORTED");
    expect(toFanoutError(new Error("ECONNRESET"), { provider: "p", operation: "o" }).code).toBe("NETWORK");
  });
});
