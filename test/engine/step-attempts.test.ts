// One attempt of a branch step, as the engine runs and records it: which errors are retried in the
// process at once (short blips) and which become a durable retry; which pause the adapter's
// credential in the rate limiter (a 429 only); the events a step's end announces (one
// `branch.completed` per finished branch, `branch.failed` only for a failed one); the stored branch
// out of flight after a retry or a failure; a clean adapter error kept as it was thrown; the step's
// span status; and a lease lost while the step's success is saved, which stops the run without
// marking the branch failed.
import { describe, expect, it } from "vitest";
import {
  defineAdapter,
  FanoutError,
  memoryStore,
  type RateLimitSpec,
  type SagaStore,
  type TracerLike,
} from "../../src/index.js";
import { EMAIL, settle, setup } from "./helpers.js";

function recordingLimiter() {
  const penalties: [string, number][] = [];
  return {
    penalties,
    limiter: {
      async acquire(_key: string, _spec: RateLimitSpec) {},
      penalize(key: string, ms: number) {
        penalties.push([key, ms]);
      },
    },
  };
}

/** An adapter whose delete throws `errors` in turn (then succeeds); its delete calls are counted. */
function deleting(errors: FanoutError[]) {
  const deletes: number[] = [];
  const adapter = defineAdapter({
    id: "billing",
    rateLimitKey: "billing-key",
    capabilities: { lookup: ["email"] },
    async locate() {
      return {
        refs: [{ type: "customer", id: "cus_1" }],
        coverage: { searchedBy: ["email"], types: ["customer"] },
      };
    },
    export: async () => ({ records: [] }),
    async delete(_refs, ctx) {
      deletes.push(ctx.attempt);
      const error = errors.shift();
      if (error) throw error;
      return { outcome: "erased", deleted: 1 };
    },
    async status() {
      return { state: "done", remaining: 0 };
    },
  });
  return { adapter, deletes };
}

