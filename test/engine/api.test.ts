import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { createFanout, memoryStore } from "../../src/index.js";
import { sqliteStore } from "../../src/store/sqlite-store.js";
import { FakeProvider } from "./fake-provider.js";
import { DAY, EMAIL, SECRET, settle, setup } from "./helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "gf-api-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("bad arguments throw typed errors at the call and record nothing", () => {
  const env = setup(["alpha"]);
  it.each([
    ["a malformed subject", () => env.fanout.erase({ email: "not-an-email" }), "INVALID_SUBJECT"],
    ["no subject", () => env.fanout.erase(undefined as never), "INVALID_SUBJECT"],
    [
      "an invalid after",
      () => env.fanout.erase({ email: EMAIL }, { after: "ninety days" }),
      "INVALID_ARGUMENT",
    ],
    ["a negative deadline", () => env.fanout.erase({ email: EMAIL }, { deadline: -5 }), "INVALID_ARGUMENT"],
    [
      "an unknown option",
      () => env.fanout.erase({ email: EMAIL }, { afterr: "1d" } as never),
      "INVALID_ARGUMENT",
    ],
    [
      "options of the wrong type",
      () => env.fanout.erase({ email: EMAIL }, "90d" as never),
      "INVALID_ARGUMENT",
    ],
    [
      "a reason with control characters",
      () => env.fanout.erase({ email: EMAIL }, { reason: "a\u0000b" }),
      "INVALID_ARGUMENT",
    ],
    [
      "an export without a destination",
      () => env.fanout.export({ email: EMAIL }, {} as never),
      "INVALID_ARGUMENT",
    ],
    ["an unknown request id", () => env.fanout.status("req_doesnotexist"), "UNKNOWN_REQUEST"],
    ["a malformed request id", () => env.fanout.status("../../etc/passwd"), "INVALID_ARGUMENT"],
    ["a hold without a reason", () => env.fanout.hold("req_x", ""), "INVALID_ARGUMENT"],
    ["a list with a bad limit", () => env.fanout.list({ limit: 0 }), "INVALID_ARGUMENT"],
  ])("%s", async (_label, call, code) => {
    await expect(call()).rejects.toMatchObject({ code });
    expect((await env.fanout.list()).items).toHaveLength(0);
  });

  it.each([
    ["no adapters", { adapters: [] }],
    [
      "duplicate adapter ids",
      { adapters: [new FakeProvider("a").adapter(), new FakeProvider("a").adapter()] },
    ],
    [
      "an adapter without delete",
      { adapters: [{ id: "x", capabilities: {}, locate() {}, export() {}, status() {} }] },
    ],
    ["a short secret", { adapters: [new FakeProvider("a").adapter()], secret: "short" }],
    ["a bad retry policy", { adapters: [new FakeProvider("a").adapter()], retry: { backoffCoefficient: 0 } }],
    [
      "a retry override for an unknown adapter",
      { adapters: [new FakeProvider("a").adapter()], retry: { perAdapter: { zz: {} } } },
    ],
    ["an unknown option", { adapters: [new FakeProvider("a").adapter()], storee: 1 }],
  ])("createFanout rejects %s", (_label, options) => {
    expect(() => createFanout({ store: memoryStore(), secret: SECRET, ...options } as never)).toThrowError(
      expect.objectContaining({ code: expect.stringMatching(/^(CONFIGURATION|INVALID_ARGUMENT)$/) }),
    );
  });
});

describe("deadlines and lists", () => {
  it("sets dueAt from the deadline (calendar days ending at midnight UTC), counted from the end of the retention window, and flags overdue requests", async () => {
    const env = setup(["alpha"], { deadline: "14d" });
    const now = await env.fanout.erase({ email: EMAIL });
    const later = await env.fanout.erase({ email: "b@acme.test" }, { deadline: "60d", after: "90d" });
    env.providers.alpha!.fail("locate", { code: "PROVIDER_UNAVAILABLE", times: 1_000 });
    await env.fanout.drain();
    let s = await env.fanout.status(now.id);
    // Received 2026-11-28 12:00 UTC; 14 days (Regulation 1182/71) end with the last hour of 12 December.
    expect(s.dueAt).toBe("2026-12-12T23:59:59.999Z");
    expect(s.deadline).toMatchObject({ basis: "subject", period: "14 days" });
    const waiting = await env.fanout.status(later.id);
    // A closure's due date is the controller's own: 60 days after its 90-day window (2027-02-26).
    expect(waiting.dueAt).toBe("2027-04-27T23:59:59.999Z");
    expect(waiting.deadline.basis).toBe("controller");
    expect(waiting.receivedAt).toBeNull();
    expect(s.overdue).toBe(false);
    env.clock.advance(15 * DAY);
    s = await env.fanout.status(now.id);
    expect(s.overdue).toBe(true);
    expect((await env.fanout.status(later.id)).overdue).toBe(false);
    expect((await env.fanout.list({ overdue: true })).items.map((r) => r.id)).toEqual([now.id]);
    expect((await env.fanout.list({ state: "restricting" })).items.map((r) => r.id).sort()).toEqual(
      [now.id, later.id].sort(),
    );
  });
});

