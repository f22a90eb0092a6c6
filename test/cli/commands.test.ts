// The commands in-process against fake providers on a SQLite file: output shapes, exit codes,
// one-line errors, and no identifier echoed back.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURE_EMAIL } from "./fixtures/fixture-config.js";
import { cli, hasStack, workspace, writeConfig } from "./helpers.js";

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => {
  ws?.cleanup();
  ws = undefined;
});

const erase = (...extra: string[]) => ["erase", "--email", FIXTURE_EMAIL, ...extra];

describe("erase", () => {
  it("records a request and prints its fingerprint, never the email", async () => {
    ws = workspace();
    const r = await cli(erase("--after", "90d", "--reason", "account-closed"), { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Recorded erasure request req_\w+ \(pending\)/);
    expect(r.stdout).toMatch(/subject\s+sub_[0-9a-f]{32}/);
    expect(r.stdout).not.toContain(FIXTURE_EMAIL);
    expect(r.stderr).toBe("");
  });

  it("--json gives id, state, subject, dates and adapters", async () => {
    ws = workspace();
    const r = await cli([...erase("--id", "alpha=alpha_1", "--idempotency-key", "k1"), "--json"], {
      cwd: ws.dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual([
      "adapters",
      "after",
      "created",
      "dueAt",
      "id",
      "receivedAt",
      "state",
      "subject",
    ]);
    expect(out).toMatchObject({ state: "pending", created: true, adapters: ["alpha", "beta"] });
    expect(out.subject).toMatch(/^sub_[0-9a-f]{32}$/);
    expect(r.stdout).not.toContain(FIXTURE_EMAIL);
    const again = JSON.parse(
      (await cli([...erase("--idempotency-key", "k1"), "--json"], { cwd: ws.dir })).stdout,
    );
    expect(again).toMatchObject({ id: out.id, created: false });
  });

  it.each([
    [["erase", "--email", "not-an-email"], /email: is not a valid email address/],
    [["erase", "--email", FIXTURE_EMAIL, "--after", "soon"], /--after must be a duration/],
    [["erase", "--email", FIXTURE_EMAIL, "--after", "-3d"], /--after/],
    [["erase", "--id", "stripe"], /--id must be adapter=id/],
    [["erase", "--reason", "x"], /Give the subject/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["erase", "--emial", FIXTURE_EMAIL], /unknown option '--emial'/],
    [["status"], /missing required argument 'id'/],
    [["list", "--state", "bogus"], /--state must be one of/],
  ])("bad usage %j exits 2 with one line, no stack", async (argv, message) => {
    ws = workspace();
    const r = await cli(argv, { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(hasStack(r.stderr)).toBe(false);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toContain("not-an-email"); // the value is never repeated
  });

  it("--json makes errors one JSON object on stderr", async () => {
    ws = workspace();
    const r = await cli(["erase", "--email", "nope", "--json"], { cwd: ws.dir });
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stderr);
    expect(body.error).toMatchObject({ code: "INVALID_SUBJECT", exitCode: 2 });
  });

  it("an unexpected error is one scrubbed line with exit 1", async () => {
    ws = workspace({ brokenStore: true });
    const r = await cli(["list"], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "gdpr-fanout: disk I/O error while opening the store for [redacted] (unexpected error: --verbose shows the details)\n",
    );
    const json = await cli(["list", "--json"], { cwd: ws.dir });
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: "INTERNAL", exitCode: 1 });
  });

  it("--verbose adds the detail (and the stack) on request", async () => {
    ws = workspace();
    const r = await cli(["status", "req_missing", "--verbose"], { cwd: ws.dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/UNKNOWN_REQUEST/);
    expect(r.stderr).toMatch(/docs\/errors\.md#unknown_request/);
    expect(hasStack(r.stderr)).toBe(true);
  });
});

describe("status, list, worker, receipt", () => {
  it("runs an erasure end to end through the commands", async () => {
    ws = workspace();
    const { id } = JSON.parse(
      (await cli([...erase("--reason", "account-closed"), "--json"], { cwd: ws.dir })).stdout,
    );

    const before = JSON.parse((await cli(["status", id, "--json"], { cwd: ws.dir })).stdout);
    expect(before).toMatchObject({ id, kind: "erase", state: "pending", overdue: false });
    expect(before.branches.map((b: { adapter: string }) => b.adapter)).toEqual(["alpha", "beta"]);

    const worked = await cli(["worker", "--once"], { cwd: ws.dir });
    expect(worked.code, worked.stderr).toBe(0);
    expect(worked.stdout).toMatch(/request\.completed/);
    expect(worked.stdout).not.toContain(FIXTURE_EMAIL);

    const human = await cli(["status", id], { cwd: ws.dir });
    expect(human.stdout).toMatch(/completed/);
    expect(human.stdout).toMatch(/alpha\s+2\s+erased/);

    const list = JSON.parse((await cli(["list", "--json"], { cwd: ws.dir })).stdout);
    expect(list.nextCursor).toBeNull();
    expect(list.items).toHaveLength(1);
    expect(Object.keys(list.items[0]).sort()).toEqual([
      "after",
      "createdAt",
      "dueAt",
      "id",
      "kind",
      "overdue",
      "receivedAt",
      "retentionOf",
      "state",
      "subject",
    ]);
    expect((await cli(["list", "--state", "pending", "--json"], { cwd: ws.dir })).stdout).toContain(
      '"items": []',
    );
    expect((await cli(["list"], { cwd: ws.dir })).stdout).toContain(id);

    const receipt = await cli(["receipt", id, "--json"], { cwd: ws.dir });
    const signed = JSON.parse(receipt.stdout);
    expect(signed).toMatchObject({
      requestId: id,
      kind: "erase",
      deadlineMet: true,
      reason: "account-closed",
    });
    expect(receipt.stdout).not.toContain(FIXTURE_EMAIL);

    const verified = await cli(["receipt", id, "--verify", "--json"], { cwd: ws.dir });
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      requestId: id,
      valid: true,
      auditValid: true,
      verified: true,
    });

    const file = join(ws.dir, "receipt.json");
    writeFileSync(file, JSON.stringify({ ...signed, deadlineMet: false }));
    const tampered = await cli(["receipt", "--verify", "--file", "receipt.json"], { cwd: ws.dir });
    expect(tampered.code).toBe(6);
    expect(tampered.stdout).toMatch(/NOT valid.*bad-signature/);

    // Another secret: the same receipt no longer verifies.
    writeFileSync(file, JSON.stringify(signed));
    const otherKey = await cli(["receipt", "--verify", "--file", "receipt.json"], {
      cwd: ws.dir,
      env: { GDPR_FANOUT_SECRET: "another-secret-0123456789abcdef" },
    });
    expect(otherKey.code).toBe(6);
    expect(otherKey.stdout).toMatch(/wrong-key/);
    expect(JSON.parse(readFileSync(file, "utf8")).requestId).toBe(id);

    // An auditor with only the public key: no config, no store, no secret.
    const key = await cli(["public-key"], { cwd: ws.dir });
    expect(key.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const auditor = mkdtempSync(join(tmpdir(), "gf-auditor-"));
    writeFileSync(join(auditor, "fanout.pem"), key.stdout);
    writeFileSync(join(auditor, "receipt.json"), JSON.stringify(signed));
    const alone = await cli(
      ["receipt", "--verify", "--file", "receipt.json", "--public-key", "fanout.pem", "--json"],
      { cwd: auditor, env: { GDPR_FANOUT_SECRET: undefined } },
    );
    expect(alone.code, alone.stderr).toBe(0);
    expect(JSON.parse(alone.stdout)).toMatchObject({ requestId: id, valid: true, verified: true });
    // The same file with "deadlineMet" written twice: JSON.parse keeps the signed value, a reader
    // may see the other; the text is refused as ambiguous.
    const text = JSON.stringify(signed);
    writeFileSync(join(auditor, "receipt.json"), `{"deadlineMet":false,${text.slice(1)}`);
    const doubled = await cli(
      ["receipt", "--verify", "--file", "receipt.json", "--public-key", "fanout.pem"],
      { cwd: auditor, env: { GDPR_FANOUT_SECRET: undefined } },
    );
    expect(doubled.code).toBe(6);
    expect(doubled.stdout).toMatch(/NOT valid.*ambiguous/);
    rmSync(auditor, { recursive: true, force: true });

    // Past the pivot: no withdrawal, no hold.
    const late = await cli(["withdraw", id], { cwd: ws.dir });
    expect(late.code).toBe(4);
    expect(late.stderr).toMatch(/PAST_PIVOT/);
    expect((await cli(["retry", id], { cwd: ws.dir })).code).toBe(4);
  });

  it("a receipt before completion is a conflict (4); an unknown id is not found (3)", async () => {
    ws = workspace();
    const { id } = JSON.parse((await cli([...erase("--after", "90d"), "--json"], { cwd: ws.dir })).stdout);
    const early = await cli(["receipt", id], { cwd: ws.dir });
    expect(early.code).toBe(4);
    expect(early.stderr).toMatch(/has no receipt yet/);
    for (const command of ["status", "withdraw", "release", "retry", "receipt"]) {
      const r = await cli([command, "req_doesnotexist"], { cwd: ws.dir });
      expect(r.code, command).toBe(3);
      expect(r.stderr, command).toMatch(
        /^gdpr-fanout: No request with id "req_doesnotexist" \[UNKNOWN_REQUEST\]\n$/,
      );
    }
    expect((await cli(["status", "../etc/passwd"], { cwd: ws.dir })).code).toBe(2);
  });
});

describe("hold, release, withdraw", () => {
  it("hold blocks, release lets go, withdraw compensates", async () => {
    ws = workspace();
    const { id } = JSON.parse((await cli([...erase(), "--json"], { cwd: ws.dir })).stdout);
    const held = await cli(["hold", id, "police request 2026-118", "--json"], { cwd: ws.dir });
    expect(held.code, held.stderr).toBe(0);
    expect(JSON.parse(held.stdout)).toMatchObject({ id, hold: "police request 2026-118" });
    await cli(["worker", "--once"], { cwd: ws.dir });
    expect(JSON.parse((await cli(["status", id, "--json"], { cwd: ws.dir })).stdout).state).toBe("held");
    expect((await cli(["hold", id], { cwd: ws.dir })).code).toBe(2); // the reason is required

    const released = await cli(["release", id], { cwd: ws.dir });
    expect(released.stdout).toMatch(new RegExp(`${id}: released`));
    const withdrawn = await cli(["withdraw", id, "--json"], { cwd: ws.dir });
    expect(JSON.parse(withdrawn.stdout)).toMatchObject({ id, withdrawRequested: true, hold: null });
    await cli(["worker", "--once"], { cwd: ws.dir });
    const status = JSON.parse((await cli(["status", id, "--json"], { cwd: ws.dir })).stdout);
    expect(status.state).toBe("withdrawn");
    expect(
      status.branches.every((b: { compensation: { state: string } }) => b.compensation?.state === "done"),
    ).toBe(true);
  });

  it("retry resumes a request that needs attention", async () => {
    ws = workspace({ failDeleteIn: "beta" });
    const { id } = JSON.parse((await cli([...erase(), "--json"], { cwd: ws.dir })).stdout);
    await cli(["worker", "--once"], { cwd: ws.dir });
    const status = JSON.parse((await cli(["status", id, "--json"], { cwd: ws.dir })).stdout);
    expect(status.state).toBe("needs_attention");
    expect(status.attention.code).toBe("VALIDATION");
    expect((await cli(["list", "--state", "needs_attention"], { cwd: ws.dir })).stdout).toContain(id);
    const retried = await cli(["retry", id, "--json"], { cwd: ws.dir });
    expect(retried.code, retried.stderr).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ id, state: "needs_attention" });
    // The cause is fixed (beta's deletes work again): the next worker run resumes and completes it.
    // (A new file: the in-process CLI imported the first config module once.)
    writeConfig(ws.dir, { db: ws.db }, "fixed.config.mjs");
    await cli(["worker", "--once", "--config", "fixed.config.mjs"], { cwd: ws.dir });
    const after = JSON.parse((await cli(["status", id, "--json"], { cwd: ws.dir })).stdout);
    expect(after.state).toBe("completed");
    expect(after.branches.map((b: { outcome: string }) => b.outcome)).toEqual(["erased", "erased"]);
  });

  it("without retry, a request that needs attention stays there after the cause is fixed", async () => {
    ws = workspace({ failDeleteIn: "beta" });
    const { id } = JSON.parse((await cli([...erase(), "--json"], { cwd: ws.dir })).stdout);
    await cli(["worker", "--once"], { cwd: ws.dir });
    writeConfig(ws.dir, { db: ws.db }, "fixed.config.mjs");
    await cli(["worker", "--once", "--config", "fixed.config.mjs"], { cwd: ws.dir });
    const status = JSON.parse((await cli(["status", id, "--json"], { cwd: ws.dir })).stdout);
    expect(status.state).toBe("needs_attention");
  });
});

describe("export", () => {
  it("writes the access package with index.html and prints where", async () => {
    ws = workspace();
    const r = await cli(["export", "--email", FIXTURE_EMAIL, "--to", "pkg", "--json"], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ state: "completed", path: join(ws.dir, "pkg") });
    expect(out.manifest.adapters).toEqual({
      alpha: { records: 2, files: 0, status: "exported", coverage: expect.anything() },
      beta: { records: 2, files: 0, status: "exported", coverage: expect.anything() },
    });
    expect(out.manifest.files.map((f: { path: string }) => f.path)).toContain("index.html");
    const html = readFileSync(join(ws.dir, "pkg", "index.html"), "utf8");
    expect(html).toContain(FIXTURE_EMAIL); // the package is for the person: their data is in it
    expect(html).toMatch(/<h2 id="svc-alpha-h">alpha<\/h2>/);
    const de = await cli(["export", "--email", FIXTURE_EMAIL, "--to", "pkg-de", "--language", "de"], {
      cwd: ws.dir,
    });
    expect(de.code, de.stderr).toBe(0);
    expect(readFileSync(join(ws.dir, "pkg-de", "index.html"), "utf8")).toContain('<html lang="de">');
    const fr = await cli(["export", "--email", FIXTURE_EMAIL, "--to", "pkg-fr", "--language", "fr"], {
      cwd: ws.dir,
    });
    expect(fr.code).toBe(2);
    const human = await cli(["export", "--email", FIXTURE_EMAIL, "--to", "pkg2"], { cwd: ws.dir });
    expect(human.stdout).toMatch(/Access package for sub_\w+ written to pkg2/);
    expect(human.stdout).not.toContain(FIXTURE_EMAIL);
    expect((await cli(["export", "--email", FIXTURE_EMAIL], { cwd: ws.dir })).code).toBe(2); // --to missing

    // --no-wait: recorded now, built by a worker (whose --json output is one event per line).
    const later = JSON.parse(
      (
        await cli(["export", "--email", FIXTURE_EMAIL, "--to", "pkg3", "--no-wait", "--json"], {
          cwd: ws.dir,
        })
      ).stdout,
    );
    expect(later).toMatchObject({ state: "pending", path: null, manifest: null });
    const worker = await cli(["worker", "--once", "--json"], { cwd: ws.dir });
    const events = worker.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.at(-1)).toMatchObject({ type: "request.completed", requestId: later.id, kind: "export" });
    expect(worker.stdout).not.toContain(FIXTURE_EMAIL);
    expect(readFileSync(join(ws.dir, "pkg3", "index.html"), "utf8")).toContain(
      '<h2 id="svc-beta-h">beta</h2>',
    );
  });
});
