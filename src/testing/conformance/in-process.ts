/**
 * The light path of `runAdapterConformance`, for adapters of your own systems (call statistics,
 * recordings, a data warehouse) that run in-process against a database rather than over HTTP: no
 * simulator, no oracle to write. You give two functions against your test database — `seed` puts a
 * subject's records in, `remaining` counts the records that still hold their personal data — and
 * the suite checks the adapter through them:
 *
 * ```ts
 * runAdapterConformance({
 *   name: "call statistics",
 *   adapter: () => callStatisticsAdapter(db),
 *   seed: (subject, { records }) => insertCalls(db, subject, records), // → the ids locate must find
 *   remaining: (subject) => countPersonalRows(db, subject),
 * });
 * ```
 *
 * The HTTP cases (429, 5xx, 401/403, malformed bodies, resets, pagination) do not apply and are
 * listed as skipped, saying why. Restrict cases run when the adapter can restrict; they need
 * `restricted(subject)`, the number of the subject's records under a restriction.
 */
import { describe, expect, it } from "vitest";
import type { JsonValue, OperationContext, SubprocessorAdapter } from "../../adapter.js";
import { createOperationContext } from "../context.js";
import type { SimSubject } from "../simulator.js";
import { CONFORMANCE_CASES } from "./options.js";

/** The cases of the light path, by the name used in `skip`. */
export const IN_PROCESS_CASES = {
  "locate-email": "locate finds every seeded record of the subject by email",
  "locate-ids": "locate trusts the ids given in subject.ids",
  "export-matches": "export returns every record remaining() counts, each once",
  "unknown-subject": "an unknown subject locates no refs and exports nothing, without error",
  "delete-verified": "after delete and status, remaining() is 0 and nothing personal is in the results",
  "delete-idempotent": "a second delete succeeds and nothing is left to locate",
  "restrict-roundtrip": "restrict is seen by restricted() and unrestrict restores the original state",
  "restrict-twice": "restrict run twice for one request is still fully undone",
  "unrestrict-without-undo": "unrestrict without a recorded undo restores the original state",
} as const;

/** A case name of the light path. */
export type InProcessCase = keyof typeof IN_PROCESS_CASES;

/** Options of the light path of `runAdapterConformance` (no simulator). */
export interface InProcessConformanceOptions {
  /** The adapter under test, or a function building it (called once, when the suite is declared). */
  adapter: SubprocessorAdapter | (() => SubprocessorAdapter);
  /**
   * Creates `records` records of the subject in your test database; returns the ids `locate`
   * must find (as they appear in its refs).
   */
  seed(subject: SimSubject, options: { records: number }): string[] | Promise<string[]>;
  /** How many of the subject's records still hold personal data (0 once erased or anonymised). */
  remaining(subject: SimSubject): number | Promise<number>;
  /** How many of the subject's records are restricted; required when the adapter can restrict. */
  restricted?(subject: SimSubject): number | Promise<number>;
  /** Records seeded per subject. @default 3 */
  records?: number;
  /** How long to poll `status` after a delete, in ms. @default 10000 */
  verifyTimeoutMs?: number;
  /** Cases not to run, each with a written reason. */
  skip?: Partial<Record<InProcessCase, string>>;
  /** The n-th subject of the run (unique per case). @default `conformance-<n>@example.test` */
  subject?: (n: number) => SimSubject;
  /** Name of the top-level `describe`. @default `adapter conformance: <adapter id> (in-process)` */
  name?: string;
}

/** Whether `options` asks for the light path (a `seed` function and no simulator). */
export function isInProcess(options: object): options is InProcessConformanceOptions {
  return typeof (options as { seed?: unknown }).seed === "function" && !("simulator" in options);
}

/** Cases of the full suite that need HTTP, and why they are not run here. */
const HTTP_ONLY = [
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
] as const satisfies readonly (keyof typeof CONFORMANCE_CASES)[];

/** Integration-scope cases: they need a simulator that knows which records an integration wrote. */
const INTEGRATION_ONLY = [
  "integration-erase",
  "integration-number",
  "integration-ids",
  "integration-foreign",
  "integration-unknown",
] as const satisfies readonly (keyof typeof CONFORMANCE_CASES)[];

const stored = (undo: JsonValue): JsonValue => JSON.parse(JSON.stringify(undo)) as JsonValue;

function validate(options: InProcessConformanceOptions): void {
  if (typeof options.remaining !== "function")
    throw new Error("runAdapterConformance: the in-process path needs remaining(subject)");
  for (const [name, reason] of Object.entries(options.skip ?? {})) {
    if (!(name in IN_PROCESS_CASES))
      throw new Error(`runAdapterConformance: skip names an unknown case "${name}"`);
    if (typeof reason !== "string" || reason.trim().length < 3)
      throw new Error(`runAdapterConformance: skip.${name} needs a written reason`);
  }
}

