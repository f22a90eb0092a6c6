/**
 * Zoho: what locate searched (coverage), phone forms, the Emails related list as the v8 OAS
 * describes it, linked deals/tasks/meetings/cases (erased when the subject's alone, kept and
 * reported otherwise), and how Zoho answers a record that is not live. Checked through the
 * simulator's oracle and state.
 */
import { describe, expect, it } from "vitest";
import type { RecordRef } from "../../src/adapter.js";
import type { SimResponse } from "../../src/testing/simulator.js";
import { failure, SUBJECT, zohoSetup } from "./zoho-helpers.js";

const byType = (refs: readonly RecordRef[], ...types: string[]) => refs.filter((r) => types.includes(r.type));

describe("zoho coverage and phone look-up", () => {
  it("states the identifier kinds it searched and the types it covers", async () => {
    const s = await zohoSetup();
    const [contactId] = s.sim.seed(SUBJECT, { records: 1 });
    const all = s.ctx({ ...SUBJECT, ids: { zoho: [`Contacts:${contactId}`] } });
    const { coverage } = await s.adapter.locate(all.subject, all);
    expect(coverage?.searchedBy).toEqual(["email", "phone", "id"]);
    expect(coverage?.types).toEqual(
      expect.arrayContaining(["contact", "lead", "call", "task", "event", "case", "deal", "email"]),
    );
    const phoneOnly = s.ctx({ phone: SUBJECT.phone });
    expect((await s.adapter.locate(phoneOnly.subject, phoneOnly)).coverage?.searchedBy).toEqual(["phone"]);
    expect(s.adapter.capabilities.lookup).toContain("phone");
  });

  it("finds a number stored as given and one typed in national format", async () => {
    const s = await zohoSetup();
    const [contactId, leadId] = s.sim.seed(SUBJECT, { records: 1 });
    // The simulator matches the stored text exactly: "+44 20 7946 0018" and "020 7946 0018".
    const c = s.ctx({ phone: "+442079460018" });
    const { refs } = await s.adapter.locate(c.subject, c);
    expect(
      byType(refs, "contact", "lead")
        .map((r) => r.id)
        .sort(),
    ).toEqual([contactId, leadId].sort());
    expect(JSON.stringify(s.calls.map((x) => x.path))).not.toContain("7946");
  });
});

describe("zoho Emails related list (v8 OAS)", () => {
  it("reads the Emails key and pages with the next_index string, without per_page or owner_id", async () => {
    const s = await zohoSetup({ pageSize: 2 });
    s.sim.seed(SUBJECT, { records: 5 });
    const c = s.ctx();
    const { refs } = await s.adapter.locate(c.subject, c);
    const { records } = await s.adapter.export(refs, c);
    const emails = records.filter((r) => r.type === "email");
    expect(emails.length).toBe(s.sim.oracle(SUBJECT).byType.email?.live);
    expect(emails.length).toBe(5);
    const contactId = byType(refs, "contact")[0]?.id;
    const pages = s.calls.filter((x) => x.path === `/crm/v8/Contacts/${contactId}/Emails`);
    expect(pages.map((p) => p.queryKeys ?? [])).toEqual([[], ["index"], ["index"]]);
  });

  it("fails rather than export no e-mails when the answer has no Emails list", async () => {
    const s = await zohoSetup({
      answer: (r) =>
        r.path.endsWith("/Emails") ? { status: 200, body: { email_related_list: [], info: {} } } : undefined,
    });
    s.sim.seed(SUBJECT, { records: 1 });
    const c = s.ctx();
    const { refs } = await s.adapter.locate(c.subject, c);
    const error = await failure(s.adapter.export(refs, c));
    expect(error).toMatchObject({ code: "PROVIDER_RESPONSE", operation: "contacts.emails.list" });
  });
});

