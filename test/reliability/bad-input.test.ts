/**
 * Bad input, property-based (fast-check): whatever a caller passes as a subject, erase/export
 * options, `createFanout` options or adapter options, the answer is a typed `FanoutError` at the call
 * (or a valid result), never a crash of another kind, never a value echoed in the message, and a
 * refused request records nothing. (Config files: the CLI has not landed on main, so not covered.)
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { createFanout, isFanoutError, memoryStore, normalizeSubject } from "../../src/index.js";
import { simulators } from "../../src/testing/index.js";

const RUNS = Number(process.env.GF_PROPERTY_RUNS ?? 300);

/** Strings of every kind, including identifier- and credential-shaped ones. */
const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.emailAddress(),
  fc.stringMatching(/^\+?[0-9 ()-]{0,24}$/),
  fc.constantFrom("", " ", "\u0000", "a@b", "jane@acme.test", "+44 20 7946 0000", "__proto__", "constructor"),
  fc.string({ maxLength: 300 }),
);
const value = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(text, { maxLength: 3 }),
  fc.dictionary(text, text, { maxKeys: 3 }),
);
/** Mostly well-formed subjects, each field sometimes replaced by junk. */
const plausible = fc.record(
  {
    email: fc.oneof(fc.emailAddress(), value),
    phone: fc.oneof(fc.stringMatching(/^\+[1-9][0-9]{7,13}$/), fc.stringMatching(/^0[0-9 ]{6,14}$/), value),
    name: fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), value),
    ids: fc.oneof(
      fc.dictionary(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
        fc.oneof(
          fc.stringMatching(/^[!-~]{1,20}$/),
          fc.array(fc.stringMatching(/^[!-~]{1,20}$/), { minLength: 1, maxLength: 3 }),
        ),
        { minKeys: 1, maxKeys: 2 },
      ),
      value,
    ),
  },
  { requiredKeys: [] },
);
const subjectLike = fc.oneof(
  plausible,
  plausible,
  fc.anything(),
  fc.record(
    {
      email: value,
      phone: value,
      name: value,
      ids: fc.oneof(
        value,
        fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 4 })), { maxKeys: 3 }),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.dictionary(text, value, { maxKeys: 4 }),
);

/** The strings of an input long enough to be recognisable (what an error must not repeat). */
function stringsOf(input: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 4) return out;
  if (typeof input === "string" && input.trim().length >= 6) out.push(input.trim());
  else if (Array.isArray(input)) for (const v of input) stringsOf(v, out, depth + 1);
  else if (input && typeof input === "object")
    for (const v of Object.values(input)) stringsOf(v, out, depth + 1);
  return out;
}