/** Declares one case of the light path; `skipped` (a written reason) when it is not run. */
export type InProcessCaseDefiner = (name: InProcessCase, run: () => Promise<void>, skipped?: string) => void;

/**
 * Checks `options`, builds the adapter and declares every case of the light path through `define`
 * (in order, each with the reason it is skipped: the caller's `skip`, else a capability the adapter
 * lacks). Returns the name of the suite. `runInProcessConformance` registers the cases with vitest;
 * the kit's own tests run them directly.
 */
export function inProcessCases(options: InProcessConformanceOptions, define: InProcessCaseDefiner): string {
  validate(options);
  const records = options.records ?? 3;
  const timeoutMs = options.verifyTimeoutMs ?? 10_000;
  let n = 0;
  // Built now: its capabilities decide which cases apply.
  const adapter: SubprocessorAdapter =
    typeof options.adapter === "function" ? options.adapter() : options.adapter;
  const caps = adapter.capabilities;
  const subject = (): SimSubject => {
    n += 1;
    return options.subject?.(n) ?? { email: `conformance-${n}@example.test`, name: `Conformance Person${n}` };
  };
  const get = (): SubprocessorAdapter => adapter;
  const context = (s: SimSubject, extra: { ids?: string[]; requestId?: string; attempt?: number } = {}) => {
    const input: { email: string; name?: string; phone?: string; ids?: Record<string, string[]> } = {
      email: s.email,
    };
    if (s.name !== undefined) input.name = s.name;
    if (s.phone !== undefined) input.phone = s.phone;
    if (extra.ids && extra.ids.length > 0) input.ids = { [get().id]: extra.ids };
    return createOperationContext({
      subject: input,
      ...(extra.requestId !== undefined ? { requestId: extra.requestId } : {}),
      ...(extra.attempt !== undefined ? { attempt: extra.attempt } : {}),
    });
  };
  const seeded = async () => {
    const s = subject();
    return { subject: s, ids: await options.seed(s, { records }) };
  };
  const verify = async (
    refs: Parameters<SubprocessorAdapter["status"]>[0],
    deletion: Parameters<SubprocessorAdapter["status"]>[1],
    ctx: OperationContext,
  ) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const status = await get().status(refs, deletion, ctx);
      if (status.state !== "pending" || Date.now() > until) return status;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const noPii = (value: unknown, s: SimSubject) => {
    const text = JSON.stringify(value ?? null).toLowerCase();
    for (const id of [s.email, s.name, s.phone])
      if (typeof id === "string" && id.length >= 4)
        expect(text.includes(id.toLowerCase()), "identifier in result").toBe(false);
  };

  const noRestrict = !caps.restrict
    ? "the adapter has no restrict capability"
    : !caps.unrestrict
      ? "the adapter's restrict cannot be undone (capabilities.unrestrict is false)"
      : undefined;
  if (noRestrict === undefined && typeof options.restricted !== "function")
    throw new Error("runAdapterConformance: the adapter can restrict; give restricted(subject) too");

  const test = (name: InProcessCase, fn: () => Promise<void>, unsupported?: string) =>
    define(name, fn, options.skip?.[name] ?? unsupported);

  test("locate-email", async () => {
    const { subject: s, ids } = await seeded();
    const ctx = context(s);
    const { refs } = await get().locate(ctx.subject, ctx);
    const found = new Set(refs.map((r) => r.id));
    for (const id of ids) expect(found.has(id), `seeded id ${id} located`).toBe(true);
    noPii(refs, s);
  });

  test(
    "locate-ids",
    async () => {
      const { ids } = await seeded();
      const ctx = context(subject(), { ids });
      const { refs } = await get().locate(ctx.subject, ctx);
      const found = new Set(refs.map((r) => r.id));
      for (const id of ids) expect(found.has(id), `given id ${id} located`).toBe(true);
    },
    caps.lookup.includes("id") ? undefined : 'capabilities.lookup has no "id"',
  );

  test("export-matches", async () => {
    const { subject: s } = await seeded();
    const ctx = context(s);
    const { refs } = await get().locate(ctx.subject, ctx);
    const result = await get().export(refs, ctx);
    expect(result.records.length).toBe(await options.remaining(s));
    const keys = result.records.map((r) => `${r.type}:${r.id}`);
    expect(new Set(keys).size, "no record exported twice").toBe(keys.length);
  });

  test("unknown-subject", async () => {
    const ctx = context(subject());
    const { refs } = await get().locate(ctx.subject, ctx);
    expect(refs).toEqual([]);
    const result = await get().export(refs, ctx);
    expect(result.records).toEqual([]);
    expect(result.files ?? []).toEqual([]);
  });

  test("delete-verified", async () => {
    const { subject: s } = await seeded();
    expect(await options.remaining(s), "remaining() counts the seeded records").toBeGreaterThan(0);
    const ctx = context(s);
    const { refs } = await get().locate(ctx.subject, ctx);
    const deletion = await get().delete(refs, ctx);
    expect(deletion.outcome).not.toBe("not_found");
    for (const field of ["detail", "state", "jobs", "eta", "residual"] as const) noPii(deletion[field], s);
    const status = await verify(refs, deletion, ctx);
    expect(["done", "scheduled"], `status after delete (${status.detail ?? ""})`).toContain(status.state);
    expect(status.remaining).toBe(0);
    expect(await options.remaining(s), "remaining() after delete").toBe(0);
  });

  test("delete-idempotent", async () => {
    const { subject: s } = await seeded();
    const ctx = context(s);
    const { refs } = await get().locate(ctx.subject, ctx);
    await verify(refs, await get().delete(refs, ctx), ctx);
    const again = await get().delete(refs, context(s, { requestId: ctx.requestId, attempt: 2 }));
    const status = await verify(refs, again, ctx);
    expect(["done", "scheduled"]).toContain(status.state);
    expect(await options.remaining(s)).toBe(0);
    expect((await get().locate(ctx.subject, ctx)).refs, "nothing left to locate").toEqual([]);
  });

  const restrictCase = (name: InProcessCase, run: (s: SimSubject) => Promise<void>) =>
    test(
      name,
      async () => {
        const { subject: s } = await seeded();
        await run(s);
      },
      noRestrict,
    );
  const state = async (s: SimSubject) => ({
    remaining: await options.remaining(s),
    restricted: await (options.restricted?.(s) ?? 0),
  });
  const ops = () => {
    const a = get();
    if (!a.restrict || !a.unrestrict)
      throw new Error("restrict/unrestrict missing although capabilities say otherwise");
    return { restrict: a.restrict.bind(a), unrestrict: a.unrestrict.bind(a) };
  };
  restrictCase("restrict-roundtrip", async (s) => {
    const { restrict, unrestrict } = ops();
    const ctx = context(s);
    const { refs } = await get().locate(ctx.subject, ctx);
    const original = await state(s);
    const result = await restrict(refs, ctx);
    expect(result.restricted).toBeGreaterThan(0);
    const during = await state(s);
    expect(during.restricted, "restricted() sees the restriction").toBeGreaterThan(original.restricted);
    expect(during.remaining, "restrict destroys nothing").toBe(original.remaining);
    noPii(result.undo, s);
    await unrestrict(refs, stored(result.undo), ctx);
    expect(await state(s)).toEqual(original);
    await unrestrict(refs, stored(result.undo), ctx);
    expect(await state(s), "a second unrestrict changes nothing").toEqual(original);
  });
  restrictCase("restrict-twice", async (s) => {
    const { restrict, unrestrict } = ops();
    const ctx = context(s);
    const { refs } = await get().locate(ctx.subject, ctx);
    const original = await state(s);
    await restrict(refs, ctx);
    const once = (await state(s)).restricted;
    const second = await restrict(refs, context(s, { requestId: ctx.requestId, attempt: 2 }));
    expect((await state(s)).restricted, "a re-run restricts nothing more").toBe(once);
    await unrestrict(refs, stored(second.undo), ctx);
    expect(await state(s)).toEqual(original);
  });
  restrictCase("unrestrict-without-undo", async (s) => {
    const { restrict, unrestrict } = ops();
    const ctx = context(s);
    const { refs } = await get().locate(ctx.subject, ctx);
    const original = await state(s);
    await restrict(refs, ctx);
    await unrestrict(refs, undefined, ctx);
    expect(await state(s)).toEqual(original);
  });
  return options.name ?? `adapter conformance: ${adapter.id} (in-process)`;
}

/** The titles of the full suite's cases that the light path lists as skipped, each saying why. */
export function inProcessNotApplicable(): string[] {
  return [
    ...HTTP_ONLY.map(
      (name) =>
        `${name}: ${CONFORMANCE_CASES[name]} (skipped: an in-process adapter has no HTTP to fault or page)`,
    ),
    ...INTEGRATION_ONLY.map(
      (name) =>
        `${name}: ${CONFORMANCE_CASES[name]} (skipped: integration scope needs a simulator that knows what the integration wrote)`,
    ),
  ];
}

/** Registers the light suite (call it at the top level of a vitest file). */
export function runInProcessConformance(options: InProcessConformanceOptions): void {
  const cases: { title: string; run: () => Promise<void>; skipped: string | undefined }[] = [];
  const name = inProcessCases(options, (c, run, skipped) =>
    cases.push({ title: `${c}: ${IN_PROCESS_CASES[c]}`, run, skipped }),
  );
  describe(name, () => {
    for (const { title, run, skipped } of cases) {
      if (skipped !== undefined) it.skip(`${title} (skipped: ${skipped})`, run);
      else it(title, run);
    }
    for (const title of inProcessNotApplicable()) it.skip(title, () => {});
  });
}
