// `inspect()` calls each adapter's locate with a full operation context, like a saga step: its own
// request id, idempotency keys built from it, the limiter under the adapter's credential key, the
// engine's clock, and a logger bound to the "inspect" step and the subject's fingerprint (never an
// identifier). An adapter's plain error comes back typed, naming the provider, its identifiers
// redacted. And the engine's own log: failures and requests needing attention at `warn`, the rest
// at `debug`.
import { describe, expect, it } from "vitest";
import { defineAdapter, type OperationContext, type RateLimitSpec } from "../../src/index.js";
import { EMAIL, setup } from "./helpers.js";

const SPEC: RateLimitSpec = { requests: 5, intervalMs: 1000 };

/** The operations inspect never calls. */
const idle = {
  async export() {
    return { records: [] };
  },
  async delete() {
    return { outcome: "not_found" as const, deleted: 0 };
  },
  async status() {
    return { state: "done" as const, remaining: 0 };
  },
};

describe("inspect's operation context", () => {
  it("gives locate a request id, keys, the limiter under the credential key, the clock and a bound logger", async () => {
    const seen: OperationContext[] = [];
    const lines: Record<string, unknown>[] = [];
    const acquired: string[] = [];
    const adapter = defineAdapter({
      id: "looking",
      rateLimit: SPEC,
      rateLimitKey: "shared-credential",
      async locate(_subject, ctx) {
        seen.push(ctx);
        await ctx.rateLimit({ key: "search", requests: 1, intervalMs: 1000 });
        ctx.logger.info({ op: "locate" }, "locate");
        return {
          refs: [
            { type: "contact", id: "c1" },
            { type: "deal", id: "d1" },
            { type: "contact", id: "c2" },
          ],
        };
      },
      ...idle,
    });
    const capture = (obj: Record<string, unknown>) => {
      if (obj.op === "locate") lines.push(obj);
    };
    const env = setup([], {
      adapters: [adapter],
      rateLimiter: {
        async acquire(key: string, spec: RateLimitSpec) {
          acquired.push(`${key} ${spec.requests}/${spec.intervalMs}`);
        },
        penalize() {},
      },
      logger: { debug: capture, info: capture, warn: capture, error: capture },
    });

    const result = await env.fanout.inspect({ email: EMAIL });
    expect(result).toEqual([
      { adapter: "looking", records: 3, byType: { contact: 2, deal: 1 }, error: null },
    ]);

    const ctx = seen[0]!;
    expect(ctx.requestId).toMatch(/^inspect_[0-9a-f]{16}$/);
    expect(ctx.idempotencyKey("locate", "page-2")).toBe(`${ctx.requestId}-looking-locate-page-2`);
    expect(ctx.idempotencyKey("locate")).toBe(`${ctx.requestId}-looking-locate-`);
    expect(ctx.attempt).toBe(1);
    expect(ctx.now().getTime()).toBe(env.clock.now());
    expect(ctx.signal.aborted).toBe(false);
    expect(acquired).toEqual(["shared-credential 5/1000", "shared-credential:search 1/1000"]);

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      requestId: ctx.requestId,
      adapter: "looking",
      step: "inspect",
      subject: ctx.fingerprint,
    });
    expect(ctx.fingerprint).toMatch(/\S{8,}/);
    expect(JSON.stringify(lines)).not.toContain(EMAIL);
  });

  it("uses the adapter's id as the limiter key when it names no credential", async () => {
    const acquired: string[] = [];
    const adapter = defineAdapter({
      id: "plain",
      rateLimit: SPEC,
      async locate(_subject, ctx) {
        await ctx.rateLimit();
        return { refs: [] };
      },
      ...idle,
    });
    const env = setup([], {
      adapters: [adapter],
      rateLimiter: {
        async acquire(key: string) {
          acquired.push(key);
        },
        penalize() {},
      },
    });
    expect(await env.fanout.inspect({ email: EMAIL })).toEqual([
      { adapter: "plain", records: 0, byType: {}, error: null },
    ]);
    expect(acquired).toEqual(["plain"]);
  });

  it("turns an adapter's plain error into a typed one naming the provider, the subject redacted", async () => {
    const adapter = defineAdapter({
      id: "broken",
      async locate() {
        throw new Error(`no contact ${EMAIL} here`);
      },
      ...idle,
    });
    const env = setup([], { adapters: [adapter] });
    const [result] = await env.fanout.inspect({ email: EMAIL });
    expect(result).toMatchObject({ adapter: "broken", records: null, byType: {} });
    expect(result?.error).toMatchObject({ provider: "broken", operation: "locate" });
    expect(JSON.stringify(result)).not.toContain(EMAIL);
  });
});

describe("the engine's log levels for its events", () => {
  it("logs failures and requests needing attention at warn, progress at debug", async () => {
    const env = setup(["alpha"]);
    env.providers.alpha!.fail("delete", { code: "AUTHENTICATION", times: 100 });
    const req = await env.fanout.erase({ email: EMAIL });
    for (let i = 0; i < 20 && (await env.fanout.status(req.id)).state !== "needs_attention"; i++) {
      await env.fanout.drain();
      env.clock.advance(60 * 60 * 1000);
    }
    expect((await env.fanout.status(req.id)).state).toBe("needs_attention");
    const levels = new Map<string, Set<string>>();
    for (const line of env.logs as { level: string; msg?: string; obj: { event?: string } }[]) {
      if (typeof line.obj.event !== "string") continue;
      const seen = levels.get(line.obj.event) ?? new Set();
      seen.add(line.level);
      levels.set(line.obj.event, seen);
    }
    expect(levels.get("branch.failed")).toEqual(new Set(["warn"]));
    expect(levels.get("request.needs_attention")).toEqual(new Set(["warn"]));
    expect(levels.get("request.state")).toEqual(new Set(["debug"]));
    expect(levels.get("branch.step")).toEqual(new Set(["debug"]));
  });
});