function expectTyped(error: unknown, codes: readonly string[], input: unknown): void {
  if (!isFanoutError(error)) throw new Error(`not a FanoutError: ${String(error)}`);
  expect(codes).toContain(error.code);
  const shown = JSON.stringify(error.toJSON()) + error.message;
  for (const s of stringsOf(input)) {
    // Only values that could not be part of the fixed wording (option and field names, codes) or
    // of its JSON form: `"argum` is found in `{"argument":…}` (a generated value seen in CI).
    if (/^[a-zA-Z.":,{}\[\]]+$/.test(s)) continue;
    expect(shown.includes(s), `error repeats ${JSON.stringify(s)}: ${shown}`).toBe(false);
  }
}

function fakeAdapter(id: string): SubprocessorAdapter {
  return {
    id,
    capabilities: {
      export: true,
      restrict: false,
      unrestrict: false,
      asyncDelete: false,
      softDelete: false,
      lookup: ["email"],
    },
    locate: async () => ({ refs: [] }),
    export: async () => ({ records: [] }),
    delete: async () => ({ outcome: "not_found", deleted: 0 }),
    status: async () => ({ state: "done", remaining: 0 }),
  };
}

describe("bad input (property-based)", () => {
  it("normalizeSubject: a Subject or INVALID_SUBJECT, never echoing a value", () => {
    let accepted = 0;
    fc.assert(
      fc.property(subjectLike, (input) => {
        try {
          const subject = normalizeSubject(input);
          expect(subject.email ?? subject.phone ?? Object.keys(subject.ids)[0]).toBeDefined();
          accepted += 1;
        } catch (error) {
          expectTyped(error, ["INVALID_SUBJECT"], input);
        }
      }),
      { numRuns: RUNS * 3, examples: [[{ email: "valid.subject@acme.test" }]] },
    );
    // Both sides were exercised (a property that only ever throws proves little).
    expect(accepted).toBeGreaterThan(0);
  });

  it("fanout.erase and export: typed errors at the call, and a refused request records nothing", async () => {
    const store = memoryStore();
    const fanout = createFanout({
      adapters: [fakeAdapter("alpha")],
      store,
      secret: "bad-input-secret-0123456789",
    });
    const options = fc.oneof(
      fc.constant(undefined),
      fc.record(
        {
          after: fc.oneof(fc.constantFrom("90d", "1h", 0, 1000), value),
          reason: fc.oneof(fc.constantFrom("account-closed"), value),
          idempotencyKey: fc.oneof(fc.uuid(), value),
          to: fc.oneof(fc.constant(join(tmpdir(), "gf-bad-input", "pkg")), value),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
      fc.record(
        { after: value, reason: value, idempotencyKey: value, deadline: value, to: value, wait: value },
        { requiredKeys: [] },
      ),
    );
    let recorded = 0;
    await fc.assert(
      fc.asyncProperty(subjectLike, options, fc.boolean(), async (subject, opts, isExport) => {
        const before = (await fanout.list({ limit: 1000 })).items.length;
        try {
          // The plausible options carry both kinds' keys: keep the ones of the call made.
          const own = (drop: string) =>
            opts && typeof opts === "object" && !Array.isArray(opts)
              ? Object.fromEntries(Object.entries(opts).filter(([k]) => k !== drop))
              : opts;
          if (isExport)
            await fanout.export(subject as never, { ...(own("after") as object), wait: false } as never);
          else await fanout.erase(subject as never, own("to") as never);
          recorded += 1;
        } catch (error) {
          expectTyped(error, ["INVALID_SUBJECT", "INVALID_ARGUMENT", "CONFLICT"], { subject, opts });
          expect((await fanout.list({ limit: 1000 })).items.length).toBe(before);
        }
      }),
      // A valid call among the random ones, so the accepted side is always exercised too.
      { numRuns: RUNS, examples: [[{ email: "valid.subject@acme.test" }, { after: "90d" }, false]] },
    );
    expect(recorded).toBeGreaterThan(0);
  });

  it("createFanout: CONFIGURATION or INVALID_ARGUMENT for bad options, never another crash", () => {
    const optionsArb = fc.record(
      {
        adapters: fc.oneof(
          value,
          fc.constant([fakeAdapter("alpha")]),
          fc.constant([fakeAdapter("alpha"), fakeAdapter("alpha")]),
          fc.array(value, { maxLength: 2 }),
        ),
        secret: value,
        deadline: value,
        retry: fc.oneof(
          value,
          fc.record(
            { initialInterval: value, backoffCoefficient: value, maximumAttempts: value, perAdapter: value },
            { requiredKeys: [] },
          ),
        ),
        lease: value,
        pollInterval: value,
        verifyTimeout: value,
        stepTimeout: value,
        concurrency: value,
        workerId: value,
        defaultCallingCode: value,
        bogus: value,
      },
      { requiredKeys: ["adapters"] },
    );
    fc.assert(
      fc.property(fc.oneof(optionsArb, fc.anything()), (options) => {
        try {
          createFanout({ store: memoryStore(), ...(options as object) } as never);
        } catch (error) {
          expectTyped(error, ["CONFIGURATION", "INVALID_ARGUMENT", "INVALID_SUBJECT"], options);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it.each(simulators.map((f) => [f.id, f] as const))(
    "%s adapter factory: CONFIGURATION naming an option",
    (_id, factory) => {
      const optionsArb = fc.oneof(
        fc.anything(),
        fc.dictionary(
          fc.constantFrom(
            "apiKey",
            "accessToken",
            "apiToken",
            "accountToken",
            "clientId",
            "clientSecret",
            "refreshToken",
            "site",
            "baseUrl",
            "timeoutMs",
            "tier",
            "userTokens",
            "accountsUrl",
            "apiDomain",
            "restrictTag",
            "requestedBy",
            "redaction",
          ),
          value,
          { maxKeys: 6 },
        ),
      );
      fc.assert(
        fc.property(optionsArb, (options) => {
          try {
            const adapter = factory.createAdapter(options as never);
            expect(typeof adapter.id).toBe("string");
          } catch (error) {
            expectTyped(error, ["CONFIGURATION"], options);
          }
        }),
        { numRuns: RUNS },
      );
    },
  );
});
