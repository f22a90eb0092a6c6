// The light path of the conformance kit (in-process adapters: seed + remaining, no simulator), run
// case by case in-process against an SQLite-backed adapter with one defect at a time: each defect
// fails exactly the cases that guard it, and the correct adapter passes every case. The same check
// as in-process-conformance.test.ts without the child vitest, so that a weakened case (a mutation of
// src/testing/conformance/in-process.ts) shows here.
import { describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import {
  type InProcessCaseDefiner,
  inProcessCases,
  inProcessNotApplicable,
  isInProcess,
} from "../../src/testing/conformance/in-process.js";
import {
  CONFORMANCE_CASES,
  IN_PROCESS_CASES,
  type InProcessCase,
  type InProcessConformanceOptions,
  runAdapterConformance,
} from "../../src/testing/index.js";
import { type CallsDefect, callsConformance, IN_PROCESS_GUARDED_BY } from "./fixtures-in-process/calls.js";

type Declared = { run: () => Promise<void>; skipped: string | undefined };

/** The light path's cases for `options`, by name, in the order they were declared. */
function casesOf(options: InProcessConformanceOptions) {
  const cases = new Map<InProcessCase, Declared>();
  const define: InProcessCaseDefiner = (name, run, skipped) => cases.set(name, { run, skipped });
  const name = inProcessCases(options, define);
  return { name, cases };
}

/** A short verification timeout: an adapter whose status stays pending fails in 50 ms. */
const calls = (defect: CallsDefect, extra: Partial<InProcessConformanceOptions> = {}) =>
  casesOf({ ...callsConformance(defect), verifyTimeoutMs: 50, ...extra });

async function verdicts(cases: Map<InProcessCase, Declared>) {
  const failed: InProcessCase[] = [];
  for (const [name, { run, skipped }] of cases) {
    expect(skipped, `${name} runs`).toBeUndefined();
    await run().catch(() => failed.push(name));
  }
  return failed;
}

// Every defect fails its guarding case; some fail others too, for the same reason.
const ALSO_FAILS: Partial<Record<CallsDefect, InProcessCase[]>> = {
  "keeps-phone": ["delete-idempotent"],
  "first-row-only": ["locate-ids", "export-matches", "delete-verified", "delete-idempotent"],
  "finds-strangers": ["delete-idempotent"],
  "second-delete-throws": [],
  "restrict-not-undone": ["restrict-twice", "unrestrict-without-undo"],
  "restrict-destroys": ["restrict-twice", "unrestrict-without-undo"],
  "undo-not-json": ["restrict-twice"],
  "unrestrict-toggles": [],
  "status-says-remaining": ["delete-idempotent"],
  "status-pending-forever": ["delete-idempotent"],
  "says-not-found": [],
};

describe("the light path fails exactly the cases that guard each defect", () => {
  for (const [defect, guard] of Object.entries(IN_PROCESS_GUARDED_BY) as [CallsDefect, InProcessCase][]) {
    it(`${guard} fails for an adapter that ${defect.replaceAll("-", " ")}`, async () => {
      const expected = [guard, ...(ALSO_FAILS[defect] ?? [])];
      const order = Object.keys(IN_PROCESS_CASES);
      expect(await verdicts(calls(defect).cases)).toEqual(
        expected.sort((a, b) => order.indexOf(a) - order.indexOf(b)),
      );
    });
  }
});

describe("a correct in-process adapter passes every case", () => {
  it("with status done at once", async () => {
    expect(await verdicts(calls("none").cases)).toEqual([]);
  });

  it("with status pending for a while (the cases poll until it settles)", async () => {
    const options = callsConformance("none");
    const a = options.adapter;
    let polls = 0;
    const slow: SubprocessorAdapter = {
      ...a,
      async status(refs, deletion, ctx) {
        polls += 1;
        return polls % 3 === 0 ? a.status(refs, deletion, ctx) : { state: "pending", remaining: refs.length };
      },
    };
    expect(await verdicts(casesOf({ ...options, adapter: slow, verifyTimeoutMs: 5_000 }).cases)).toEqual([]);
    expect(polls).toBeGreaterThanOrEqual(6);
  });

  it("with a scheduled delete whose records are gone", async () => {
    const options = callsConformance("none");
    const a = options.adapter;
    const scheduled: SubprocessorAdapter = {
      ...a,
      async status(refs, deletion, ctx) {
        return { ...(await a.status(refs, deletion, ctx)), state: "scheduled" };
      },
    };
    expect(await verdicts(casesOf({ ...options, adapter: scheduled }).cases)).toEqual([]);
  });
});

describe("what the cases give the adapter", () => {
  /** The correct adapter, recording the subject and context of every call. */
  function recorded(extra: Partial<InProcessConformanceOptions> = {}) {
    const options = callsConformance("none");
    const a = options.adapter;
    const seen: { op: string; subject: Record<string, unknown>; requestId: string; attempt: number }[] = [];
    const note = (op: string, ctx: Parameters<SubprocessorAdapter["locate"]>[1]) =>
      seen.push({ op, subject: { ...ctx.subject }, requestId: ctx.requestId, attempt: ctx.attempt });
    const spy: SubprocessorAdapter = {
      ...a,
      locate(subject, ctx) {
        note("locate", ctx);
        return a.locate(subject, ctx);
      },
      delete(refs, ctx) {
        note("delete", ctx);
        return a.delete(refs, ctx);
      },
    };
    const seeds: { email: string; name?: string; records: number }[] = [];
    const { cases } = casesOf({
      ...options,
      adapter: spy,
      seed(s, o) {
        seeds.push({ ...s, records: o.records });
        return options.seed(s, o);
      },
      ...extra,
    });
    return { cases, seen, seeds };
  }

  it("the subject's email and name; the given ids under the adapter's own id, with another email", async () => {
    const { cases, seen, seeds } = recorded();
    await cases.get("locate-email")!.run();
    expect(seen[0]?.subject).toEqual({
      email: "conformance-1@example.test",
      name: "Conformance Person1",
      ids: {},
    });
    expect(seeds).toEqual([{ email: "conformance-1@example.test", name: "Conformance Person1", records: 3 }]);
    await cases.get("locate-ids")!.run();
    expect(seeds[1]?.email).toBe("conformance-2@example.test");
    expect(seen[1]?.subject).toEqual({
      email: "conformance-3@example.test",
      name: "Conformance Person3",
      ids: { calls: ["4", "5", "6"] },
    });
  });

  it("the subject's phone, when it has one; `records` records per subject", async () => {
    const { cases, seen, seeds } = recorded({
      records: 2,
      subject: (n) => ({ email: `caller-${n}@example.test`, phone: `+44 20 7946 01${n}0` }),
    });
    await cases.get("locate-email")!.run();
    expect(seen[0]?.subject).toEqual({ email: "caller-1@example.test", phone: "+442079460110", ids: {} });
    expect(seeds[0]?.records).toBe(2);
  });

  it("a second delete is a retry of the same request (same request id, attempt 2)", async () => {
    const { cases, seen } = recorded();
    await cases.get("delete-idempotent")!.run();
    const deletes = seen.filter((c) => c.op === "delete");
    expect(deletes.map((c) => c.attempt)).toEqual([1, 2]);
    expect(deletes[1]?.requestId).toBe(deletes[0]?.requestId);
  });

  it("builds the adapter once, when the cases are declared", () => {
    const options = callsConformance("none");
    let built = 0;
    casesOf({
      ...options,
      adapter: () => {
        built += 1;
        return options.adapter;
      },
    });
    expect(built).toBe(1);
  });
});

describe("the checks on identifiers in results", () => {
  it("catch a four-letter name in the refs, whatever its case", async () => {
    const options = callsConformance("none");
    const a = options.adapter;
    const leaky: SubprocessorAdapter = {
      ...a,
      async locate(subject, ctx) {
        const { refs } = await a.locate(subject, ctx);
        return { refs: refs.map((r) => ({ ...r, scope: "ruth" })) };
      },
    };
    const { cases } = casesOf({
      ...options,
      adapter: leaky,
      subject: (n) => ({ email: `r${n}@example.test`, name: "Ruth" }),
    });
    await expect(cases.get("locate-email")!.run()).rejects.toThrow(/identifier in result/);
  });

  it("let a name shorter than four letters appear (it would match anything)", async () => {
    const options = callsConformance("none");
    const a = options.adapter;
    const { cases } = casesOf({
      ...options,
      adapter: {
        ...a,
        async locate(subject, ctx) {
          const { refs } = await a.locate(subject, ctx);
          return { refs: refs.map((r) => ({ ...r, scope: "al" })) };
        },
      },
      subject: (n) => ({ email: `al${n}@example.test`, name: "Al" }),
    });
    await cases.get("locate-email")!.run();
  });
});

describe("which cases run", () => {
  it("every case, in order, for an adapter that can do everything; the suite named after it", () => {
    const { name, cases } = calls("none");
    expect(name).toBe("adapter conformance: calls (in-process)");
    expect([...cases.keys()]).toEqual(Object.keys(IN_PROCESS_CASES));
    expect([...cases.values()].filter((c) => c.skipped !== undefined)).toEqual([]);
    expect(calls("none", { name: "call statistics" }).name).toBe("call statistics");
  });

  it("a case named in `skip` is skipped with its reason, over a capability's", () => {
    const { cases } = calls("none", {
      skip: { "locate-ids": "ids are not kept", "restrict-twice": "one run" },
    });
    expect(cases.get("locate-ids")?.skipped).toBe("ids are not kept");
    expect(cases.get("restrict-twice")?.skipped).toBe("one run");
    expect(cases.get("locate-email")?.skipped).toBeUndefined();
    const noIds = callsConformance("none");
    const a = {
      ...noIds.adapter,
      capabilities: { ...noIds.adapter.capabilities, lookup: ["email"] as const },
    };
    expect(
      casesOf({ ...noIds, adapter: a, skip: { "locate-ids": "said so" } }).cases.get("locate-ids")?.skipped,
    ).toBe("said so");
  });

  it("locate-ids, when the adapter's lookup has no id", () => {
    const options = callsConformance("none");
    const a = {
      ...options.adapter,
      capabilities: { ...options.adapter.capabilities, lookup: ["email"] as const },
    };
    const { cases } = casesOf({ ...options, adapter: a });
    expect(cases.get("locate-ids")?.skipped).toBe('capabilities.lookup has no "id"');
    expect(cases.get("locate-email")?.skipped).toBeUndefined();
  });

  it("the restrict cases, when the adapter cannot restrict or cannot undo it; restricted() is then optional", () => {
    const { seed, remaining, adapter } = callsConformance("none");
    const restrictCases = ["restrict-roundtrip", "restrict-twice", "unrestrict-without-undo"] as const;
    const without = (caps: Partial<SubprocessorAdapter["capabilities"]>) =>
      casesOf({
        adapter: { ...adapter, capabilities: { ...adapter.capabilities, ...caps } },
        seed,
        remaining,
      }).cases;
    const cannot = without({ restrict: false, unrestrict: false });
    for (const c of restrictCases)
      expect(cannot.get(c)?.skipped).toBe("the adapter has no restrict capability");
    const oneWay = without({ unrestrict: false });
    for (const c of restrictCases)
      expect(oneWay.get(c)?.skipped).toBe(
        "the adapter's restrict cannot be undone (capabilities.unrestrict is false)",
      );
    expect(oneWay.get("delete-verified")?.skipped).toBeUndefined();
  });

  it("the full suite's HTTP and integration cases are listed as skipped, saying why", () => {
    const http = "(skipped: an in-process adapter has no HTTP to fault or page)";
    const integration =
      "(skipped: integration scope needs a simulator that knows what the integration wrote)";
    const titles = inProcessNotApplicable();
    const names = titles.map((t) => t.slice(0, t.indexOf(":")));
    expect(names).toEqual([
      "export-pages",
      "rate-limited",
      "server-error",
      "authentication",
      "permission-denied",
      "validation",
      "malformed-json",
      "abort-pagination",
      "no-leaks",
      "resume-after-reset",
      "integration-erase",
      "integration-number",
      "integration-ids",
      "integration-foreign",
      "integration-unknown",
    ]);
    expect(titles[0]).toBe(`export-pages: ${CONFORMANCE_CASES["export-pages"]} ${http}`);
    expect(titles.slice(0, 10).every((t) => t.endsWith(http))).toBe(true);
    expect(titles[10]).toBe(`integration-erase: ${CONFORMANCE_CASES["integration-erase"]} ${integration}`);
    expect(titles.slice(10).every((t) => t.endsWith(integration))).toBe(true);
  });
});

describe("restrict cases on an adapter whose capabilities promise what it lacks", () => {
  it("fail saying restrict/unrestrict is missing", async () => {
    const options = callsConformance("none");
    const { restrict: _r, unrestrict: _u, ...rest } = options.adapter;
    const { cases } = casesOf({ ...options, adapter: rest as SubprocessorAdapter });
    for (const c of ["restrict-roundtrip", "restrict-twice", "unrestrict-without-undo"] as const)
      await expect(cases.get(c)!.run()).rejects.toThrow(/restrict\/unrestrict missing/);
    const { unrestrict: _undo, ...noUndo } = options.adapter;
    await expect(
      casesOf({ ...options, adapter: noUndo })
        .cases.get("restrict-twice")!
        .run(),
    ).rejects.toThrow(/restrict\/unrestrict missing/);
  });
});

describe("options the light path refuses", () => {
  const { adapter, seed, remaining, restricted } = callsConformance("none");
  const declare = (extra: Partial<InProcessConformanceOptions>) => () =>
    casesOf({ adapter, seed, remaining, restricted, ...extra });

  it("no remaining()", () => {
    expect(declare({ remaining: undefined as never })).toThrow(
      "runAdapterConformance: the in-process path needs remaining(subject)",
    );
  });

  it("a skip naming no case of the light path", () => {
    expect(declare({ skip: { "rate-limited": "no HTTP" } as never })).toThrow(
      'runAdapterConformance: skip names an unknown case "rate-limited"',
    );
  });

  it("a skip without a written reason (three characters at least, spaces not counted)", () => {
    for (const reason of ["", "ab", "  ab  ", 42])
      expect(declare({ skip: { "locate-ids": reason as never } }), JSON.stringify(reason)).toThrow(
        "runAdapterConformance: skip.locate-ids needs a written reason",
      );
    expect(declare({ skip: { "locate-ids": "n/a" } })).not.toThrow();
  });

  it("an adapter that can restrict, without restricted()", () => {
    expect(() => casesOf({ adapter, seed, remaining })).toThrow(
      "runAdapterConformance: the adapter can restrict; give restricted(subject) too",
    );
  });
});

describe("isInProcess: which path runAdapterConformance takes", () => {
  it("the light path for a seed function without a simulator", () => {
    expect(isInProcess({ seed: () => [] })).toBe(true);
    expect(isInProcess({ seed: () => [], simulator: {} })).toBe(false);
    expect(isInProcess({ seed: [] })).toBe(false);
    expect(isInProcess({})).toBe(false);
  });
});

// Registered like an adopter's file would: the cases, then the full suite's cases that do not apply.
runAdapterConformance({ name: "in-process kit: registered", ...callsConformance("none") });

describe("runAdapterConformance registers the light path with vitest", () => {
  it("one test per case, then the full suite's cases that do not apply, skipped", ({ task }) => {
    const suite = task.file.tasks.find((t) => t.name === "in-process kit: registered");
    expect(suite?.type).toBe("suite");
    const tests = suite?.type === "suite" ? suite.tasks : [];
    expect(tests.map((t) => t.name)).toEqual([
      ...Object.entries(IN_PROCESS_CASES).map(([name, what]) => `${name}: ${what}`),
      ...inProcessNotApplicable(),
    ]);
    expect(tests.map((t) => t.mode)).toEqual([
      ...Object.keys(IN_PROCESS_CASES).map(() => "run"),
      ...inProcessNotApplicable().map(() => "skip"),
    ]);
  });
});

runAdapterConformance({
  name: "in-process kit: registered with skips",
  ...callsConformance("none"),
  skip: { "restrict-twice": "one run only" },
});

describe("runAdapterConformance lists a skipped case with its reason", () => {
  it("in the test's title", ({ task }) => {
    const suite = task.file.tasks.find((t) => t.name === "in-process kit: registered with skips");
    const tests = suite?.type === "suite" ? suite.tasks : [];
    const twice = tests.find((t) => t.name.startsWith("restrict-twice:"));
    expect(twice?.name).toBe(`restrict-twice: ${IN_PROCESS_CASES["restrict-twice"]} (skipped: one run only)`);
    expect(twice?.mode).toBe("skip");
  });
});
