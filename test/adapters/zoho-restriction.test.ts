/**
 * Zoho's restriction has a lifetime: records restricted into the recycle bin are purged by Zoho 60
 * days later. The simulator purges on the shared clock; renewal (unrestrict + restrict) restarts
 * the 60 days; a restriction past its lifetime is reported, never passed over; a restricted subject
 * is still exported.
 */
import { describe, expect, it } from "vitest";
import { DAY, SUBJECT, zohoSetup } from "./zoho-helpers.js";

describe("zoho restriction lifetime", () => {
  it("declares the 60 days, and the simulator purges the bin on the shared clock at 60 days", async () => {
    // timeScale only speeds up rate windows and token lifetimes; the bin's 60 days stay 60 days.
    const s = await zohoSetup({ timeScale: 0.01 });
    expect(s.adapter.capabilities.restrictionExpiresAfter).toBe("60d");
    const [contactId] = s.sim.seed(SUBJECT, { records: 1 });
    const c = s.ctx(SUBJECT, "req_life");
    const { refs } = await s.adapter.locate(c.subject, c);
    await s.adapter.restrict!(refs, c);
    s.advance(60 * DAY - 60_000);
    expect(s.sim.whereIs(contactId!)).toBe("bin");
    s.advance(120_000);
    expect(s.sim.whereIs(contactId!)).toBe("gone");
    expect(s.sim.oracle(SUBJECT)).toMatchObject({ live: 0, trashed: 0 });
  });

  it("renews a restriction with unrestrict + restrict: a fresh 60 days, still undone afterwards", async () => {
    const s = await zohoSetup({ timeScale: 0.01 });
    s.sim.seed(SUBJECT, { records: 2 });
    const before = s.sim.oracle(SUBJECT);
    const c = s.ctx(SUBJECT, "req_renew");
    const { refs } = await s.adapter.locate(c.subject, c);
    const first = await s.adapter.restrict!(refs, c);

    s.advance(50 * DAY);
    expect(await s.adapter.unrestrict!(refs, first.undo, c)).toEqual({});
    expect(s.sim.oracle(SUBJECT).live).toBe(before.live);
    const renewed = await s.adapter.restrict!(refs, c);
    expect(renewed.restricted).toBe(first.restricted);

    // Day 100: 50 days after the renewal, past the first restriction's 60 days.
    s.advance(50 * DAY);
    expect(s.sim.oracle(SUBJECT)).toMatchObject({ live: 0, restricted: renewed.restricted });
    expect(await s.adapter.unrestrict!(refs, renewed.undo, c)).toEqual({});
    expect(s.sim.oracle(SUBJECT)).toEqual(before);
    expect(s.sim.destructiveApplications().size).toBe(0);
  });

  it("reports what a restriction past its lifetime destroyed instead of failing or passing over it", async () => {
    const s = await zohoSetup();
    s.sim.seed(SUBJECT, { records: 2 });
    const c = s.ctx(SUBJECT, "req_late");
    const { refs } = await s.adapter.locate(c.subject, c);
    const restricted = await s.adapter.restrict!(refs, c);
    s.advance(61 * DAY);
    const result = await s.adapter.unrestrict!(refs, restricted.undo, c);
    expect(s.sim.oracle(SUBJECT)).toMatchObject({ live: 0, trashed: 0 });
    const notUndone = result?.notUndone ?? [];
    expect(notUndone.reduce((n, r) => n + r.count, 0)).toBe(restricted.restricted);
    expect(notUndone.find((r) => r.type === "contact")).toMatchObject({ count: 1, reason: "not_covered" });
    expect(JSON.stringify(result)).not.toContain(SUBJECT.email);
  });

  it("says when the records were already purged before the delete ran (deleted: 0 is not silent)", async () => {
    const s = await zohoSetup();
    s.sim.seed(SUBJECT, { records: 1 });
    const c = s.ctx(SUBJECT, "req_purged");
    const { refs } = await s.adapter.locate(c.subject, c);
    const restricted = await s.adapter.restrict!(refs, c);
    s.advance(61 * DAY);
    const deletion = await s.adapter.delete(refs, c);
    expect(s.sim.oracle(SUBJECT)).toMatchObject({ live: 0, trashed: 0 });
    expect(s.sim.destructiveApplications().size).toBe(0);
    expect(deletion).toMatchObject({ outcome: "erased", deleted: 0 });
    expect(deletion.detail).toContain(`${restricted.restricted} located record(s) were already gone`);
    expect(deletion.state).toMatchObject({ alreadyGone: restricted.restricted });
    const status = await s.adapter.status(refs, deletion, c);
    expect(status).toMatchObject({ state: "done", remaining: 0 });
    expect(status.detail).toContain("already been purged");
  });
});

describe("zoho export while a restriction is in place", () => {
  it("locates the restricted records by their ids in the recycle bin and exports them", async () => {
    const s = await zohoSetup();
    s.sim.seed(SUBJECT, { records: 2 });
    const erasure = s.ctx(SUBJECT, "req_open_erasure");
    const { refs } = await s.adapter.locate(erasure.subject, erasure);
    const restricted = await s.adapter.restrict!(refs, erasure);
    expect(s.sim.oracle(SUBJECT).live).toBe(0);

    // An access request meanwhile: the open erasure's refs are ids only, passed as subject.ids.zoho.
    const ids = refs.map((r) => `${r.scope}:${r.id}`);
    const access = s.ctx({ email: SUBJECT.email, ids: { zoho: ids } });
    const located = await s.adapter.locate(access.subject, access);
    expect(located.coverage?.searchedBy).toEqual(["email", "id"]);
    expect(located.refs.map((r) => r.id).sort()).toEqual(refs.map((r) => r.id).sort());

    const { records } = await s.adapter.export(located.refs, access);
    expect(records.length).toBe(s.sim.oracle(SUBJECT).restricted);
    expect(records.length).toBe(restricted.restricted);
    for (const r of records) expect(r.data).toMatchObject({ in_recycle_bin: true });
    expect(records.find((r) => r.type === "contact")?.data).toMatchObject({
      recycle_bin_entry: { display_name: "Jane Doe", module: { api_name: "Contacts" } },
    });
    // Reading changed nothing: still restricted, nothing destroyed.
    expect(s.sim.oracle(SUBJECT)).toMatchObject({ live: 0, restricted: restricted.restricted });
    expect(s.sim.destructiveApplications().size).toBe(0);
  });
});
