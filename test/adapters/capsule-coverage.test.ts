/**
 * Capsule coverage (issue #15): phone lookup through the `phone` party filter, truthful
 * `coverage`, the party's open and pending tasks in the export and the erasure, and residuals for
 * what a party delete leaves behind. Effects are checked through the simulator's oracle and state.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { createFanout, memoryStore } from "../../src/index.js";
import { createOperationContext } from "../../src/testing/context.js";
import { createSimEnvironment } from "../../src/testing/environment.js";
import { serveHttp } from "../../src/testing/serve.js";
import { serveNock } from "../../src/testing/serve-nock.js";
import {
  type CapsuleSimulator,
  type CapsuleSimulatorOptions,
  createCapsuleSimulator,
} from "../../src/testing/simulators/capsule/index.js";
import { startSimulators } from "../../src/testing/start-simulators.js";

const JANE = { email: "jane.doe@acme.test", name: "Jane Doe" };
const open: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (open.length > 0) await open.pop()!();
});

interface Setup {
  sim: CapsuleSimulator;
  adapter: SubprocessorAdapter;
  clock: { now: number };
}

async function setup(transport: "http" | "nock", options: CapsuleSimulatorOptions = {}): Promise<Setup> {
  const clock = { now: Date.UTC(2026, 11, 1) };
  const factory = createCapsuleSimulator(options);
  const sim = factory.create(createSimEnvironment({ pageSize: 2, now: () => clock.now, rateNow: Date.now }));
  const serving =
    transport === "http"
      ? await serveHttp(sim, { now: () => clock.now })
      : await serveNock(sim, "https://api.capsulecrm.com", { now: () => clock.now });
  open.push(() => serving.close());
  return { sim, adapter: factory.createAdapter(sim.adapterOptions(serving.baseUrl)), clock };
}

const ctxFor = (subject: { email?: string; phone?: string; ids?: Record<string, string> }) =>
  createOperationContext({ subject });

/** The simulator's tasks of a seeded subject, by id. */
const tasksOf = (sim: CapsuleSimulator, email: string) =>
  [...sim.state.tasks.values()].filter((t) => t.subject === email).map((t) => String(t.id));

describe.each(["http", "nock"] as const)("capsule phone lookup over %s", (transport) => {
  it.each([
    ["national, spaced", "07700 900123"],
    ["national digits", "07700900123"],
    ["international, spaced", "+44 7700 900123"],
    ["00 prefix", "00447700900123"],
    ["00 prefix, spaced", "0044 7700 900123"],
    ["E.164", "+447700900123"],
  ])("finds a party whose number is stored %s, and says it searched by phone", async (_form, stored) => {
    const { sim, adapter } = await setup(transport);
    const [partyId] = sim.seed({ ...JANE, phone: stored }, { records: 1 });
    sim.seed({ email: "neighbour@acme.test", phone: "07700 900124" }, { records: 1 });
    const ctx = ctxFor({ phone: "+44 7700 900123" });
    const result = await adapter.locate(ctx.subject, ctx);
    expect(result.refs).toEqual([{ type: "party", id: partyId }]);
    expect(result.coverage?.searchedBy).toEqual(["phone"]);
    const exported = await adapter.export(result.refs, ctx);
    expect(exported.records).toHaveLength(sim.oracle(JANE).live);
  });

  it("does not take another person's number for the subject's", async () => {
    const { sim, adapter } = await setup(transport);
    sim.seed({ ...JANE, phone: "020 7946 0001" }, { records: 1 });
    const ctx = ctxFor({ phone: "+442079460000" });
    expect((await adapter.locate(ctx.subject, ctx)).refs).toEqual([]);
    expect(sim.oracle(JANE).live).toBeGreaterThan(0);
  });
});

describe("capsule locate coverage", () => {
  it("names exactly the identifier kinds it searched and the record types it covers", async () => {
    const { sim, adapter } = await setup("http");
    const [partyId] = sim.seed({ ...JANE, phone: "+447700900123" }, { records: 1 });
    const cases: [Parameters<typeof ctxFor>[0], string[]][] = [
      [{ email: JANE.email }, ["email"]],
      [{ phone: "+447700900123" }, ["phone"]],
      [{ ids: { capsule: partyId! } }, ["id"]],
      [{ email: JANE.email, phone: "+447700900123", ids: { capsule: partyId! } }, ["id", "email", "phone"]],
    ];
    for (const [subject, searchedBy] of cases) {
      const ctx = ctxFor(subject);
      const result = await adapter.locate(ctx.subject, ctx);
      expect(result.refs).toEqual([{ type: "party", id: partyId }]);
      expect(result.coverage).toEqual({
        searchedBy,
        types: ["party", "call", "note", "email", "task", "entry", "attachment", "opportunity", "project"],
      });
    }
    expect(adapter.capabilities.lookup).toEqual(["email", "phone", "id"]);
  });
});

