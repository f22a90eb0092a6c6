/**
 * Postmark: what a locate searched (coverage) and what Postmark keeps after a data removal
 * (residuals), checked against the simulator's state and oracle.
 */
import { afterEach, describe, expect, it } from "vitest";
import { postmarkAdapter } from "../../adapters/postmark/index.js";
import type { Residual } from "../../src/adapter.js";
import { createOperationContext } from "../../src/testing/context.js";
import { createSimEnvironment } from "../../src/testing/environment.js";
import { serveHttp } from "../../src/testing/serve.js";
import {
  createPostmarkSimulator,
  type PostmarkSimulatorOptions,
  postmarkSimulator,
} from "../../src/testing/simulators/postmark/index.js";

const EMAIL = "jane@acme.test";
const DAY = 86_400_000;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()?.();
});

async function setup(options: PostmarkSimulatorOptions = {}) {
  let clock = Date.parse("2026-11-20T10:00:00Z");
  const env = createSimEnvironment({ now: () => clock });
  const sim = createPostmarkSimulator({
    servers: 3,
    rateLimit: { requests: 100_000, windowMs: 1000 },
    ...options,
  }).create(env);
  sim.seed({ email: EMAIL, name: "Jane Doe" }, { records: 6 });
  const serving = await serveHttp(sim, { now: () => clock });
  closers.push(() => serving.close());
  const adapter = postmarkSimulator.createAdapter(sim.adapterOptions(serving.baseUrl));
  const ctx = (
    subject: { email?: string; phone?: string; ids?: Record<string, string[]> } = { email: EMAIL },
  ) => createOperationContext({ subject, now: () => new Date(clock) });
  return { sim, adapter, ctx, advance: (ms: number) => (clock += ms), now: () => clock };
}

const byType = (residual: readonly Residual[] | undefined, type: string) =>
  residual?.find((r) => r.type === type);

describe("postmark coverage", () => {
  it("states the identifier kinds it searched, never phone", async () => {
    const { adapter, ctx, sim } = await setup();
    const types = ["outbound_message", "inbound_message", "bounce", "suppression"];

    const byEmail = ctx({ email: EMAIL, phone: "+44 20 7946 0018" });
    const found = await adapter.locate(byEmail.subject, byEmail);
    expect(found.refs.length).toBe(sim.oracle({ email: EMAIL }).live);
    expect(found.coverage).toEqual({ searchedBy: ["email"], types });

    const messageId = sim.account.outbound.find((m) => m.to === EMAIL)?.id ?? "";
    const byId = ctx({ ids: { postmark: [messageId] } });
    expect((await adapter.locate(byId.subject, byId)).coverage).toEqual({ searchedBy: ["id"], types });

    // Postmark has no phone look-up: a phone-only subject is searched by nothing.
    const byPhone = ctx({ phone: "+44 20 7946 0018" });
    expect(await adapter.locate(byPhone.subject, byPhone)).toEqual({
      refs: [],
      coverage: { searchedBy: [], types },
    });
    expect(adapter.capabilities.lookup).not.toContain("phone");
  });
});

describe("postmark residuals after a data removal", () => {
  it("reports the bounces and compliance suppressions Postmark keeps, with the bounces' expiry", async () => {
    const { sim, adapter, ctx, advance, now } = await setup({
      dataRemovalKeeps: ["bounce", "compliance-suppression"],
    });
    const c = ctx();
    const { refs } = await adapter.locate(c.subject, c);
    const deletion = await adapter.delete(refs, c);
    expect(deletion.outcome).toBe("erased");
    // Before the removal ran: every bounce may stay, at the latest for a retention period from now.
    expect(byType(deletion.residual, "bounce")).toMatchObject({
      reason: "provider_retains",
      count: refs.filter((r) => r.type === "bounce").length,
      until: new Date(now() + 45 * DAY).toISOString(),
    });

    advance(61_000);
    const status = await adapter.status(refs, deletion, c);
    const oracle = sim.oracle({ email: EMAIL });
    expect(oracle.byType.outbound_message?.live).toBe(0);
    expect(oracle.byType.bounce?.live).toBeGreaterThan(0);
    expect(status).toMatchObject({ state: "done", remaining: 0 });
    const bounces = sim.account.bounces.filter((b) => b.email === EMAIL && now() - b.bouncedAt <= 45 * DAY);
    const latest = Math.max(...bounces.map((b) => b.bouncedAt));
    expect(byType(status.residual, "bounce")).toEqual({
      type: "bounce",
      count: oracle.byType.bounce?.live,
      reason: "provider_retains",
      detail: expect.stringContaining("retention period (45 days)"),
      until: new Date(latest + 45 * DAY).toISOString(),
    });
    const compliance = sim.account.suppressions.filter(
      (s) => s.email === EMAIL && (s.reason === "HardBounce" || s.reason === "SpamComplaint"),
    );
    expect(compliance.length).toBeGreaterThan(0);
    expect(byType(status.residual, "suppression")).toMatchObject({
      count: compliance.length,
      reason: "provider_retains",
    });
    expect(byType(status.residual, "suppression")?.until).toBeUndefined();
    expect(JSON.stringify(status)).not.toContain(EMAIL);

    // Once the bounces pass their retention, Postmark has dropped them and so does the residual.
    advance(45 * DAY);
    const later = await adapter.status(refs, deletion, c);
    expect(sim.oracle({ email: EMAIL }).byType.bounce?.live).toBe(0);
    expect(byType(later.residual, "bounce")).toBeUndefined();
    expect(later).toMatchObject({ state: "done", remaining: 0 });
  });

  it("reports no residual when the removal erased the bounces too", async () => {
    const { sim, adapter, ctx, advance } = await setup();
    const c = ctx();
    const { refs } = await adapter.locate(c.subject, c);
    const deletion = await adapter.delete(refs, c);
    advance(61_000);
    const status = await adapter.status(refs, deletion, c);
    expect(sim.oracle({ email: EMAIL }).live).toBe(0);
    expect(status).toEqual({
      state: "done",
      remaining: 0,
      jobs: deletion.jobs?.map((j) => ({ ...j, status: "Done" })),
      residual: [],
    });
  });

  it("dates the bounces' residual with the account's retention (Retention add-on)", async () => {
    const { sim, adapter, ctx, advance, now } = await setup({
      retentionDays: 90,
      dataRemovalKeeps: ["bounce"],
    });
    const c = ctx();
    const { refs } = await adapter.locate(c.subject, c);
    const deletion = await adapter.delete(refs, c);
    advance(61_000);
    const status = await adapter.status(refs, deletion, c);
    const latest = Math.max(...sim.account.bounces.filter((b) => b.email === EMAIL).map((b) => b.bouncedAt));
    expect(byType(status.residual, "bounce")?.until).toBe(new Date(latest + 90 * DAY).toISOString());
    expect(now()).toBeLessThan(latest + 90 * DAY);
  });

  it("validates retentionDays against Postmark's range", () => {
    const base = { accountToken: "token-123456", requestedBy: "dpo@acme.test" };
    expect(() => postmarkAdapter({ ...base, retentionDays: 3 })).toThrow(/retentionDays/);
    expect(() => postmarkAdapter({ ...base, retentionDays: 400 })).toThrow(/retentionDays/);
    expect(postmarkAdapter({ ...base, retentionDays: 365 }).id).toBe("postmark");
  });
});
