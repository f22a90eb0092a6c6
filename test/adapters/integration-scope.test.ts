// Integration scope, adapter by adapter, beyond the conformance cases: what each provider's own
// rules add (a Zoho call a CRM user added a note to; a HubSpot id of a record the owner entered;
// the option that keeps Pipedrive's call activities; a HubSpot adapter without the app id), and
// the rate-limit keys of the CRM adapters, which must differ per credential without holding it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capsuleAdapter } from "../../adapters/capsule/index.js";
import { hubspotAdapter } from "../../adapters/hubspot/index.js";
import { pipedriveAdapter } from "../../adapters/pipedrive/index.js";
import { zohoAdapter } from "../../adapters/zoho/index.js";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { createOperationContext } from "../../src/testing/context.js";
import type { ZohoSimulator } from "../../src/testing/simulators/zoho/index.js";
import { type Simulators, startSimulators } from "../../src/testing/start-simulators.js";

let sims: Simulators;
beforeAll(async () => {
  sims = await startSimulators({
    providers: ["hubspot", "pipedrive", "zoho", "capsule"],
    transport: "nock",
    timeScale: 0.01,
  });
});
afterAll(() => sims.close());

const ctx = (subject: { phone?: string; ids?: Record<string, string[]> }, requestId?: string) =>
  createOperationContext({ subject, scope: "integration", ...(requestId ? { requestId } : {}) });
const adapter = (id: string) =>
  sims.adapters().find((a) => a.id === id) ??
  (() => {
    throw new Error(id);
  })();

describe("Zoho", () => {
  it("keeps a call a CRM user added a note to, erases the others, and says so", async () => {
    const caller = { phone: "+44 20 7946 0301", name: "Ann Caller" };
    const seeded = sims.simulator("zoho").seedIntegration!(caller, { calls: 3 });
    const firstCall = seeded.integrationIds[0]!.split(":")[1]!;
    (sims.simulator("zoho") as ZohoSimulator).addOrgNote(caller, firstCall);
    const before = sims.integrationOracle("zoho", caller);
    const zoho = adapter("zoho");
    const c = ctx({ phone: caller.phone });
    const { refs } = await zoho.locate(c.subject, c);
    expect(refs).toHaveLength(3);
    const deletion = await zoho.delete(refs, c);
    expect(deletion.residual).toEqual([
      expect.objectContaining({ type: "call", count: 1, reason: "not_covered" }),
    ]);
    expect(JSON.stringify(deletion)).not.toMatch(/7946|Ann/);
    expect(await zoho.status(refs, deletion, c)).toMatchObject({ state: "done", remaining: 0 });
    const after = sims.integrationOracle("zoho", caller);
    expect(after.calls).toBe(1);
    expect(after.tenant).toBe(before.tenant);
    expect((sims.simulator("zoho") as ZohoSimulator).whereIs(firstCall)).toBe("live");
  });
});

describe("HubSpot", () => {
  it("reports ids of records the owner entered as not covered, and leaves them", async () => {
    const caller = { phone: "+44 20 7946 0302" };
    const seeded = sims.simulator("hubspot").seedIntegration!(caller, { calls: 2 });
    const before = sims.integrationOracle("hubspot", caller);
    const hubspot = adapter("hubspot");
    const c = ctx({ ids: { hubspot: [...seeded.integrationIds, ...seeded.tenantIds] } });
    const { refs } = await hubspot.locate(c.subject, c);
    expect(refs.map((r) => r.type).sort()).toEqual(["call", "call", "note"]);
    const deletion = await hubspot.delete(refs, c);
    expect(deletion.outcome).toBe("scheduled");
    expect(deletion.residual).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: "restorable", type: "call", count: 2 }),
        expect.objectContaining({ reason: "not_covered", count: 2 }),
      ]),
    );
    const after = sims.integrationOracle("hubspot", caller);
    expect(after.integration).toBe(0);
    expect(after.integrationTrashed).toBeGreaterThan(0);
    expect(after.tenant).toBe(before.tenant);
  });

  it("refuses integration scope without the app id (it could not tell its records apart)", async () => {
    const options = { ...sims.options.hubspot } as Record<string, unknown>;
    delete options.integration;
    const hubspot = hubspotAdapter(options as never);
    const c = ctx({ phone: "+44 20 7946 0303" });
    await expect(hubspot.locate(c.subject, c)).rejects.toMatchObject({
      code: "CONFIGURATION",
      details: { option: "hubspot.integration.appId" },
    });
  });
});

describe("Pipedrive", () => {
  it("keeps the call activities when told to, and reports them", async () => {
    const caller = { phone: "+44 20 7946 0304" };
    sims.simulator("pipedrive").seedIntegration!(caller, { calls: 2 });
    const pipedrive = pipedriveAdapter({
      ...(sims.options.pipedrive as object),
      integration: { deleteCallActivities: false },
    } as never);
    const c = ctx({ phone: caller.phone });
    const { refs } = await pipedrive.locate(c.subject, c);
    const deletion = await pipedrive.delete(refs, c);
    expect(deletion.outcome).toBe("erased");
    expect(deletion.residual).toEqual([
      expect.objectContaining({ type: "activity", count: 2, reason: "not_covered" }),
    ]);
    const after = sims.integrationOracle("pipedrive", caller);
    expect(after.calls).toBe(0);
    expect(after.byType.activity?.integration).toBe(2);
  });
});

describe("rate-limit keys of the CRM adapters", () => {
  const build: Record<string, (secret: string) => SubprocessorAdapter> = {
    hubspot: (s) => hubspotAdapter({ accessToken: `pat-eu1-${s}` }),
    pipedrive: (s) => pipedriveAdapter({ apiToken: `pd-token-${s}` }),
    // One OAuth client for every customer's org: only the refresh token differs.
    zoho: (s) =>
      zohoAdapter({ clientId: "1000.SAASCLIENT", clientSecret: "client-secret", refreshToken: `1000.${s}` }),
    capsule: (s) => capsuleAdapter({ apiToken: `capsule-${s}` }),
  };
  for (const [id, make] of Object.entries(build)) {
    it(`${id}: one budget per credential, without the credential in the key`, () => {
      const a = make("tenant-a-secret-0001");
      const b = make("tenant-b-secret-0002");
      expect(a.rateLimitKey).toBeDefined();
      expect(a.rateLimitKey).not.toBe(b.rateLimitKey);
      expect(make("tenant-a-secret-0001").rateLimitKey).toBe(a.rateLimitKey);
      for (const key of [a.rateLimitKey, b.rateLimitKey]) expect(key).not.toMatch(/tenant-[ab]-secret/);
      expect(a.capabilities.integrationLookup).toEqual(["phone", "id"]);
    });
  }
});
