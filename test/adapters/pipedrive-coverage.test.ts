/**
 * What the Pipedrive adapter covers and what it reports as remaining: the coverage of a locate,
 * phone lookup in the forms Pipedrive may have stored, leads, mail threads, the 30-day trash and
 * users whose token is not configured — each checked against the simulator's oracle.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Residual } from "../../src/adapter.js";
import { createOperationContext } from "../../src/testing/context.js";
import type { SimRequest, SimResponse } from "../../src/testing/simulator.js";
import { ctxFor, DAY, EMAIL, expectNoSecrets, type Harness, start, transports } from "./pipedrive-harness.js";

const ALL_TYPES = ["person", "activity", "deal", "lead", "note", "file", "mail_message", "call_log"];

const byReason = (residual: readonly Residual[] | undefined, type: string, reason: Residual["reason"]) =>
  (residual ?? []).find((r) => r.type === type && r.reason === reason);

describe.each(transports)("pipedrive coverage over $name", ({ nock }) => {
  let h: Harness;
  beforeEach(async () => {
    h = await start(nock);
  });
  afterEach(async () => {
    await h.close();
  });

  it("states what each locate searched: identifier kinds actually used, record types covered", async () => {
    const cases = [
      { subject: { email: EMAIL }, searchedBy: ["email"] },
      { subject: { email: EMAIL, ids: { pipedrive: h.personId } }, searchedBy: ["id", "email"] },
      { subject: { phone: "+44 20 7946 0123" }, searchedBy: ["phone"] },
      { subject: { email: EMAIL, phone: "+442079460123" }, searchedBy: ["email", "phone"] },
      // An id that cannot be a Pipedrive person id is not looked up: nothing was searched.
      { subject: { ids: { pipedrive: "not-a-number" } }, searchedBy: [] },
    ];
    for (const { subject, searchedBy } of cases) {
      const ctx = createOperationContext({ subject });
      const { refs, coverage } = await h.adapter.locate(ctx.subject, ctx);
      expect(coverage, JSON.stringify(subject)).toEqual({ searchedBy, types: ALL_TYPES });
      // Whatever found Jane, the records behind the refs are the oracle's.
      if (searchedBy.length > 0) {
        const exported = await h.adapter.export(refs, ctx);
        expect(exported.records.length).toBe(h.sim.oracle({ email: EMAIL }).live);
      }
    }
    expect(h.adapter.capabilities.lookup).toEqual(["email", "phone", "id"]);
  });

  it("finds a person by phone in every stored form (national, spaced, 00) and nothing else", async () => {
    const stored = ["020 7946 0999", "+44 20 7946 0999", "00442079460999"];
    const owners = stored.map((_phone, i) => `phone.form.${i}@acme.test`);
    const ids = stored.map(
      (phone, i) => h.sim.seed({ email: owners[i] as string, phone }, { records: 1 })[0],
    );
    // A neighbour one digit away, and a number that only contains the subject's digits.
    h.sim.seed({ email: "neighbour@acme.test", phone: "+44 20 7946 0998" }, { records: 1 });
    h.sim.seed({ email: "longer@acme.test", phone: "+44 20 7946 09990" }, { records: 1 });
    const searches: URLSearchParams[] = [];
    h.fault = (r) => {
      if (r.path === "/api/v2/persons/search") searches.push(r.query);
      return undefined;
    };
    const ctx = createOperationContext({ subject: { phone: "+44 20 7946 0999" } });
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    expect(refs.map((r) => r.id).sort()).toEqual([...ids].sort());
    // Exact searches on the phone field only, one per form.
    expect(searches.length).toBeGreaterThanOrEqual(stored.length);
    for (const q of searches) expect([q.get("fields"), q.get("exact_match")]).toEqual(["phone", "true"]);
    // The export holds exactly what the oracle knows of the three persons.
    const exported = await h.adapter.export(refs, ctx);
    const live = owners.reduce((n, email) => n + h.sim.oracle({ email }).live, 0);
    expect(exported.records.length).toBe(live);
    expectNoSecrets(h, JSON.stringify(refs));
    expect(JSON.stringify(refs)).not.toContain("0999");
  });

  it("exports, deletes and verifies the person's leads, open and archived", async () => {
    const ctx = ctxFor();
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const before = h.sim.oracle({ email: EMAIL }).byType.lead;
    expect(before?.live).toBe(3);
    const exported = await h.adapter.export(refs, ctx);
    const leads = exported.records.filter((r) => r.type === "lead");
    expect(leads).toHaveLength(3);
    expect(leads.some((l) => (l.data as { is_archived?: boolean }).is_archived === true)).toBe(true);

    const result = await h.adapter.delete(refs, ctx);
    expect(h.sim.oracle({ email: EMAIL }).byType.lead).toEqual({ live: 0, trashed: 3 });
    expect(byReason(result.residual, "lead", "restorable")).toMatchObject({ count: 3, until: result.eta });
    expect(await h.adapter.status(refs, result, ctx)).toMatchObject({ state: "scheduled", remaining: 0 });
  });

  it("deletes the person's mail threads with their users' tokens and reports them as marked deleted", async () => {
    const ctx = ctxFor();
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    expect(h.sim.oracle({ email: EMAIL }).byType.mail_message?.live).toBe(5);
    const result = await h.adapter.delete(refs, ctx);
    expect(h.sim.oracle({ email: EMAIL }).byType.mail_message).toEqual({ live: 0, trashed: 5 });
    // Each thread was deleted once, by the user whose mailbox holds it.
    const threads = [...h.sim.destructiveApplications()].filter(([k]) => k.startsWith("mail_thread:"));
    expect(threads.map(([, n]) => n)).toEqual([1, 1, 1, 1, 1]);
    expect(byReason(result.residual, "mail_thread", "provider_retains")?.count).toBe(5);
    expect(byReason(result.residual, "mail_thread", "not_covered")).toBeUndefined();
    const status = await h.adapter.status(refs, result, ctx);
    expect(status).toMatchObject({ state: "scheduled", remaining: 0 });
    expect(status.residual).toEqual(result.residual);
  });

  it("reports the trash as restorable until its purge, and drops it from status once purged", async () => {
    const ctx = ctxFor();
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const result = await h.adapter.delete(refs, ctx);
    const oracle = h.sim.oracle({ email: EMAIL });
    for (const type of ["person", "activity", "lead"]) {
      const residual = byReason(result.residual, type, "restorable");
      expect(residual, type).toMatchObject({ count: oracle.byType[type]?.trashed, until: result.eta });
    }
    // Files are in the trash too, but Pipedrive documents no way to restore them.
    expect(byReason(result.residual, "file", "provider_retains")).toMatchObject({
      count: oracle.byType.file?.trashed,
      until: result.eta,
    });
    expectNoSecrets(h, JSON.stringify(result.residual));

    // 30 days later the simulator has purged its trash; status no longer reports it.
    h.clock.offset += 30 * DAY + 60_000;
    expect(h.sim.oracle({ email: EMAIL })).toMatchObject({ live: 0, trashed: 0 });
    const later = createOperationContext({
      subject: { email: EMAIL },
      now: () => new Date(Date.now() + h.clock.offset),
    });
    const status = await h.adapter.status(refs, result, later);
    expect(status.state).toBe("scheduled");
    expect((status.residual ?? []).filter((r) => r.reason === "restorable")).toEqual([]);
  });
});

describe.each(transports)("pipedrive users without a token over $name", ({ nock }) => {
  let h: Harness;
  beforeEach(async () => {
    // The third user (id 102) logs calls and mails Jane, but the adapter is not given their token.
    h = await start(nock, { withoutUsers: [2] });
  });
  afterEach(async () => {
    await h.close();
  });

  it("reports the users it could not search and the mail it could not delete, by id and count only", async () => {
    const ctx = ctxFor();
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const result = await h.adapter.delete(refs, ctx);
    const oracle = h.sim.oracle({ email: EMAIL });
    // What the oracle still holds is exactly what the residuals admit.
    expect(oracle.byType.call_log?.live).toBeGreaterThan(0);
    expect(oracle.byType.mail_message?.live).toBeGreaterThan(0);
    const users = byReason(result.residual, "user", "not_covered");
    expect(users).toMatchObject({ count: 1 });
    expect(users?.detail).toContain("102");
    expect(byReason(result.residual, "mail_thread", "not_covered")?.count).toBe(
      oracle.byType.mail_message?.live,
    );
    const uncovered = h.sim.users[2];
    const text = JSON.stringify(result);
    for (const value of [uncovered?.name, uncovered?.email, uncovered?.apiToken]) {
      expect(text).not.toContain(value as string);
    }
    expectNoSecrets(h, text);
    // Status keeps saying so.
    const status = await h.adapter.status(refs, result, ctx);
    expect(byReason(status.residual, "user", "not_covered")).toEqual(users);
  });
});

describe("pipedrive simulator page sizes", () => {
  it("rejects a person files page above the SDK's documented maximum of 100; the adapter asks for 100", async () => {
    const h = await start(true);
    try {
      const request = (limit: string): SimRequest => ({
        method: "GET",
        path: `/v1/persons/${h.personId}/files`,
        query: new URLSearchParams({ limit }),
        headers: { "x-api-token": h.options.apiToken as string },
        body: undefined,
        rawBody: Buffer.alloc(0),
      });
      expect(((await h.sim.handle(request("500"))) as SimResponse).status).toBe(400);
      expect(((await h.sim.handle(request("101"))) as SimResponse).status).toBe(400);
      expect(((await h.sim.handle(request("100"))) as SimResponse).status).toBe(200);
      const limits: (string | null)[] = [];
      h.fault = (r) => {
        if (r.path.endsWith("/files")) limits.push(r.query.get("limit"));
        return undefined;
      };
      const ctx = ctxFor();
      const { refs } = await h.adapter.locate(ctx.subject, ctx);
      const exported = await h.adapter.export(refs, ctx);
      expect(exported.files).toHaveLength(5);
      expect(limits.length).toBeGreaterThan(0);
      expect(new Set(limits)).toEqual(new Set(["100"]));
    } finally {
      await h.close();
    }
  });
});