describe("privacy", () => {
  it("keeps identifiers out of events, logs, receipts and the store after completion", async () => {
    const path = join(tmp, "privacy.db");
    const env = setup(["alpha", "beta"], { store: sqliteStore({ path }) });
    env.providers.beta!.fail("delete", { code: "PROVIDER_UNAVAILABLE", times: 3 });
    const req = await env.fanout.erase(
      { email: EMAIL, phone: "+44 20 7946 0000", name: "Jane Doe" },
      { reason: "account-closed" },
    );
    expect(await settle(env, req.id)).toBe("completed");
    // Shredded at completion: the sealed subject is gone, not just unreadable.
    expect((await env.store.getRequest(req.id))?.sealed).toBeNull();
    const receipt = await env.fanout.receipt(req.id);
    const surfaces = [
      JSON.stringify(env.events),
      JSON.stringify(env.logs),
      JSON.stringify(receipt),
      JSON.stringify(await env.fanout.status(req.id)),
      JSON.stringify(await env.fanout.audit(req.id)),
    ];
    await env.fanout.close();
    for (const file of readdirSync(tmp).filter((f) => f.startsWith("privacy.db")))
      surfaces.push(readFileSync(join(tmp, file), "latin1"));
    for (const text of surfaces) {
      for (const needle of [EMAIL, "Jane Doe", "+442079460000", "442079460000", "7946 0000"])
        expect(text).not.toContain(needle);
    }
    expect(env.events.some((e) => e.type === "branch.retrying")).toBe(true);
  });

  it("detects a tampered receipt and a tampered audit trail", async () => {
    const path = join(tmp, "tamper.db");
    const env = setup(["alpha"], { store: sqliteStore({ path }) });
    const req = await env.fanout.erase({ email: EMAIL });
    await settle(env, req.id);
    const receipt = await env.fanout.receipt(req.id);
    const edited = { ...receipt, branches: receipt.branches.map((b) => ({ ...b, outcome: "retained" })) };
    expect(await env.fanout.verifyReceipt(edited)).toMatchObject({ valid: false, reason: "bad-signature" });
    const db = new Database(path);
    db.prepare("UPDATE gf_audit SET data = '{\"forged\":true}' WHERE request_id = ? AND seq = 2").run(req.id);
    db.close();
    expect((await env.fanout.audit(req.id)).valid).toBe(false);
    expect(await env.fanout.verifyReceipt(receipt)).toMatchObject({ valid: true, auditValid: false });
    await env.fanout.close();
  });
});

describe("corrupt store rows", () => {
  it("reports a corrupt row with STORE_CORRUPT and keeps working on the others", async () => {
    const path = join(tmp, "corrupt.db");
    const env = setup(["alpha"], { store: sqliteStore({ path }) });
    const bad = await env.fanout.erase({ email: EMAIL }, { after: "1d" });
    const good = await env.fanout.erase({ email: "other@acme.test" });
    const db = new Database(path);
    db.prepare("UPDATE gf_branches SET doc = '{not json' WHERE request_id = ?").run(bad.id);
    db.close();
    await env.fanout.drain();
    expect((await env.fanout.status(good.id)).state).toBe("completed");
    await expect(env.fanout.status(bad.id)).rejects.toMatchObject({ code: "STORE_CORRUPT" });
    expect((await env.store.getRequest(bad.id))?.state).toBe("needs_attention");
    await env.fanout.close();
  });

  it("shows a foreign row in lists as needing attention and parks it instead of claiming it", async () => {
    const path = join(tmp, "foreign.db");
    const env = setup(["alpha"], { store: sqliteStore({ path }) });
    const good = await env.fanout.erase({ email: EMAIL });
    const db = new Database(path);
    db.prepare(
      "INSERT INTO gf_requests (id, kind, state, fingerprint, created_at, updated_at, due_at, after_at, wake_at, doc) VALUES ('req_foreign', 'refund', 'bogus', 'x', 1, 1, 1, 1, 0, 'null')",
    ).run();
    db.close();
    await env.fanout.drain();
    expect((await env.fanout.status(good.id)).state).toBe("completed");
    const listed = (await env.fanout.list()).items.find((r) => r.id === "req_foreign");
    expect(listed).toMatchObject({ state: "needs_attention" });
    await expect(env.fanout.status("req_foreign")).rejects.toMatchObject({ code: "STORE_CORRUPT" });
    const check = new Database(path);
    expect(check.prepare("SELECT wake_at FROM gf_requests WHERE id = 'req_foreign'").get()).toEqual({
      wake_at: null,
    });
    check.close();
    await env.fanout.close();
  });

  it("reports a subject sealed with another secret", async () => {
    const store = memoryStore();
    const first = setup(["alpha"], { store });
    const req = await first.fanout.erase({ email: EMAIL }, { after: "1d" });
    const second = createFanout({
      adapters: [new FakeProvider("alpha").adapter()],
      store,
      secret: "another-secret-0123456789",
    });
    await second.drain();
    // Not a damaged row: a configuration to fix, after which retry() resumes (see secrets.test.ts).
    expect((await second.status(req.id)).attention).toMatchObject({
      code: "CONFIGURATION",
      message: expect.stringContaining("sealed with a different secret"),
    });
  });
});

