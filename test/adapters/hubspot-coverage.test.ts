/**
 * HubSpot coverage (issue #15): phone lookup through CRM search, truthful `coverage`, the notes,
 * emails and meetings a contact's GDPR delete leaves on another record's timeline, and the
 * archived engagements reported as `restorable` residuals. Effects are checked through the
 * simulator's oracle and recycle bin, on a clock the test moves.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { SubprocessorAdapter } from "../../src/adapter.js";
import { isFanoutError } from "../../src/errors.js";
import { createOperationContext } from "../../src/testing/context.js";
import { createSimEnvironment } from "../../src/testing/environment.js";
import { type SimLayer, serveHttp } from "../../src/testing/serve.js";
import { serveNock } from "../../src/testing/serve-nock.js";
import type { SimRequest, SimResponse } from "../../src/testing/simulator.js";
import { createHubspotSimulator, type HubspotSimulator } from "../../src/testing/simulators/hubspot/index.js";

const JANE = { email: "jane.roe@acme.test", name: "Jane Roe" };
const TOKEN = "pat-sim-00000000-0000-4000-8000-000000000001";
const DAY = 86_400_000;
const open: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (open.length > 0) await open.pop()!();
});

interface Setup {
  sim: HubspotSimulator;
  adapter: SubprocessorAdapter;
  clock: { now: number };
}

async function setup(transport: "http" | "nock", layers: SimLayer[] = []): Promise<Setup> {
  const clock = { now: Date.UTC(2026, 11, 1) };
  // The provider's clock is the test's; rate-limit windows stay on real time.
  const env = createSimEnvironment({ pageSize: 2, now: () => clock.now, rateNow: Date.now });
  const factory = createHubspotSimulator();
  const sim = factory.create(env) as HubspotSimulator;
  const serving =
    transport === "http"
      ? await serveHttp(sim, { layers })
      : await serveNock(sim, "https://api.hubapi.com", { layers });
  open.push(() => serving.close());
  return { sim, adapter: factory.createAdapter(sim.adapterOptions(serving.baseUrl)), clock };
}

const ctxFor = (
  subject: { email?: string; phone?: string; ids?: Record<string, string> },
  clock?: Setup["clock"],
) => createOperationContext({ subject, ...(clock ? { now: () => new Date(clock.now) } : {}) });

function direct(sim: HubspotSimulator, method: string, path: string, body?: unknown): SimResponse {
  const request: SimRequest = {
    method,
    path,
    query: new URLSearchParams(),
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body,
    rawBody: Buffer.from(body === undefined ? "" : JSON.stringify(body)),
  };
  return sim.handle(request) as SimResponse;
}

/** The ids of the contact's live engagements of one type (through the simulator's API). */
function engagementIds(sim: HubspotSimulator, contactId: string, type: string): string[] {
  const ids: string[] = [];
  let after = "";
  for (;;) {
    const request: SimRequest = {
      method: "GET",
      path: `/crm/v4/objects/contacts/${contactId}/associations/${type}`,
      query: new URLSearchParams(after ? { after } : {}),
      headers: { authorization: `Bearer ${TOKEN}` },
      body: undefined,
      rawBody: Buffer.alloc(0),
    };
    const page = (sim.handle(request) as SimResponse).body as {
      results: { toObjectId: string }[];
      paging?: { next?: { after: string } };
    };
    ids.push(...page.results.map((r) => r.toObjectId));
    if (!page.paging?.next) return ids;
    after = page.paging.next.after;
  }
}