const unavailable = (retryAfterMs?: number) =>
  new FanoutError("PROVIDER_UNAVAILABLE", "billing: 503", {
    retryable: true,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
const limited = (retryAfterMs?: number) =>
  new FanoutError("RATE_LIMITED", "billing: 429", {
    retryable: true,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });

function run(errors: FanoutError[]) {
  const { adapter, deletes } = deleting(errors);
  const { limiter, penalties } = recordingLimiter();
  const env = setup(["billing"], { adapters: [adapter], rateLimiter: limiter });
  return { env, deletes, penalties };
}

const retrying = (env: ReturnType<typeof setup>) => env.events.filter((e) => e.type === "branch.retrying");

describe("an attempt's quick retries", () => {
  it("absorb a blip with no Retry-After, or one of at most a second, within the attempt", async () => {
    for (const error of [unavailable(), unavailable(1000)]) {
      const { env, deletes } = run([error]);
      const req = await env.fanout.erase({ email: EMAIL });
      expect(await settle(env, req.id)).toBe("completed");
      expect(deletes).toEqual([1, 1]);
      expect(retrying(env)).toEqual([]);
    }
  });

  it("leave an error asking for more than a second to a durable retry", async () => {
    const { env, deletes } = run([unavailable(1001)]);
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    expect(deletes).toEqual([1, 2]);
    expect(retrying(env)).toHaveLength(1);
  });

  it("leave a 429 to a durable retry, however short its Retry-After, and pause the credential for it", async () => {
    const { env, deletes, penalties } = run([limited(20), limited()]);
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    expect(deletes).toEqual([1, 2, 3]);
    expect(retrying(env)).toHaveLength(2);
    // The credential's key, for the provider's Retry-After, else a second.
    expect(penalties).toEqual([
      ["billing-key", 20],
      ["billing-key", 1000],
    ]);
  });

  it("do not pause the credential for an error that is not a 429", async () => {
    const { env, penalties } = run([unavailable(), unavailable(5000)]);
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    expect(penalties).toEqual([]);
  });
});

describe("a step's end", () => {
  it("announces branch.completed once per finished branch, and no branch.failed after a retry that succeeded", async () => {
    const { env } = run([unavailable(5000)]);
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    expect(env.events.filter((e) => e.type === "branch.completed")).toEqual([
      expect.objectContaining({ adapter: "billing", outcome: "erased" }),
    ]);
    expect(env.events.filter((e) => e.type === "branch.failed")).toEqual([]);
  });

  it("announces branch.failed when a step's result fails the branch (data still there after every delete round)", async () => {
    const env = setup(["alpha"]);
    env.providers.alpha!.deletesNotTaking = 100;
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id, 200)).toBe("needs_attention");
    const failed = env.events.filter((e) => e.type === "branch.failed");
    expect(failed).toEqual([
      expect.objectContaining({
        adapter: "alpha",
        step: "verify",
        error: expect.objectContaining({ code: "STEP_FAILED", provider: "alpha", operation: "verify" }),
      }),
    ]);
    expect(env.events.filter((e) => e.type === "branch.completed")).toEqual([]);
  });

  it("announces no branch.failed for a poll that answers pending after a failed poll", async () => {
    const env = setup(["alpha"]);
    // Every quick try of the first status poll fails (a durable retry), the next one answers pending.
    env.providers.alpha!.fail("status", { code: "PROVIDER_UNAVAILABLE", times: 3 });
    env.providers.alpha!.pendingPolls = 1;
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    expect(retrying(env)).toEqual([expect.objectContaining({ step: "verify" })]);
    expect(env.events.filter((e) => e.type === "branch.failed")).toEqual([]);
  });

  it("leaves the stored branch out of flight after a durable retry and after a failure", async () => {
    const { env } = run([unavailable(5000)]);
    const req = await env.fanout.erase({ email: EMAIL });
    await env.fanout.drain();
    const [waiting] = await env.store.getBranches(req.id);
    expect(waiting).toMatchObject({ step: "delete", state: "waiting_retry", inFlight: false });

    const failing = run([new FanoutError("VALIDATION", "billing: 400", { retryable: false })]);
    const other = await failing.env.fanout.erase({ email: EMAIL });
    expect(await settle(failing.env, other.id)).toBe("needs_attention");
    const [failed] = await failing.env.store.getBranches(other.id);
    expect(failed).toMatchObject({ step: "delete", state: "failed", inFlight: false });
  });

  it("keeps a clean adapter error as it was thrown, details included", async () => {
    const error = new FanoutError("VALIDATION", "billing: field too long", {
      retryable: false,
      details: { field: "name" },
    });
    const { env } = run([error]);
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("needs_attention");
    const branch = (await env.fanout.status(req.id)).branches[0]!;
    expect(branch.error).toEqual(error.toJSON());
  });

  it("sets its span's status: ok on success, error with the code on failure", async () => {
    const statuses: [string, unknown][] = [];
    const tracer: TracerLike = {
      startSpan(name) {
        return { setAttribute() {}, setStatus: (s) => statuses.push([name, s]), end() {} };
      },
    };
    const { adapter } = deleting([new FanoutError("VALIDATION", "billing: 400", { retryable: false })]);
    const env = setup(["billing"], { adapters: [adapter], tracer });
    const req = await env.fanout.erase({ email: EMAIL });
    await settle(env, req.id);
    expect(statuses).toEqual([
      ["gdpr-fanout locate", { code: 1 }],
      ["gdpr-fanout delete", { code: 2, message: "VALIDATION" }],
    ]);
  });
});

describe("a lease lost while a step's success is saved", () => {
  it("stops the run without failing the branch; the next claim runs the step again", async () => {
    const inner = memoryStore();
    let lose = 1;
    const store = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === "commit")
          return (...args: Parameters<SagaStore["commit"]>) => {
            const saved = args[2].steps ?? [];
            if (lose > 0 && saved.some((s) => s.step === "delete" && s.status === "succeeded")) {
              lose -= 1;
              return Promise.reject(new FanoutError("LEASE_LOST", "fenced out", { retryable: true }));
            }
            return target.commit(...args);
          };
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const { adapter, deletes } = deleting([]);
    const env = setup(["billing"], { adapters: [adapter], store });
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env, req.id)).toBe("completed");
    // The attempt that was started but not saved is counted: the delete ran again as attempt 2.
    expect(deletes).toEqual([1, 2]);
    expect(env.events.filter((e) => e.type === "branch.failed" || e.type === "branch.retrying")).toEqual([]);
    expect(
      env.logs
        .filter((l) => (l as { msg?: string }).msg === "request run stopped")
        .map((l) => (l as { obj: unknown }).obj),
    ).toEqual([{ requestId: req.id, code: "LEASE_LOST" }]);
  });
});
