// An invalid key under `ids` is the caller's own text (often an email put in the wrong place): the
// INVALID_SUBJECT error must not repeat it, in its message or in `details.issues[].path`. Found by
// the property test in bad-input.test.ts: the message was scrubbed but the details kept the key.
import { describe, expect, it } from "vitest";
import { normalizeSubject } from "../../src/index.js";

describe("INVALID_SUBJECT never repeats an ids key", () => {
  it.each(["jane.doe@acme.test", "+44 20 7946 0000", "Jane Doe"])("ids keyed by %s", (key) => {
    let thrown: unknown;
    try {
      normalizeSubject({ email: "ok@example.test", ids: { [key]: "cus_1" } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: "INVALID_SUBJECT" });
    const error = thrown as Error & { toJSON(): unknown };
    expect(JSON.stringify(error.toJSON()) + error.message).not.toContain(key);
    expect(JSON.stringify(error.toJSON())).toContain("ids.(invalid key)");
  });

  it("still names a valid adapter id whose value is wrong", () => {
    expect(() => normalizeSubject({ ids: { stripe: "has space" } })).toThrow(/ids\.stripe/);
  });
});