describe("zoho linked deals, tasks, meetings and cases", () => {
  it("exports them all, erases the subject's own, keeps deals and shared records as residuals", async () => {
    const s = await zohoSetup();
    const [contactId, leadId] = s.sim.seed(SUBJECT, { records: 1 });
    const deal = s.sim.addLinked(contactId!, "Deals");
    const sharedDeal = s.sim.addLinked(contactId!, "Deals", { shared: true });
    const sharedTask = s.sim.addLinked(contactId!, "Tasks", { shared: true });
    const sharedMeeting = s.sim.addLinked(contactId!, "Events", { shared: true });
    const ownCase = s.sim.addLinked(contactId!, "Cases");
    const leadMeeting = s.sim.addLinked(leadId!, "Events");
    const c = s.ctx(SUBJECT, "req_linked");
    const { refs } = await s.adapter.locate(c.subject, c);
    for (const id of [deal, sharedDeal, sharedTask, sharedMeeting, ownCase, leadMeeting]) {
      expect(refs.some((r) => r.id === id)).toBe(true);
    }
    const before = s.sim.oracle(SUBJECT);
    const { records } = await s.adapter.export(refs, c);
    expect(records.length).toBe(before.live);
    expect(records.filter((r) => r.type === "deal")).toHaveLength(2);

    const restricted = await s.adapter.restrict!(refs, c);
    for (const id of [deal, sharedDeal, sharedTask, sharedMeeting]) expect(s.sim.whereIs(id)).toBe("live");
    for (const id of [ownCase, leadMeeting]) expect(s.sim.whereIs(id)).toBe("bin");
    expect(s.sim.oracle(SUBJECT).restricted).toBe(restricted.restricted);

    const deletion = await s.adapter.delete(refs, c);
    for (const id of [ownCase, leadMeeting]) expect(s.sim.whereIs(id)).toBe("gone");
    const after = s.sim.oracle(SUBJECT);
    expect(after.live).toBe(4);
    expect(deletion.residual).toHaveLength(3);
    expect(deletion.residual).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "deal", count: after.byType.deal?.live, reason: "not_covered" }),
        expect.objectContaining({ type: "task", count: after.byType.task?.live, reason: "not_covered" }),
        expect.objectContaining({ type: "event", count: after.byType.event?.live, reason: "not_covered" }),
      ]),
    );
    expect(JSON.stringify(deletion)).not.toContain(SUBJECT.email);
    expect(JSON.stringify(deletion)).not.toContain("Jane");
    // The kept records are not counted as live data the delete failed to erase.
    expect(await s.adapter.status(refs, deletion, c)).toMatchObject({ state: "done", remaining: 0 });
  });
});

describe("zoho records that are not live", () => {
  it("accepts exactly 204 for a record that is not live; a 400 or a 200 without it fails", async () => {
    let answer: SimResponse | undefined;
    const s = await zohoSetup({
      answer: (r) => (r.method === "GET" && /^\/crm\/v8\/Contacts\/\d+$/.test(r.path) ? answer : undefined),
    });
    s.sim.seed(SUBJECT, { records: 1 });
    const c = s.ctx();
    const { refs } = await s.adapter.locate(c.subject, c);
    const deletion = await s.adapter.delete(refs, c);
    expect(await s.adapter.status(refs, deletion, c)).toMatchObject({ state: "done" });

    answer = {
      status: 400,
      body: {
        code: "INVALID_DATA",
        details: {},
        message: "the id given seems to be invalid",
        status: "error",
      },
    };
    expect(await failure(s.adapter.status(refs, deletion, c))).toMatchObject({
      code: "VALIDATION",
      status: 400,
    });
    answer = { status: 404, body: { code: "NOT_FOUND", details: {}, message: "not found", status: "error" } };
    expect(await failure(s.adapter.status(refs, deletion, c))).toMatchObject({ status: 404 });
    answer = {
      status: 200,
      body: { code: "NO_CONTENT", details: {}, message: "Empty response", status: "error" },
    };
    expect(await failure(s.adapter.status(refs, deletion, c))).toMatchObject({ code: "PROVIDER_RESPONSE" });
  });
});
