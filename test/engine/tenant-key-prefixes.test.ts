// Which stored idempotency-key prefixes `list({ idempotencyKeyPrefix })` looks for. A key holding
// an identifier is stored as its keyed hash, so a group of tenant requests filed under one key
// (`<key>/<tenant>`) is found through `<key>/` both as given and hashed (whether it was hashed can
// depend on the subject it was filed for), or, with the subject known, only in the form it has for
// that subject. A partial prefix holding an identifier can match nothing and is refused. Also: the
// `tenant` argument, and the key a tenant's request is stored under.
import { describe, expect, it } from "vitest";
import { hashedIdempotencyKey } from "../../src/engine/free-text.js";
import { storedKeyPrefixes, tenantArgument, tenantIdempotencyKey } from "../../src/engine/tenants.js";
import { createFanout, memoryStore, normalizeSubject } from "../../src/index.js";
import { fakeClock } from "./fake-provider.js";
import { TenantCrm } from "./tenant-crm.js";

const SECRET = "tenant-prefix-secret-0123456789";
const hashed = (key: string) => `${hashedIdempotencyKey(key, SECRET)}/`;
const subject = normalizeSubject({ email: "caller@example.test", ids: { crm: ["cus_4711"] } });

describe("the stored prefixes of an idempotency-key prefix", () => {
  it("a partial prefix without an identifier is looked for as given", () => {
    expect(storedKeyPrefixes("dsr-", SECRET, undefined)).toEqual(["dsr-"]);
    expect(storedKeyPrefixes("dsr-", SECRET, subject)).toEqual(["dsr-"]);
  });

  it("a lone slash is a partial prefix, not a whole (empty) key", () => {
    expect(storedKeyPrefixes("/", SECRET, undefined)).toEqual(["/"]);
  });

  it("a whole key and `/` is looked for as given and as its hash when no subject is known", () => {
    expect(storedKeyPrefixes("dsr-118/", SECRET, undefined)).toEqual(["dsr-118/", hashed("dsr-118")]);
    // A one-character key is a whole key too.
    expect(storedKeyPrefixes("7/", SECRET, undefined)).toEqual(["7/", hashed("7")]);
  });

  it("a whole key holding an identifier is looked for only as its hash", () => {
    expect(storedKeyPrefixes("close-jane@acme.test/", SECRET, undefined)).toEqual([
      hashed("close-jane@acme.test"),
    ]);
  });

  it("with the subject known, a whole key is looked for only in the form it has for that subject", () => {
    expect(storedKeyPrefixes("dsr-118/", SECRET, subject)).toEqual(["dsr-118/"]);
    // The subject's own provider id makes the key one that is stored hashed.
    expect(storedKeyPrefixes("cus_4711/", SECRET, subject)).toEqual([hashed("cus_4711")]);
  });

  it("refuses a partial prefix holding an identifier, naming the option", () => {
    expect(() => storedKeyPrefixes("close-jane@acme.test", SECRET, undefined)).toThrowError(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        details: { argument: "idempotencyKeyPrefix" },
        message: expect.stringMatching(/^idempotencyKeyPrefix holds an identifier/),
      }),
    );
    expect(() => storedKeyPrefixes("cus_47", SECRET, subject)).not.toThrow();
    expect(() => storedKeyPrefixes("cus_4711", SECRET, subject)).toThrowError(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });
});

describe("list() by a tenant group's key", () => {
  it("finds the group whether its key was stored as given or hashed, and only that group", async () => {
    const crm = new TenantCrm();
    const tokens = { acme: crm.account("acme"), globex: crm.account("globex") };
    const fanout = createFanout({
      tenants: async (tenant) => [crm.adapter(tokens[tenant as keyof typeof tokens])],
      store: memoryStore(),
      secret: SECRET,
      now: fakeClock().now,
    });
    const plain = await fanout.erase(
      { email: "a@example.test" },
      { tenant: "acme", idempotencyKey: "dsr-9" },
    );
    const other = await fanout.erase(
      { email: "b@example.test" },
      { tenant: "globex", idempotencyKey: "dsr-9" },
    );
    await fanout.erase({ email: "c@example.test" }, { tenant: "acme", idempotencyKey: "dsr-90" });
    const key = "close-a@example.test";
    const secret = await fanout.erase({ email: "a@example.test" }, { tenant: "acme", idempotencyKey: key });
    const ids = async (prefix: string) =>
      (await fanout.list({ idempotencyKeyPrefix: prefix })).items.map((r) => r.id).sort();
    expect(await ids("dsr-9/")).toEqual([plain.id, other.id].sort());
    expect(await ids(`${key}/`)).toEqual([secret.id]);
  });
});

describe("the tenant argument", () => {
  const resolver = async () => [];

  it("takes a tenant id of letters, digits, dots, colons, dashes and underscores", () => {
    expect(tenantArgument(undefined, undefined)).toBeUndefined();
    expect(tenantArgument("acme-eu_1.prod:7", resolver)).toBe("acme-eu_1.prod:7");
    expect(tenantArgument(`a${"b".repeat(127)}`, resolver)).toHaveLength(128);
  });

  it("refuses anything that could hold a person's details, naming the argument", () => {
    for (const bad of ["", "jane@acme.test", "Jane Doe", "-acme", `a${"b".repeat(128)}`, 42]) {
      expect(() => tenantArgument(bad, resolver)).toThrowError(
        expect.objectContaining({
          code: "INVALID_ARGUMENT",
          details: { argument: "tenant" },
          message: expect.stringMatching(/^tenant must be 1 to 128 letters/),
        }),
      );
    }
  });

  it("needs a tenant resolver", () => {
    expect(() => tenantArgument("acme", undefined)).toThrowError(
      expect.objectContaining({
        code: "INVALID_ARGUMENT",
        details: { argument: "tenant" },
        message: "a request for a tenant needs createFanout({ tenants })",
      }),
    );
  });
});

describe("the key a tenant's request is stored under", () => {
  it("is the stored key, followed by `/<tenant>` for a tenant's request; none without a key", () => {
    expect(tenantIdempotencyKey("dsr-1", undefined)).toBe("dsr-1");
    expect(tenantIdempotencyKey("dsr-1", "acme")).toBe("dsr-1/acme");
    expect(tenantIdempotencyKey(undefined, "acme")).toBeNull();
    expect(tenantIdempotencyKey(undefined, undefined)).toBeNull();
  });
});