describe("export", () => {
  it("writes an access package directory with a manifest and nothing exported in the store", async () => {
    const path = join(tmp, "export.db");
    const env = setup(["alpha", "beta"], { store: sqliteStore({ path }) });
    const to = join(tmp, "pkg-dir");
    const exp = await env.fanout.export({ email: EMAIL }, { to });
    expect(exp).toMatchObject({ state: "completed", path: to });
    const manifest = JSON.parse(readFileSync(join(to, "manifest.json"), "utf8"));
    const coverage = { searchedBy: ["email"], notSearched: [], types: ["record"] };
    expect(manifest.adapters).toEqual({
      alpha: { records: 2, files: 0, status: "exported", coverage },
      beta: { records: 2, files: 0, status: "exported", coverage },
    });
    const alpha = JSON.parse(readFileSync(join(to, "alpha.json"), "utf8"));
    expect(alpha.records).toHaveLength(2);
    expect(alpha.records[0].data.email).toBe(EMAIL);
    expect(manifest.files.map((f: { path: string }) => f.path).sort()).toEqual([
      "alpha.json",
      "beta.json",
      "index.html",
    ]);
    await env.fanout.close();
    for (const file of readdirSync(tmp).filter((f) => f.startsWith("export.db"))) {
      expect(readFileSync(join(tmp, file), "latin1")).not.toContain(EMAIL);
    }
  });

  it("writes a zip when `to` ends in .zip", async () => {
    const env = setup(["alpha"]);
    const to = join(tmp, "pkg.zip");
    const exp = await env.fanout.export({ email: EMAIL }, { to });
    expect(exp.manifest?.adapters.alpha?.records).toBe(2);
    const files = unzipSync(new Uint8Array(readFileSync(to)));
    expect(Object.keys(files).sort()).toEqual(["alpha.json", "index.html", "manifest.json"]);
    expect(readdirSync(tmp)).not.toContain("pkg.zip.parts");
  });
});

describe("inspect", () => {
  it("reports where data exists now without recording anything", async () => {
    const env = setup(["alpha", "beta"]);
    env.providers.beta!.fail("locate", { code: "AUTHENTICATION", times: 1 });
    const result = await env.fanout.inspect({ email: EMAIL });
    expect(result).toEqual([
      { adapter: "alpha", records: 2, byType: { record: 2 }, error: null },
      expect.objectContaining({
        adapter: "beta",
        records: null,
        error: expect.objectContaining({ code: "AUTHENTICATION" }),
      }),
    ]);
    expect((await env.fanout.list()).items).toHaveLength(0);
  });
});

describe("subjects as the README passes them", () => {
  it("erase accepts ids: { alpha: undefined } and rejects an unconfigured adapter key, recording nothing", async () => {
    const env = setup(["alpha"]);
    const user = { email: EMAIL, alphaId: undefined as string | undefined };
    const req = await env.fanout.erase({ email: user.email, ids: { alpha: user.alphaId } });
    expect(req.created).toBe(true);
    await expect(env.fanout.erase({ email: EMAIL, ids: { alhpa: "a_1" } })).rejects.toMatchObject({
      code: "INVALID_SUBJECT",
      message: expect.stringContaining("ids.alhpa"),
    });
    await expect(env.fanout.inspect({ email: EMAIL, ids: { beta: "b_1" } })).rejects.toMatchObject({
      code: "INVALID_SUBJECT",
    });
    expect((await env.fanout.list()).items).toHaveLength(1);
  });
});