describe.each(["http", "nock"] as const)("hubspot phone lookup over %s", (transport) => {
  it.each([
    ["national, spaced", "07700 900123"],
    ["national digits", "07700900123"],
    ["international, spaced", "+44 7700 900123"],
    ["00 prefix", "00447700900123"],
    ["E.164", "+447700900123"],
  ])("finds a contact whose phone is stored %s, and says it searched by phone", async (_form, stored) => {
    const { sim, adapter } = await setup(transport);
    const [contactId] = sim.seed({ ...JANE, phone: stored }, { records: 1 });
    sim.seed({ email: "other@acme.test", phone: "+44 7700 900124" }, { records: 1 });
    const ctx = ctxFor({ phone: "+44 7700 900123" });
    const result = await adapter.locate(ctx.subject, ctx);
    expect(result.refs).toEqual([{ type: "contact", id: contactId }]);
    expect(result.coverage?.searchedBy).toEqual(["phone"]);
    // What the adapter found is what the simulator holds for the subject.
    expect(sim.oracle(JANE).byType.contact?.live).toBe(1);
    const exported = await adapter.export(result.refs, ctx);
    expect(exported.records.filter((r) => r.type === "call")).toHaveLength(
      sim.oracle(JANE).byType.call!.live,
    );
  });

  it("finds a mobile number only once the search index caught up with a new contact", async () => {
    const { sim, adapter, clock } = await setup(transport);
    const created = direct(sim, "POST", "/crm/v3/objects/contacts", {
      properties: { email: JANE.email, mobilephone: "0044 7700 900123" },
    });
    expect(created.status).toBe(201);
    const ctx = ctxFor({ phone: "+447700900123" });
    // HubSpot's search index trails writes: a contact created a moment ago is not found yet.
    expect((await adapter.locate(ctx.subject, ctx)).refs).toEqual([]);
    clock.now += 5_000;
    const { refs } = await adapter.locate(ctx.subject, ctx);
    expect(refs).toEqual([{ type: "contact", id: (created.body as { id: string }).id }]);
    expect(sim.oracle(JANE).byType.contact?.live).toBe(1);
  });

  it("keeps every searched form of the number out of a search error", async () => {
    const echo: SimLayer = async (req, next) =>
      req.path.endsWith("/contacts/search")
        ? {
            status: 400,
            body: {
              status: "error",
              category: "VALIDATION_ERROR",
              message: `Invalid filter value 07700 900123 or 00447700900123`,
              correlationId: "00000000-0000-4000-8000-000000000000",
            },
          }
        : next();
    const { adapter } = await setup(transport, [echo]);
    const ctx = ctxFor({ phone: "+447700900123" });
    const error = await adapter.locate(ctx.subject, ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFanoutError(error, "VALIDATION")).toBe(true);
    const text =
      JSON.stringify((error as Error & { toJSON(): unknown }).toJSON()) + String((error as Error).cause);
    for (const form of ["07700 900123", "00447700900123", "7700900123"]) expect(text).not.toContain(form);
  });

  it("does not take another person's number for the subject's", async () => {
    const { sim, adapter } = await setup(transport);
    sim.seed({ ...JANE, phone: "020 7946 0001" }, { records: 1 });
    const ctx = ctxFor({ phone: "+442079460000" });
    expect((await adapter.locate(ctx.subject, ctx)).refs).toEqual([]);
    expect(sim.oracle(JANE).live).toBeGreaterThan(0);
  });
});

describe("hubspot locate coverage", () => {
  it("names exactly the identifier kinds it searched and the record types it covers", async () => {
    const { sim, adapter } = await setup("http");
    const [contactId] = sim.seed({ ...JANE, phone: "+447700900123" }, { records: 1 });
    const cases: [Parameters<typeof ctxFor>[0], string[]][] = [
      [{ email: JANE.email }, ["email"]],
      [{ phone: "+447700900123" }, ["phone"]],
      [{ ids: { hubspot: contactId! } }, ["id"]],
      [{ email: JANE.email, phone: "+447700900123", ids: { hubspot: contactId! } }, ["id", "email", "phone"]],
    ];
    for (const [subject, searchedBy] of cases) {
      const ctx = ctxFor(subject);
      const result = await adapter.locate(ctx.subject, ctx);
      expect(result.refs).toEqual([{ type: "contact", id: contactId }]);
      expect(result.coverage).toEqual({
        searchedBy,
        types: ["contact", "call", "note", "email", "meeting", "task", "file", "communication-preferences"],
      });
    }
    expect(adapter.capabilities.lookup).toEqual(["email", "phone", "id"]);
  });
});

