// Tenants and integration scope end to end against the four CRM simulators, judged by their
// oracles: one fanout, two tenants each with their own CRM accounts, a caller known by phone; the
// integration's records go, each tenant's own stay; an access export in integration scope; the
// providers' later purges checked after their ETAs on a shared clock (the worker resolves the
// tenant's adapters again for that, months after the request was answered).
import { afterEach, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { type Simulators, startSimulators } from "../../src/testing/index.js";
import { createHubspotSimulator } from "../../src/testing/simulators/hubspot/index.js";

const DAY = 86_400_000;
const CALLER = { phone: "+44 20 7946 0412", name: "Lee Caller" };
const SECRET = "tenant-integration-secret-0123456789";
const INSTRUCTION = { reference: "TICKET-9", at: "2026-11-30T09:00:00Z" };
const CRMS = ["hubspot", "pipedrive", "zoho", "capsule"];

const open: Simulators[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function clock(start = Date.parse("2026-12-01T09:00:00Z")) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

async function tenantsWorld(now?: () => number) {
  const accounts: Record<string, Simulators> = {};
  for (const [i, tenant] of ["acme", "globex"].entries()) {
    const providers = [
      createHubspotSimulator({ accessToken: `pat-${tenant}-0001` }),
      "pipedrive",
      "zoho",
      "capsule",
    ];
    accounts[tenant] = await startSimulators({
      providers,
      transport: "nock",
      timeScale: 0.001,
      seed: 11 + i,
      ...(now ? { now } : {}),
    });
    open.push(accounts[tenant]);
  }
  const fanout = createFanout({
    tenants: async (tenant) => accounts[tenant]?.adapters() ?? [],
    store: memoryStore(),
    secret: SECRET,
    pollInterval: 20,
    ...(now ? { now } : {}),
  });
  return { accounts, fanout };
}

async function settle(fanout: ReturnType<typeof createFanout>, id: string) {
  for (let i = 0; i < 400; i++) {
    await fanout.drain();
    const s = await fanout.status(id);
    if (["completed", "needs_attention"].includes(s.state)) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  return fanout.status(id);
}

describe("tenants × integration scope on the CRM simulators", () => {
  it("erases the integration's records at one tenant only, leaving every tenant's own", async () => {
    const { accounts, fanout } = await tenantsWorld();
    const seeded = {
      acme: accounts.acme!.seedIntegration(CALLER),
      globex: accounts.globex!.seedIntegration(CALLER),
    };
    const oracles = (tenant: "acme" | "globex") =>
      Object.fromEntries(CRMS.map((p) => [p, accounts[tenant]!.integrationOracle(p, CALLER)]));
    const acmeBefore = oracles("acme");
    const globexBefore = oracles("globex");
    const ids = Object.fromEntries(Object.entries(seeded.acme).map(([p, s]) => [p, [...s.integrationIds]]));
    const req = await fanout.erase(
      { phone: CALLER.phone, ids },
      { tenant: "acme", scope: "integration", instruction: INSTRUCTION, idempotencyKey: "dsr-9" },
    );
    const status = await settle(fanout, req.id);
    expect(status.state).toBe("completed");
    expect(status.branches.map((b) => b.adapter).sort()).toEqual([...CRMS].sort());
    for (const p of CRMS) {
      const after = accounts.acme!.integrationOracle(p, CALLER);
      expect(after.integration, `acme ${p}`).toBe(0);
      expect(after.tenant, `acme ${p}`).toBe(acmeBefore[p]!.tenant);
      // The other tenant: nothing moved at all.
      expect(accounts.globex!.integrationOracle(p, CALLER), `globex ${p}`).toEqual(globexBefore[p]);
      const branch = status.branches.find((b) => b.adapter === p)!;
      expect([...(branch.coverage?.searchedBy ?? [])].sort()).toEqual(["id", "phone"]);
      expect(["erased", "scheduled"]).toContain(branch.outcome);
    }
    const receipt = await fanout.receipt(req.id);
    expect(receipt).toMatchObject({
      tenant: "acme",
      scope: "integration",
      instruction: { reference: "TICKET-9" },
    });
    expect(JSON.stringify(receipt)).not.toMatch(/7946|Lee Caller/);
  }, 60_000);

  it("exports only what the integration wrote", async () => {
    const { accounts, fanout } = await tenantsWorld();
    accounts.acme!.seedIntegration(CALLER);
    const { mkdtempSync, rmSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "gf-tenant-export-"));
    try {
      const to = join(dir, "package");
      const handle = await fanout.export(
        { phone: CALLER.phone },
        { tenant: "acme", scope: "integration", instruction: INSTRUCTION, to },
      );
      expect(handle.state).toBe("completed");
      for (const p of CRMS) expect(handle.manifest?.adapters[p]?.records, p).toBeGreaterThan(0);
      // The tenant's own contact is not in it: the hand-logged call and the tenant's notes neither.
      const hubspot = readFileSync(join(to, "hubspot.json"), "utf8");
      expect(hubspot).not.toContain("Logged by hand");
      expect(hubspot).not.toContain("trade fair");
      expect(hubspot).toContain("Logged by the phone integration");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("checks the providers' purges after their ETAs, resolving the tenant's adapters again", async () => {
    const c = clock();
    const { accounts, fanout } = await tenantsWorld(c.now);
    const seeded = accounts.globex!.seedIntegration(CALLER);
    const ids = Object.fromEntries(Object.entries(seeded).map(([p, s]) => [p, [...s.integrationIds]]));
    const req = await fanout.erase(
      { phone: CALLER.phone, ids },
      { tenant: "globex", scope: "integration", instruction: INSTRUCTION },
    );
    const answered = await settle(fanout, req.id);
    expect(answered.state).toBe("completed");
    const scheduled = answered.branches.filter((b) => b.outcome === "scheduled").map((b) => b.adapter);
    expect(scheduled.sort()).toEqual(["hubspot", "pipedrive"]);
    expect(answered.purge.pending).toBe(true);
    // HubSpot's recycle bin (90 days) and Pipedrive's trash (30 days) empty; a day later the check.
    c.advance(92 * DAY);
    await fanout.drain();
    const checked = await fanout.status(req.id);
    expect(checked.state).toBe("completed");
    expect(checked.purge).toMatchObject({ pending: false, notConfirmed: [] });
    expect(checked.purge.verifiedAt).not.toBeNull();
    for (const p of ["hubspot", "pipedrive"]) {
      expect(accounts.globex!.integrationOracle(p, CALLER).integrationTrashed, p).toBe(0);
    }
    expect((await fanout.receipt(req.id)).purge.verifiedAt).not.toBeNull();
  }, 60_000);
});
