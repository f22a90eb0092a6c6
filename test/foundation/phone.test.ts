import { describe, expect, it } from "vitest";
import { normalizePhone, phoneFormats, samePhone } from "../../src/phone.js";
import { normalizeSubject } from "../../src/subject.js";

describe("phone numbers", () => {
  it("normalises international, 00-prefixed and national numbers to E.164", () => {
    expect(normalizePhone("+44 20 7946 0000")).toEqual({ value: "+442079460000" });
    expect(normalizePhone("0044 (20) 7946-0000")).toEqual({ value: "+442079460000" });
    expect(normalizePhone("06-12345678", "31")).toEqual({ value: "+31612345678" });
    expect(normalizePhone("020 7946 0000")).toEqual({ value: "02079460000" });
    expect(normalizePhone("+12")).toEqual({ problem: "is not a valid international number (E.164)" });
  });

  it("lists the forms a provider may have stored a number in", () => {
    expect(phoneFormats("+442079460000")).toEqual([
      "+442079460000",
      "+44 20 7946 0000",
      "00442079460000",
      "020 7946 0000",
      "02079460000",
      "2079460000",
    ]);
    expect(phoneFormats("02079460000")).toEqual(["02079460000"]);
  });

  it("matches stored national, spaced and 00 forms to the subject's number, and nothing else", () => {
    for (const stored of ["020 7946 0000", "+44 20 7946 0000", "0044 20 7946 0000", "+442079460000"]) {
      expect(samePhone(stored, "+442079460000"), stored).toBe(true);
    }
    expect(samePhone("020 7946 0001", "+442079460000")).toBe(false);
    expect(samePhone("+31 20 7946 0000", "+442079460000")).toBe(false);
    expect(samePhone("", "+442079460000")).toBe(false);
    expect(samePhone("+44 20 7946 0000", "02079460000")).toBe(true);
  });

  it("keeps the email as given beside the lower-cased one, and only when they differ", () => {
    expect(normalizeSubject({ email: " Jane@Acme.test " })).toMatchObject({
      email: "jane@acme.test",
      emailAsGiven: "Jane@Acme.test",
    });
    expect(normalizeSubject({ email: "jane@acme.test" })).not.toHaveProperty("emailAsGiven");
  });
});
