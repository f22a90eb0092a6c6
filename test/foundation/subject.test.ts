import { describe, expect, it } from "vitest";
import { InvalidSubjectError, isFanoutError, normalizeSubject, type SubjectInput } from "../../src/index.js";

const MALFORMED: Array<[string, unknown]> = [
  ["null", null],
  ["undefined", undefined],
  ["a string", "jane@acme.test"],
  ["a number", 42],
  ["an array", [{ email: "jane@acme.test" }]],
  ["an empty object", {}],
  ["a name alone", { name: "Jane Doe" }],
  ["an empty email", { email: "   " }],
  ["an email without @", { email: "jane.acme.test" }],
  ["an email without domain", { email: "jane@" }],
  ["an email with a space inside", { email: "ja ne@acme.test" }],
  ["an email that is too long", { email: `${"a".repeat(250)}@acme.test` }],
  ["an email that is a number", { email: 12345 }],
  ["an email with a control character", { email: "jane\u0000@acme.test" }],
  ["a phone with letters", { phone: "+44 20 CALL ME" }],
  ["a phone too short", { phone: "+12" }],
  ["a phone too long", { phone: "+1234567890123456789" }],
  ["a phone with + in the middle", { phone: "44+2079460000" }],
  ["an empty ids map", { ids: {} }],
  ["an empty id", { ids: { stripe: "" } }],
  ["an id with spaces", { ids: { stripe: "cus 123" } }],
  ["an empty id list", { ids: { stripe: [] } }],
  ["an id that is a number", { ids: { stripe: 5 } }],
  ["a bad adapter id", { ids: { "Stripe Inc": "cus_1" } }],
  ["an unknown field", { email: "jane@acme.test", password: "hunter2" }],
  ["a name that is too long", { email: "jane@acme.test", name: "x".repeat(500) }],
];

describe("normalizeSubject", () => {
  it.each(MALFORMED)("rejects %s with INVALID_SUBJECT", (_label, input) => {
    let caught: unknown;
    try {
      normalizeSubject(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidSubjectError);
    expect(isFanoutError(caught, "INVALID_SUBJECT")).toBe(true);
    const error = caught as InvalidSubjectError;
    expect(error.retryable).toBe(false);
    expect(error.issues.length).toBeGreaterThan(0);
    // The message names fields and problems, never the value given.
    const text = `${error.message} ${JSON.stringify(error)}`;
    for (const secret of ["jane@acme.test", "hunter2", "CALL ME", "cus 123", "jane.acme.test"]) {
      expect(text).not.toContain(secret);
    }
  });

  it("normalises a good subject", () => {
    const subject = normalizeSubject({
      email: "  Jane.Doe@ACME.test ",
      phone: "+44 (20) 7946-0000",
      name: "  Jane   Doe ",
      ids: { stripe: "cus_123", chargebee: ["AzZ1", "AzZ1", "AzZ2"] },
    });
    expect(subject).toEqual({
      email: "jane.doe@acme.test",
      emailAsGiven: "Jane.Doe@ACME.test",
      phone: "+442079460000",
      name: "Jane Doe",
      ids: { stripe: ["cus_123"], chargebee: ["AzZ1", "AzZ2"] },
    });
    expect(Object.isFrozen(subject)).toBe(true);
  });

  it("turns 00-prefixed and national numbers into E.164 where it can", () => {
    expect(normalizeSubject({ phone: "0044 20 7946 0000" }).phone).toBe("+442079460000");
    expect(normalizeSubject({ phone: "020 7946 0000" }, { defaultCallingCode: "44" }).phone).toBe(
      "+442079460000",
    );
    expect(normalizeSubject({ phone: "020 7946 0000" }).phone).toBe("02079460000");
  });

  it("accepts ids alone", () => {
    expect(normalizeSubject({ ids: { hubspot: "501" } })).toEqual({ ids: { hubspot: ["501"] } });
  });
});

describe("subject input as applications pass it", () => {
  it("treats undefined and null fields and ids as absent", () => {
    const user: { email: string; stripeCustomerId: string | undefined; phone: string | null } = {
      email: "jane@acme.test",
      stripeCustomerId: undefined,
      phone: null,
    };
    const input: SubjectInput = {
      email: user.email,
      phone: user.phone,
      ids: { stripe: user.stripeCustomerId, hubspot: null },
    };
    expect(normalizeSubject(input, { adapters: ["stripe", "hubspot"] })).toEqual({
      email: "jane@acme.test",
      ids: {},
    });
    expect(normalizeSubject({ ids: { stripe: undefined, hubspot: "501" } })).toEqual({
      ids: { hubspot: ["501"] },
    });
    // Nothing but absent values is still no identifier.
    expect(() => normalizeSubject({ email: null, ids: { stripe: undefined } })).toThrow(InvalidSubjectError);
  });

  it("names an ids key that is not a configured adapter, suggesting the closest", () => {
    let caught: unknown;
    try {
      normalizeSubject(
        { email: "jane@acme.test", ids: { strpe: "cus_1" } },
        { adapters: ["stripe", "hubspot"] },
      );
    } catch (error) {
      caught = error;
    }
    expect(isFanoutError(caught, "INVALID_SUBJECT")).toBe(true);
    const error = caught as InvalidSubjectError;
    expect(error.issues).toEqual([
      { path: "ids.strpe", problem: 'is not a configured adapter: did you mean "stripe"?' },
    ]);
    expect(error.message).not.toContain("cus_1");
    expect(() =>
      normalizeSubject(
        { email: "jane@acme.test", ids: { zendesk: "1" } },
        { adapters: ["stripe", "hubspot"] },
      ),
    ).toThrow(/ids\.zendesk: is not a configured adapter \(configured: stripe, hubspot\)/);
  });
});
