// The fanout secret: required outside tests, read from GDPR_FANOUT_SECRET, at least 16 characters,
// a plain-words error for a store sealed with another secret, and rotation through previousSecrets.
import { afterEach, describe, expect, it } from "vitest";
import { sealingKey, unseal } from "../../src/engine/seal.js";
import { generateSecret, isTestEnvironment } from "../../src/engine/secrets.js";
import { createFanout, isFanoutError, memoryStore } from "../../src/index.js";
import { FakeProvider } from "./fake-provider.js";

const EMAIL = "jane.doe@acme.test";
const OLD = "old-secret-0123456789abcdef";
const NEW = "new-secret-0123456789abcdef";
const saved = { ...process.env };

afterEach(() => {
  for (const key of ["VITEST", "NODE_ENV", "GDPR_FANOUT_SECRET", "GDPR_FANOUT_PREVIOUS_SECRETS"]) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

/** As a production process sees it: no test runner variables. */
function outsideTests() {
  delete process.env.VITEST;
  process.env.NODE_ENV = "production";
  expect(isTestEnvironment()).toBe(false);
}

function provider() {
  const p = new FakeProvider("alpha");
  p.seed(EMAIL, 2);
  return p;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("the fanout secret", () => {
  it("outside tests, a missing secret is a CONFIGURATION error at createFanout", () => {
    outsideTests();
    delete process.env.GDPR_FANOUT_SECRET;
    const error = caught(() => createFanout({ adapters: [provider().adapter()], store: memoryStore() }));
    expect(isFanoutError(error, "CONFIGURATION")).toBe(true);
    expect((error as Error).message).toContain("GDPR_FANOUT_SECRET");
    expect((error as Error).message).toContain("gdpr-fanout secret");
  });

  it("reads GDPR_FANOUT_SECRET when no secret is passed (same fingerprints as passing it)", async () => {
    outsideTests();
    process.env.GDPR_FANOUT_SECRET = NEW;
    const fromEnv = createFanout({ adapters: [provider().adapter()], store: memoryStore() });
    const given = createFanout({ adapters: [provider().adapter()], store: memoryStore(), secret: NEW });
    const a = await fromEnv.erase({ email: EMAIL });
    const b = await given.erase({ email: EMAIL });
    expect((await fromEnv.status(a.id)).subject).toBe((await given.status(b.id)).subject);
  });

  it("refuses a secret shorter than 16 characters, saying the minimum", () => {
    const error = caught(() =>
      createFanout({ adapters: [provider().adapter()], store: memoryStore(), secret: "test" }),
    );
    expect(isFanoutError(error, "CONFIGURATION")).toBe(true);
    expect((error as Error).message).toContain("at least 16 characters");
  });

  it("generates secrets long enough and different each time", () => {
    const a = generateSecret();
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(a).not.toBe(generateSecret());
    expect(a).not.toContain(",");
  });

  it("a store sealed with another secret says so, and opens after the old secret is listed", async () => {
    const store = memoryStore();
    const alpha = provider();
    const before = createFanout({ adapters: [alpha.adapter()], store, secret: OLD });
    const req = await before.erase({ email: EMAIL }, { idempotencyKey: "acct-1-closure" });

    // A worker started with another secret: nothing is sent, the request waits for a person.
    const wrong = createFanout({ adapters: [alpha.adapter()], store, secret: NEW });
    await wrong.drain();
    const parked = await wrong.status(req.id);
    expect(parked.state).toBe("needs_attention");
    expect(parked.attention?.code).toBe("CONFIGURATION");
    expect(parked.attention?.message).toContain("sealed with a different secret");
    expect(parked.attention?.message).toContain("previousSecrets");
    expect(alpha.calls).toEqual([]);

    // Rotated: the new secret with the old one listed opens it, and retry resumes.
    const rotated = createFanout({ adapters: [alpha.adapter()], store, secret: NEW, previousSecrets: [OLD] });
    await rotated.retry(req.id);
    await rotated.drain();
    expect((await rotated.status(req.id)).state).toBe("completed");
    expect(alpha.live(EMAIL)).toEqual([]);
  });

  it("after a rotation an idempotency key still finds the request made with the old secret", async () => {
    const store = memoryStore();
    const alpha = provider();
    const before = createFanout({ adapters: [alpha.adapter()], store, secret: OLD });
    const first = await before.erase({ email: EMAIL }, { after: "90d", idempotencyKey: "acct-1-closure" });
    const rotated = createFanout({ adapters: [alpha.adapter()], store, secret: NEW, previousSecrets: [OLD] });
    const again = await rotated.erase({ email: EMAIL }, { after: "90d", idempotencyKey: "acct-1-closure" });
    expect(again).toMatchObject({ id: first.id, created: false });
    // Without the old secret the key looks reused for someone else.
    const forgot = createFanout({ adapters: [alpha.adapter()], store, secret: NEW });
    await expect(forgot.erase({ email: EMAIL }, { idempotencyKey: "acct-1-closure" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
  });

  it("reads previous secrets from GDPR_FANOUT_PREVIOUS_SECRETS", async () => {
    const store = memoryStore();
    const alpha = provider();
    const before = createFanout({ adapters: [alpha.adapter()], store, secret: OLD });
    const req = await before.erase({ email: EMAIL });
    process.env.GDPR_FANOUT_SECRET = NEW;
    process.env.GDPR_FANOUT_PREVIOUS_SECRETS = `${generateSecret()}, ${OLD}`;
    const rotated = createFanout({ adapters: [alpha.adapter()], store });
    await rotated.drain();
    expect((await rotated.status(req.id)).state).toBe("completed");
  });

  it("a damaged seal under a known key is STORE_CORRUPT; rows sealed before key ids still open", async () => {
    const { createCipheriv, randomBytes } = await import("node:crypto");
    const key = sealingKey(OLD);
    // The v1 format: no key id.
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify({ a: 1 }), "utf8"), cipher.final()]);
    const v1 = `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
    expect(unseal(v1, [sealingKey(NEW), key], "req_1")).toEqual({ a: 1 });
    expect(caught(() => unseal(v1, [sealingKey(NEW)], "req_1"))).toMatchObject({ code: "CONFIGURATION" });
    const { seal } = await import("../../src/engine/seal.js");
    const sealed = seal({ a: 1 }, key);
    const damaged = `${sealed.slice(0, -6)}AAAAAA`;
    const corrupt = caught(() => unseal(damaged, [key], "req_1"));
    // Not retryable (the row will not heal), naming the request, keeping the cipher's own error.
    expect(corrupt).toMatchObject({
      code: "STORE_CORRUPT",
      retryable: false,
      message: "The sealed subject of request req_1 is damaged: it names this fanout's key but does not open",
    });
    expect((corrupt as Error).cause).toMatchObject({ name: "Error" });
    // Neither format's prefix, or a v2 prefix without a key id: damaged too.
    expect(caught(() => unseal("v3:abc", [key], "req_2"))).toMatchObject({
      code: "STORE_CORRUPT",
      retryable: false,
    });
    expect(caught(() => unseal("v2:nokeyid:abc", [key], "req_2"))).toMatchObject({ code: "STORE_CORRUPT" });
  });
});
