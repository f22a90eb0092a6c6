/**
 * Conformance cases of error classification: each provider answer injected through the
 * simulator's own `errorResponse` (so the body and headers are the provider's), the adapter's
 * `FanoutError` checked for code, `retryable` and `retryAfterMs`, and no secret in any error.
 */
import { expect } from "vitest";
import type { ErrorCode } from "../../errors.js";
import type { Injection } from "../layers.js";
import type { SimSubject } from "../simulator.js";
import { failure, type Harness } from "./harness.js";
import type { CaseDefiner } from "./index.js";

const WAIT_HEADER = /retry-after|ratelimit|rate-limit/i;

export function errorCases(h: Harness, test: CaseDefiner): void {
  const injected = async (injection: Injection, subject?: SimSubject) => {
    const who = subject ?? (await h.seeded()).subject;
    const spec: Injection = h.options.injectMatch
      ? { ...injection, match: h.options.injectMatch }
      : injection;
    const handle = h.sims.inject(h.factory.id, spec);
    const before = h.sims.calls(h.factory.id).length;
    const ctx = h.context(who);
    const error = await failure(h.adapter.locate(ctx.subject, ctx));
    handle.cancel();
    expect(handle.fired, "the injected answer was served").toBeGreaterThanOrEqual(1);
    const calls = h.sims.calls(h.factory.id).slice(before);
    return { error, calls };
  };

  const classified = (status: number, code: ErrorCode, retryable: boolean) => async () => {
    const { error, calls } = await injected({ status });
    expect(
      calls.some((c) => c.status === status),
      `a ${status} was served`,
    ).toBe(true);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.provider).toBe(h.adapter.id);
    expect(error.status).toBe(status);
  };

  test("rate-limited", async () => {
    const retryAfterMs = 3000;
    const { error } = await injected({ status: 429, retryAfterMs });
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.retryable).toBe(true);
    const probe = h.sims.simulator(h.factory.id).errorResponse(429, { retryAfterMs });
    const advertises = Object.keys(probe.headers ?? {}).some((name) => WAIT_HEADER.test(name));
    if (advertises) {
      expect(error.retryAfterMs, "retryAfterMs read from the 429's headers").toBeDefined();
      expect(error.retryAfterMs ?? 0).toBeGreaterThan(0);
      expect(error.retryAfterMs ?? 0).toBeLessThanOrEqual(retryAfterMs * 1.5 + 1000);
    }
  });

  test("server-error", async () => {
    await classified(500, "PROVIDER_UNAVAILABLE", true)();
    await classified(503, "PROVIDER_UNAVAILABLE", true)();
  });

  test("authentication", classified(401, "AUTHENTICATION", false));
  test("permission-denied", classified(403, "PERMISSION_DENIED", false));

  test("validation", async () => {
    await classified(400, "VALIDATION", false)();
    await classified(422, "VALIDATION", false)();
  });

  test("malformed-json", async () => {
    const { error, calls } = await injected({ fault: "malformed" });
    expect(calls.length).toBeGreaterThan(0);
    expect(error.retryable).toBe(true);
    expect(["PROVIDER_RESPONSE", "NETWORK"]).toContain(error.code);
  });

  test("no-leaks", async () => {
    const { subject, ids } = await h.seeded();
    const secrets = h.secrets();
    const identifiers = [subject.email, subject.name, subject.phone].filter(
      (v): v is string => typeof v === "string" && v.length >= 4,
    );
    const errors = [];
    const injections: Injection[] = [
      { status: 400 },
      { status: 401 },
      { status: 403 },
      { status: 422 },
      { status: 429, retryAfterMs: 1000 },
      { status: 500 },
      { fault: "malformed" },
      // Twice: some SDKs (stripe) retry a closed connection once even with retries off.
      { fault: "reset", before: true, times: 2 },
    ];
    for (const injection of injections) errors.push((await injected(injection, subject)).error);
    // Also an error raised while erasing known records (ids in the request path).
    const ctx = h.context(subject, { ids });
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    h.sims.inject(
      h.factory.id,
      h.options.injectMatch ? { status: 500, match: h.options.injectMatch } : { status: 500 },
    );
    errors.push(await failure(h.adapter.delete(refs, ctx)));
    expect(secrets.length, "the simulator's adapter options carry a credential").toBeGreaterThan(0);
    for (const error of errors) {
      const forms = [
        error.message,
        JSON.stringify(error),
        JSON.stringify(error.toJSON()),
        String(error.stack),
      ];
      for (const text of forms) {
        for (const secret of secrets)
          expect(text.includes(secret), `credential in ${error.code} error`).toBe(false);
        for (const id of identifiers) {
          expect(text.toLowerCase().includes(id.toLowerCase()), `identifier in ${error.code} error`).toBe(
            false,
          );
        }
      }
    }
  });
}
