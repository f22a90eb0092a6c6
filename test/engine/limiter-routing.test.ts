// Every provider request of every step waits for the shared limiter under the adapter's credential
// key (its `rateLimitKey`, else its id), endpoint buckets on top; a 429 pauses that key for the
// provider's Retry-After, so the other branches sharing the credential wait too.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defineAdapter, FanoutError, type RateLimitSpec } from "../../src/index.js";
import { EMAIL, settle, setup } from "./helpers.js";

const SPEC: RateLimitSpec = { requests: 7, intervalMs: 1000 };
const SEARCH = { key: "search", requests: 2, intervalMs: 2000 };

function recordingLimiter() {
  const acquired: string[] = [];
  const penalties: [string, number][] = [];
  return {
    acquired,
    penalties,
    limiter: {
      async acquire(key: string, spec: RateLimitSpec) {
        acquired.push(`${key} ${spec.requests}/${spec.intervalMs}`);
      },
      penalize(key: string, ms: number) {
        penalties.push([key, ms]);
      },
    },
  };
}

/** An adapter that makes one request per call (the locate also hits a search bucket). */
function limitedAdapter(options: { rateLimitKey?: string; locate429?: number } = {}) {
  const sent: string[] = [];
  let failures = options.locate429 ?? 0;
  let live = 2;
  const request = async (ctx: { rateLimit(b?: typeof SEARCH): Promise<void> }, op: string) => {
    await ctx.rateLimit(op === "locate" ? SEARCH : undefined);
    sent.push(op);
  };
  const adapter = defineAdapter({
    id: "limited",
    rateLimit: SPEC,
    ...(options.rateLimitKey ? { rateLimitKey: options.rateLimitKey } : {}),
    async locate(_subject, ctx) {
      await request(ctx, "locate");
      if (failures > 0) {
        failures -= 1;
        throw new FanoutError("RATE_LIMITED", "limited locate: 429", {
          retryable: true,
          provider: "limited",
          retryAfterMs: 30_000,
        });
      }
      return { refs: Array.from({ length: live }, (_, i) => ({ type: "record", id: `r${i}` })) };
    },
    async export(_refs, ctx) {
      await request(ctx, "export");
      return { records: [] };
    },
    async restrict(_refs, ctx) {
      await request(ctx, "restrict");
      return { undo: null, restricted: live };
    },
    async unrestrict(_refs, _undo, ctx) {
      await request(ctx, "unrestrict");
    },
    async delete(_refs, ctx) {
      await request(ctx, "delete");
      const deleted = live;
      live = 0;
      return { outcome: "erased", deleted };
    },
    async status(_refs, _deletion, ctx) {
      await request(ctx, "status");
      return { state: "done", remaining: 0 };
    },
  });
  return { adapter, sent };
}

describe("the engine and the rate limiter", () => {
  it("routes every adapter request of an erasure through the limiter under the credential's key", async () => {
    const { limiter, acquired } = recordingLimiter();
    const { adapter, sent } = limitedAdapter({ rateLimitKey: "acct-1" });
    const env = setup(["limited"], { adapters: [adapter], rateLimiter: limiter });
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    // An immediate erasure reuses its first locate at the pivot (fresh-locate.ts): no second one.
    expect(sent).toEqual(["locate", "restrict", "delete", "status"]);
    // One grant per request under the shared key, and the search bucket's own after the locate.
    expect(acquired).toEqual([
      "acct-1 7/1000",
      "acct-1:search 2/2000",
      "acct-1 7/1000",
      "acct-1 7/1000",
      "acct-1 7/1000",
    ]);
  });

  it("uses the adapter id as the key when no rateLimitKey is given, for exports too", async () => {
    const { limiter, acquired } = recordingLimiter();
    const { adapter } = limitedAdapter();
    const env = setup(["limited"], { adapters: [adapter], rateLimiter: limiter });
    const dir = mkdtempSync(join(tmpdir(), "gf-limiter-"));
    try {
      const req = await env.fanout.export({ email: EMAIL }, { to: join(dir, "package") });
      expect(await settle(env, req.id)).toBe("completed");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(acquired).toEqual(["limited 7/1000", "limited:search 2/2000", "limited 7/1000"]);
  });

  it("penalises the credential's key for the provider's Retry-After on a 429", async () => {
    const { limiter, penalties } = recordingLimiter();
    const { adapter } = limitedAdapter({ rateLimitKey: "acct-1", locate429: 1 });
    const env = setup(["limited"], { adapters: [adapter], rateLimiter: limiter });
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    expect(penalties).toEqual([["acct-1", 30_000]]);
  });
});
