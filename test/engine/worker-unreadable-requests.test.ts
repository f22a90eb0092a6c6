// A claimed request whose sealed subject is gone or unreadable: the worker parks it
// `needs_attention` with a non-retryable STORE_CORRUPT naming the request (it cannot run without
// its subject and must not be claimed again at once), and calls no provider. An answered request
// whose subject was shredded is the exception: it comes back for its purge checks, which need
// record ids only.
import { describe, expect, it } from "vitest";
import { seal, sealingKey } from "../../src/engine/seal.js";
import { memoryStore, type SagaStore } from "../../src/index.js";
import type { RequestRecord } from "../../src/store/types.js";
import { EMAIL, SECRET, settle, setup } from "./helpers.js";

/** The store, with every claimed record's `sealed` column replaced by `sealed(record)`. */
function tampering(store: SagaStore, sealed: (record: RequestRecord) => string | null): SagaStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "claim")
        return async (...args: Parameters<SagaStore["claim"]>) =>
          (await target.claim(...args)).map((r) => ({ ...r, sealed: sealed(r) }));
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function parkedWith(sealed: (record: RequestRecord) => string | null) {
  const env = setup(["alpha"], { store: tampering(memoryStore(), sealed) });
  const req = await env.fanout.erase({ email: EMAIL });
  expect(await settle(env, req.id)).toBe("needs_attention");
  const status = await env.fanout.status(req.id);
  // Nothing ran at the provider.
  expect(env.providers.alpha!.calls).toEqual([]);
  expect(env.events.filter((e) => e.type === "request.needs_attention")).toHaveLength(1);
  return { id: req.id, attention: status.attention };
}

describe("a claimed request without a readable subject", () => {
  it("open, but its subject shredded: STORE_CORRUPT, not run", async () => {
    const { id, attention } = await parkedWith(() => null);
    expect(attention).toMatchObject({
      code: "STORE_CORRUPT",
      retryable: false,
      message: `Request ${id} is open but its subject was shredded`,
    });
  });

  for (const [what, payload] of [
    ["null", null],
    ["a text", "jane.doe@acme.test"],
    ["an object without a subject", { to: "somewhere" }],
    ["a subject that is not an object", { subject: "jane.doe@acme.test" }],
  ] as const) {
    it(`sealed as ${what}: STORE_CORRUPT, not run`, async () => {
      const key = sealingKey(SECRET);
      const { id, attention } = await parkedWith(() => seal(payload, key));
      expect(attention).toMatchObject({
        code: "STORE_CORRUPT",
        retryable: false,
        message: `Request ${id} has an unreadable subject`,
      });
    });
  }
});