describe.each(["http", "nock"] as const)("capsule tasks over %s", (transport) => {
  it("exports the party's open and pending tasks, including those on its opportunities, and no one else's", async () => {
    const { sim, adapter } = await setup(transport);
    sim.seed(JANE, { records: 3 });
    const ctx = ctxFor(JANE);
    const { refs } = await adapter.locate(ctx.subject, ctx);
    const { records } = await adapter.export(refs, ctx);
    const tasks = records.filter((r) => r.type === "task");
    expect(tasks.map((t) => t.id).sort()).toEqual(tasksOf(sim, JANE.email).sort());
    expect(tasks).toHaveLength(sim.oracle(JANE).byType.task!.live);
    expect(tasks.map((t) => (t.data as { status: string }).status).sort()).toEqual(["OPEN", "PENDING"]);
    // The account's other person has tasks of their own: listed by Capsule, left out of the export.
    expect(tasksOf(sim, "someone.else@example.test").length).toBeGreaterThan(0);
  });

  it("deletes the party's tasks explicitly, so they go even if the party delete leaves them", async () => {
    const { sim, adapter } = await setup(transport, { partyDeleteKeeps: ["tasks"] });
    sim.seed(JANE, { records: 2 });
    const ctx = ctxFor(JANE);
    const { refs } = await adapter.locate(ctx.subject, ctx);
    const deletion = await adapter.delete(refs, ctx);
    expect(sim.oracle(JANE).byType.task?.live).toBe(0);
    expect(sim.oracle({ email: "someone.else@example.test" }).byType.task?.live).toBeGreaterThan(0);
    expect(await adapter.status(refs, deletion, ctx)).toMatchObject({ state: "done", remaining: 0 });
  });
});

describe.each(["http", "nock"] as const)("capsule residuals over %s", (transport) => {
  it.each([
    ["204", {}],
    ["202 job", { asyncDeleteThreshold: 0, jobDelayMs: 5_000 }],
  ] as const)(
    "reports what a party delete (%s) left behind as residuals and as remaining",
    async (_path, options) => {
      const { sim, adapter, clock } = await setup(transport, {
        ...options,
        partyDeleteKeeps: ["entries", "opportunities", "kases"],
      });
      sim.seed(JANE, { records: 3 });
      const ctx = ctxFor(JANE);
      const { refs } = await adapter.locate(ctx.subject, ctx);
      const deletion = await adapter.delete(refs, ctx);
      clock.now += 10_000;
      const status = await adapter.status(refs, deletion, ctx);
      const view = sim.oracle(JANE).byType;
      // The integration's 3 call notes went explicitly, with their recordings; the rest stayed.
      expect([view.party?.live, view.attachment?.live]).toEqual([0, 0]);
      const left = { entry: view.entry!.live, opportunity: view.opportunity!.live, project: view.kase!.live };
      expect(left).toEqual({ entry: 6, opportunity: 3, project: 3 });
      expect(status.state).toBe("remaining");
      expect(status.remaining).toBe(left.entry + left.opportunity + left.project);
      const residual = Object.fromEntries((status.residual ?? []).map((r) => [r.type, r.count]));
      expect(residual).toEqual(left);
      for (const r of status.residual ?? []) {
        expect(r.reason).toBe("not_covered");
        for (const value of [JANE.email, JANE.name]) expect(r.detail).not.toContain(value);
      }
    },
  );

  it("reports no residual when the party delete took everything with it", async () => {
    const { sim, adapter } = await setup(transport);
    sim.seed(JANE, { records: 3 });
    const ctx = ctxFor(JANE);
    const { refs } = await adapter.locate(ctx.subject, ctx);
    const status = await adapter.status(refs, await adapter.delete(refs, ctx), ctx);
    expect(status).toMatchObject({ state: "done", remaining: 0, residual: [] });
    expect(sim.oracle(JANE).live).toBe(0);
  });
});

describe("a party delete that leaves records behind, through the whole saga", () => {
  it.each([
    ["204", {}],
    ["202 job", { asyncDeleteThreshold: 0, jobDelayMs: 50 }],
  ] as const)(
    "%s: the next delete round removes the survivors by the ids the first one recorded",
    async (_path, options) => {
      const sims = await startSimulators({
        providers: [
          createCapsuleSimulator({ ...options, partyDeleteKeeps: ["entries", "opportunities", "kases"] }),
        ],
        transport: "nock",
        pageSize: 3,
      });
      try {
        await sims.seedSubject(JANE, { records: 3 });
        const fanout = createFanout({
          adapters: sims.adapters(),
          store: memoryStore(),
          secret: "capsule-cascade-secret-0123456789",
          pollInterval: 10,
        });
        const req = await fanout.erase({ email: JANE.email });
        for (
          let i = 0;
          i < 200 && !["completed", "needs_attention"].includes((await fanout.status(req.id)).state);
          i++
        ) {
          await fanout.drain();
          await new Promise((r) => setTimeout(r, 10));
        }
        const s = await fanout.status(req.id);
        expect(s.state).toBe("completed");
        expect(s.branches[0]!.outcome).toBe("erased");
        // Judged by the oracle: without the second round's deletes by id, entries, opportunities and
        // projects stayed live while the branch said erased.
        expect(sims.oracle("capsule", JANE).live).toBe(0);
      } finally {
        await sims.close();
      }
    },
  );
});