describe.each(["http", "nock"] as const)("hubspot erasure of shared engagements over %s", (transport) => {
  it("the simulator's GDPR delete keeps notes, emails and meetings also on a company or deal timeline", async () => {
    const { sim } = await setup(transport);
    const [contactId] = sim.seed(JANE, { records: 3 });
    expect(direct(sim, "POST", "/crm/v3/objects/contacts/gdpr-delete", { objectId: contactId }).status).toBe(
      204,
    );
    const view = sim.oracle(JANE).byType;
    // The first note, email and meeting are also associated with the shared company (and deal).
    expect([view.note?.live, view.email?.live, view.meeting?.live]).toEqual([1, 1, 1]);
    expect([view.call?.live, view.task?.live]).toEqual([3, 3]);
    expect(view.contact).toEqual({ live: 0, trashed: 1 });
  });

  it("archives the subject's engagements the GDPR delete would leave, and verifies the rest went with it", async () => {
    const { sim, adapter, clock } = await setup(transport);
    const [contactId] = sim.seed(JANE, { records: 3 });
    const other = sim.seed({ email: "colleague@acme.test" }, { records: 1 })[0]!;
    // A second note shared with another person, and a third with a ticket.
    const [, shared, ticketed] = engagementIds(sim, contactId!, "notes");
    expect(
      direct(sim, "PUT", `/crm/v4/objects/notes/${shared}/associations/default/contacts/${other}`).status,
    ).toBe(200);
    const ticket = sim.createRecord("tickets", "Line fault");
    expect(
      direct(sim, "PUT", `/crm/v4/objects/notes/${ticketed}/associations/default/tickets/${ticket}`).status,
    ).toBe(200);
    const ctx = ctxFor(JANE, clock);
    const { refs } = await adapter.locate(ctx.subject, ctx);
    const deletion = await adapter.delete(refs, ctx);
    expect(deletion.outcome).toBe("scheduled");
    expect(sim.oracle(JANE).live).toBe(0);
    // The colleague keeps their own records; the shared note was the subject's too, and is archived.
    expect(sim.oracle({ email: "colleague@acme.test" }).live).toBeGreaterThan(0);
    const bin = sim.recycleBin(JANE);
    expect([bin.note?.count, bin.email?.count, bin.meeting?.count]).toEqual([3, 1, 1]);
    const status = await adapter.status(refs, deletion, ctx);
    expect(status).toMatchObject({ state: "scheduled", remaining: 0 });
  });
});

describe.each(["http", "nock"] as const)("hubspot restorable residuals over %s", (transport) => {
  it("reports what sits in the recycle bin, until when, from delete and from status", async () => {
    const { sim, adapter, clock } = await setup(transport);
    sim.seed(JANE, { records: 3 });
    const ctx = ctxFor(JANE, clock);
    const { refs } = await adapter.locate(ctx.subject, ctx);
    const deletion = await adapter.delete(refs, ctx);
    const bin = sim.recycleBin(JANE);
    const expected = Object.entries(bin)
      .map(([type, { count, purgeAt }]) => ({ type, count, until: new Date(purgeAt).toISOString() }))
      .sort((a, b) => a.type.localeCompare(b.type));
    expect(expected.map((e) => [e.type, e.count])).toEqual([
      ["call", 3],
      ["email", 1],
      ["meeting", 1],
      ["note", 1],
      ["task", 3],
    ]);
    const summary = (residual: typeof deletion.residual) =>
      (residual ?? [])
        .map((r) => ({ type: r.type, count: r.count, until: r.until }))
        .sort((a, b) => a.type.localeCompare(b.type));
    expect(summary(deletion.residual)).toEqual(expected);
    for (const residual of deletion.residual ?? []) {
      expect(residual.reason).toBe("restorable");
      expect(Date.parse(residual.until!)).toBe(clock.now + 90 * DAY);
      for (const value of [JANE.email, JANE.name]) expect(residual.detail).not.toContain(value);
    }
    expect(deletion.eta).toBe(new Date(clock.now + 90 * DAY).toISOString());

    clock.now += 30 * DAY;
    const midway = await adapter.status(refs, deletion, ctx);
    expect(midway.state).toBe("scheduled");
    expect(summary(midway.residual)).toEqual(expected);

    // Past the recycle bin's 90 days HubSpot has purged them: nothing restorable is left.
    clock.now += 61 * DAY;
    expect(sim.recycleBin(JANE)).toEqual({});
    const after = await adapter.status(refs, deletion, ctx);
    expect(after).toMatchObject({ state: "done", remaining: 0, residual: [] });
    expect(sim.oracle(JANE)).toMatchObject({ live: 0, trashed: 0 });
  });
});
