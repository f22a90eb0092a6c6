/**
 * HubSpot retention sweeps: `expired()` against the simulator's CRM search (keyset paging,
 * lifecycle stages, last activity) and the consistent re-read that drops what search still shows
 * after a GDPR delete.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ExpiredRecord, SubprocessorAdapter, SweepPolicy } from "../../src/adapter.js";
import { monthsBefore } from "../../src/engine/sweep-cutoff.js";
import { silentLogger } from "../../src/logger.js";
import { createOperationContext } from "../../src/testing/context.js";
import { createSimEnvironment } from "../../src/testing/environment.js";
import { serveNock } from "../../src/testing/serve-nock.js";
import type { SeedOptions } from "../../src/testing/simulator.js";
import { createHubspotSimulator, type HubspotSimulator } from "../../src/testing/simulators/hubspot/index.js";

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!();
});

const NOW = Date.UTC(2026, 11, 1);
let origins = 0;

async function setup(options: Record<string, unknown> = {}) {
  const clock = { now: NOW };
  const env = createSimEnvironment({ pageSize: 3, now: () => clock.now, rateNow: Date.now });
  const factory = createHubspotSimulator();
  const sim = factory.create(env) as HubspotSimulator;
  const serving = await serveNock(sim, `https://hubspot-sweep-${++origins}.simulator.test`);
  open.push(() => serving.close());
  const adapter = factory.createAdapter({ ...sim.adapterOptions(serving.baseUrl), ...options });
  const seed = (name: string, o: SeedOptions) =>
    sim.seed({ email: `${name}@example.test` }, { records: 1, ...o })[0]!;
  return { sim, adapter, clock, seed };
}

async function list(adapter: SubprocessorAdapter, policy: SweepPolicy, cursor?: string) {
  const out: ExpiredRecord[] = [];
  for await (const r of adapter.expired!(policy, {
    signal: new AbortController().signal,
    cursor,
    rateLimit: async () => {},
    now: () => new Date(NOW),
    logger: silentLogger,
  }))
    out.push(r);
  return out;
}

const prospect24 = { kind: "prospect", olderThan: new Date(monthsBefore(NOW, 24)) } as const;

describe("hubspot expired()", () => {
  it("yields prospects untouched for 24 months, in id order, and resumes after a cursor", async () => {
    const { adapter, seed } = await setup();
    const old = [1, 2, 3, 4, 5].map((i) =>
      seed(`old${i}`, { stage: "prospect", createdAt: monthsBefore(NOW, 30 + i) }),
    );
    seed("young", { stage: "prospect", createdAt: monthsBefore(NOW, 12) });
    seed("active", {
      stage: "prospect",
      createdAt: monthsBefore(NOW, 40),
      lastActivityAt: monthsBefore(NOW, 2),
    });
    seed("customer", { stage: "customer", createdAt: monthsBefore(NOW, 40) });
    const all = await list(adapter, prospect24);
    expect(all.map((r) => r.id)).toEqual([...old].sort((a, b) => Number(a) - Number(b)));
    expect(all.every((r) => r.type === "contact" && r.cursor === r.id)).toBe(true);
    const rest = await list(adapter, prospect24, all[1]!.cursor);
    expect(rest.map((r) => r.id)).toEqual(all.slice(2).map((r) => r.id));
  });

  it("inactive needs formerCustomerStages; with them it yields closed accounts untouched since the cut-off", async () => {
    const plain = await setup();
    expect(plain.adapter.capabilities.sweeps).toEqual(["prospect"]);
    await expect(
      list(plain.adapter, { kind: "inactive", olderThan: new Date(NOW - 90 * 86_400_000) }),
    ).rejects.toMatchObject({
      code: "CONFIGURATION",
    });
    const { adapter, seed } = await setup({ sweep: { formerCustomerStages: ["other"] } });
    expect(adapter.capabilities.sweeps).toEqual(["prospect", "inactive"]);
    const closed = seed("closed", {
      stage: "closed",
      createdAt: monthsBefore(NOW, 40),
      lastActivityAt: NOW - 100 * 86_400_000,
    });
    seed("recent", {
      stage: "closed",
      createdAt: monthsBefore(NOW, 40),
      lastActivityAt: NOW - 10 * 86_400_000,
    });
    seed("customer", { stage: "customer", createdAt: monthsBefore(NOW, 40) });
    const found = await list(adapter, { kind: "inactive", olderThan: new Date(NOW - 90 * 86_400_000) });
    expect(found.map((r) => r.id)).toEqual([closed]);
    // A former customer is never a prospect.
    expect((await list(adapter, prospect24)).map((r) => r.id)).toEqual([]);
  });

  it("drops a contact search still shows after its GDPR delete (search lags; the batch read does not)", async () => {
    const { adapter, seed, sim } = await setup();
    const a = seed("a", { stage: "prospect", createdAt: monthsBefore(NOW, 30) });
    const b = seed("b", { stage: "prospect", createdAt: monthsBefore(NOW, 30) });
    const ctx = createOperationContext({ subject: { ids: { hubspot: a } }, now: () => new Date(NOW) });
    await adapter.delete([{ type: "contact", id: a }], ctx);
    // Search still has it (the index lags the delete); the consistent read does not.
    const search = sim.handle({
      method: "POST",
      path: "/crm/v3/objects/contacts/search",
      query: new URLSearchParams(),
      headers: { authorization: `Bearer ${String(sim.adapterOptions("x").accessToken)}` },
      body: {
        filterGroups: [{ filters: [{ propertyName: "hs_object_id", operator: "EQ", value: a }] }],
        limit: 10,
      },
      rawBody: Buffer.alloc(0),
    }) as { body: { total: number } };
    expect(search.body.total).toBe(1);
    expect((await list(adapter, prospect24)).map((r) => r.id)).toEqual([b]);
  });

  it("search refuses to page past 10,000 results of one query", async () => {
    const { sim } = await setup();
    const answer = sim.handle({
      method: "POST",
      path: "/crm/v3/objects/contacts/search",
      query: new URLSearchParams(),
      headers: { authorization: `Bearer ${String(sim.adapterOptions("x").accessToken)}` },
      body: { filterGroups: [], limit: 100, after: "9950" },
      rawBody: Buffer.alloc(0),
    }) as { status: number };
    expect(answer.status).toBe(400);
  });
});
