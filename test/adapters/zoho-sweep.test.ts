/** Zoho CRM retention sweeps: `expired()` against the simulator's COQL endpoint (Leads, times, keyset paging by id). */
import { afterEach, describe, expect, it } from "vitest";
import { zohoSimulator } from "../../src/testing/simulators/zoho/index.js";
import { inactive90, list, months, prospect24, simulated } from "./sweep-helpers.js";

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!();
});

describe("zoho expired()", () => {
  it("yields Leads created and untouched before the cut-off, never Contacts, and resumes after a cursor", async () => {
    const { adapter, seed, sim } = await simulated(zohoSimulator, (c) => open.push(c));
    const old = [1, 2, 3].map((i) => seed(`old${i}`, { stage: "prospect", createdAt: months(30 + i) })[0]!);
    seed("young", { stage: "prospect", createdAt: months(6) });
    seed("touched", { stage: "prospect", createdAt: months(40), lastActivityAt: months(2) });
    seed("customer", { stage: "customer", createdAt: months(40) });
    const all = await list(adapter, prospect24);
    expect(all.map((r) => r.id)).toEqual(old.map((id) => `Leads:${id}`));
    expect(all.every((r) => r.type === "lead")).toBe(true);
    expect((await list(adapter, prospect24, all[0]!.cursor)).map((r) => r.id)).toEqual(
      all.slice(1).map((r) => r.id),
    );
    // Pages of 200 by id: a three-criteria query grouped in pairs is what the simulator accepts.
    expect(sim).toBeDefined();
  });

  it("a COQL query with ungrouped criteria is a syntax error (the simulator holds clients to the rule)", async () => {
    const { sim } = await simulated(zohoSimulator, (c) => open.push(c));
    const o = sim.adapterOptions("https://unused.test") as Record<string, string>;
    const token = await sim.handle({
      method: "POST",
      path: "/oauth/v2/token",
      query: new URLSearchParams({
        grant_type: "refresh_token",
        client_id: o.clientId!,
        client_secret: o.clientSecret!,
        refresh_token: o.refreshToken!,
      }),
      headers: {},
      body: undefined,
      rawBody: Buffer.alloc(0),
    });
    const access = (token.body as { access_token: string }).access_token;
    const answer = await sim.handle({
      method: "POST",
      path: "/crm/v8/coql",
      query: new URLSearchParams(),
      headers: { authorization: `Zoho-oauthtoken ${access}` },
      body: { select_query: "select id from Leads where id > 1 and id > 2 and id > 3" },
      rawBody: Buffer.alloc(0),
    });
    expect(answer).toMatchObject({ status: 400, body: { code: "SYNTAX_ERROR" } });
  });

  it("offers prospect only", async () => {
    const { adapter } = await simulated(zohoSimulator, (c) => open.push(c));
    expect(adapter.capabilities.sweeps).toEqual(["prospect"]);
    await expect(list(adapter, inactive90)).rejects.toMatchObject({ code: "CONFIGURATION" });
  });
});
