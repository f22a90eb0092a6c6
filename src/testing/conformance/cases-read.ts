/**
 * Conformance cases of the read path: locate (by email, by ids), export across pages, the unknown
 * subject, and aborting mid-pagination.
 */
import { expect } from "vitest";
import { FanoutError } from "../../errors.js";
import { failure, type Harness, maxRepeats } from "./harness.js";
import type { CaseDefiner } from "./index.js";

export function readCases(h: Harness, test: CaseDefiner): void {
  test("locate-email", async () => {
    const { subject, ids } = await h.seeded();
    const ctx = h.context(subject);
    const { refs, coverage } = await h.adapter.locate(ctx.subject, ctx);
    expect(refs.length).toBeGreaterThan(0);
    const found = new Set(refs.map((r) => r.id));
    for (const id of ids) expect(found.has(id), `seeded id ${id} located`).toBe(true);
    const text = JSON.stringify(refs);
    expect(text).not.toContain(subject.email);
    // Coverage, when reported, names what was searched: never a kind the subject did not have.
    if (coverage !== undefined) {
      expect(coverage.searchedBy, "coverage.searchedBy").toContain("email");
      if (subject.phone === undefined)
        expect(coverage.searchedBy, "coverage.searchedBy").not.toContain("phone");
    }
  });

  test(
    "locate-phone",
    async () => {
      const { subject, ids } = await h.seededWithPhone();
      expect(ids.length, "the simulator seeded records for a subject with a phone").toBeGreaterThan(0);
      const ctx = h.context(subject, { phoneOnly: true });
      const { refs, coverage } = await h.adapter.locate(ctx.subject, ctx);
      const found = new Set(refs.map((r) => r.id));
      for (const id of ids) expect(found.has(id), `seeded id ${id} located by phone`).toBe(true);
      const text = JSON.stringify(refs);
      expect(text.includes(subject.phone.replace(/\D/g, "")), "phone digits in the refs").toBe(false);
      if (coverage !== undefined) {
        expect(coverage.searchedBy, "coverage.searchedBy").toContain("phone");
        expect(coverage.searchedBy, "coverage.searchedBy (no email given)").not.toContain("email");
      }
    },
    h.adapter.capabilities.lookup.includes("phone")
      ? undefined
      : 'capabilities.lookup does not include "phone"',
  );

  test("locate-ids", async () => {
    const { subject, ids } = await h.seeded();
    // Only ids: no email to look up by (a phone-less, email-less subject).
    const ctx = h.context({ email: h.unknown().email }, { ids });
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const found = new Set(refs.map((r) => r.id));
    for (const id of ids) expect(found.has(id), `given id ${id} located`).toBe(true);
    expect(h.sims.oracle(h.factory.id, subject).live).toBeGreaterThan(0);
  });

  test("export-pages", async () => {
    const { subject } = await h.seeded();
    const ctx = h.context(subject);
    // Pages are counted over locate and export together: an adapter may find the records through
    // paginated lists and export them one by one, or the other way round.
    const before = h.sims.calls(h.factory.id).length;
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    const result = await h.adapter.export(refs, ctx);
    const calls = h.sims.calls(h.factory.id).slice(before);
    expect(maxRepeats(calls), "some list was read across >= 3 pages").toBeGreaterThanOrEqual(3);
    expect(
      calls.every((c) => c.status < 400),
      "no failed call during locate or export",
    ).toBe(true);
    expect(result.records.length).toBe(h.sims.oracle(h.factory.id, subject).live);
    const keys = result.records.map((r) => `${r.type}:${r.id}`);
    expect(new Set(keys).size, "no record exported twice").toBe(keys.length);
  });

  test("unknown-subject", async () => {
    const subject = h.unknown();
    const ctx = h.context(subject);
    const before = h.sims.calls(h.factory.id).length;
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    expect(refs).toEqual([]);
    const result = await h.adapter.export(refs, ctx);
    expect(result.records).toEqual([]);
    expect(result.files ?? []).toEqual([]);
    const calls = h.sims.calls(h.factory.id).slice(before);
    expect(calls.length, "locate asked the provider").toBeGreaterThan(0);
    expect(
      calls.filter((c) => c.status >= 500 || c.status === 0),
      "server errors or dropped connections while looking for an unknown subject",
    ).toEqual([]);
  });

  test("abort-pagination", async () => {
    const { subject } = await h.seeded();
    const ctx = h.context(subject);
    const { refs } = await h.adapter.locate(ctx.subject, ctx);
    // Learn which request is a paginated list: the first target called twice during an export.
    const before = h.sims.calls(h.factory.id).length;
    await h.adapter.export(refs, ctx);
    const learned = h.sims.calls(h.factory.id).slice(before);
    const seen = new Set<string>();
    const list = learned.find((c) => {
      const key = `${c.method} ${c.path}`;
      if (seen.has(key)) return true;
      seen.add(key);
      return false;
    });
    expect(list, "export reads at least one list across pages").toBeDefined();
    if (!list) return;
    const controller = new AbortController();
    let abortedAt = 0;
    h.sims.inject(h.factory.id, {
      match: { method: list.method, path: list.path },
      onMatch: () => {
        abortedAt = Date.now();
        controller.abort();
      },
    });
    const error = await failure(h.adapter.export(refs, h.context(subject, { signal: controller.signal })));
    expect(error).toBeInstanceOf(FanoutError);
    expect(error.code).toBe("ABORTED");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = h.sims.calls(h.factory.id).filter((c) => c.at > abortedAt);
    expect(after, "requests sent after the abort").toEqual([]);
  });
}
