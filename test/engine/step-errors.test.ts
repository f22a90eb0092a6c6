// What the engine keeps of an error an adapter throws: a typed FanoutError whose message no longer
// names the subject or the branch's records (a provider's "No such customer: cus_…" text), with the
// provider's status, code and Retry-After kept, the adapter and step named; anything else becomes a
// retryable STEP_FAILED. A branch out of attempts is failed, with a `branch.failed` event and audit
// entry naming the step and code; each retry before that is announced with its next attempt time.
import { describe, expect, it } from "vitest";
import { createFanout, defineAdapter, FanoutError, memoryStore } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { EMAIL, SECRET, settle } from "./helpers.js";

function failingDelete(fail: () => never, ids = ["cus_9xq"]) {
  return defineAdapter({
    id: "billing",
    capabilities: { lookup: ["email"] },
    async locate() {
      return {
        refs: ids.map((id) => ({ type: "customer", id })),
        coverage: { searchedBy: ["email"], types: ["customer"] },
      };
    },
    export: async () => ({ records: [] }),
    async delete() {
      fail();
    },
    async status() {
      return { state: "done", remaining: 0 };
    },
  });
}

function run(fail: () => never, retry = { maximumAttempts: 1 }, ids?: string[]) {
  const clock = fakeClock();
  const store = memoryStore();
  const fanout = createFanout({
    adapters: [failingDelete(fail, ids)],
    store,
    secret: SECRET,
    now: clock.now,
    random: () => 0.5,
    retry,
  });
  const events: { type: string; [k: string]: unknown }[] = [];
  fanout.on("*", (e) => events.push(e as never));
  return { fanout, clock, store, events };
}

describe("an adapter's error, as the engine keeps it", () => {
  it("scrubs the subject's email and the branch's record ids, keeps the provider's facts, names adapter and step", async () => {
    const env = run(() => {
      throw new FanoutError("VALIDATION", `No such customer: cus_9xq (${EMAIL})`, {
        retryable: false,
        status: 404,
        retryAfterMs: 1500,
        providerCode: "resource_missing",
      });
    });
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env as never, req.id)).toBe("needs_attention");
    const branch = (await env.fanout.status(req.id)).branches[0]!;
    expect(branch.error).toMatchObject({
      code: "VALIDATION",
      retryable: false,
      provider: "billing",
      operation: "delete",
      status: 404,
      retryAfterMs: 1500,
      providerCode: "resource_missing",
    });
    expect(branch.error!.message).toContain("No such customer");
    expect(branch.error!.message).not.toContain(EMAIL);
    expect(branch.error!.message).not.toContain("cus_9xq");
    const failed = env.events.find((e) => e.type === "branch.failed");
    expect(failed).toMatchObject({ adapter: "billing", step: "delete", error: { code: "VALIDATION" } });
    expect(JSON.stringify(env.events)).not.toContain(EMAIL);
    const audit = (await env.fanout.audit(req.id)).entries.find((e) => e.type === "branch.failed");
    expect(audit?.data).toMatchObject({ adapter: "billing", step: "delete", code: "VALIDATION" });
  });

  it("scrubs record ids of five characters or more, and leaves shorter ones in the text", async () => {
    const env = run(
      () => {
        throw new FanoutError("VALIDATION", "No such customers: cus_9xq, acc_7; field name invalid", {
          retryable: false,
        });
      },
      { maximumAttempts: 1 },
      ["cus_9xq", "acc_7", "name"],
    );
    const req = await env.fanout.erase({ email: EMAIL });
    await settle(env as never, req.id);
    const message = (await env.fanout.status(req.id)).branches[0]!.error!.message;
    expect(message).not.toContain("cus_9xq");
    expect(message).not.toContain("acc_7");
    // A four-letter id is not scrubbed: it would mangle ordinary words.
    expect(message).toContain("field name invalid");
  });

  it("anything else becomes a retryable STEP_FAILED naming the adapter and step only", async () => {
    const env = run(() => {
      throw new TypeError(`cannot read ${EMAIL}`);
    });
    const req = await env.fanout.erase({ email: EMAIL });
    await settle(env as never, req.id);
    const branch = (await env.fanout.status(req.id)).branches[0]!;
    expect(branch.error).toMatchObject({
      code: "STEP_FAILED",
      retryable: true,
      provider: "billing",
      operation: "delete",
      message: "billing delete failed with an unexpected error",
    });
  });

  it("announces each retry with its attempt and the time of the next, then fails when attempts run out", async () => {
    const env = run(
      () => {
        throw new FanoutError("PROVIDER_UNAVAILABLE", "billing: 503", {
          retryable: true,
          retryAfterMs: 60_000,
        });
      },
      { maximumAttempts: 3 },
    );
    const req = await env.fanout.erase({ email: EMAIL });
    expect(await settle(env as never, req.id)).toBe("needs_attention");
    const retries = env.events.filter((e) => e.type === "branch.retrying");
    expect(retries.map((e) => [e.adapter, e.step, e.attempt])).toEqual([
      ["billing", "delete", 1],
      ["billing", "delete", 2],
    ]);
    for (const e of retries)
      expect(Date.parse(String(e.nextAttemptAt))).toBeGreaterThan(Date.parse("2026-01-01"));
    expect(env.events.filter((e) => e.type === "branch.failed")).toHaveLength(1);
    const steps = (await env.store.steps(req.id)).filter((s) => s.step === "delete").map((s) => s.status);
    expect(steps).toEqual(["retrying", "retrying", "failed"]);
  });
});
