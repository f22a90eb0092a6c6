// The law's mechanics on the command line: receivedAt, extend, expedite, restrict/lift and subject
// holds, in-process against fake providers on a SQLite file. Never an identifier in the output.
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURE_EMAIL } from "./fixtures/fixture-config.js";
import { cli, workspace } from "./helpers.js";

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => {
  ws?.cleanup();
  ws = undefined;
});

const json = async (argv: string[]) => {
  const r = await cli([...argv, "--json"], { cwd: ws!.dir });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).not.toContain(FIXTURE_EMAIL);
  return JSON.parse(r.stdout);
};

describe("deadlines on the command line", () => {
  it("erase --received-at, extend and their status", async () => {
    ws = workspace();
    const received = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const erased = await json(["erase", "--email", FIXTURE_EMAIL, "--received-at", received]);
    expect(erased.receivedAt).toBe(received);
    const extended = await json(["extend", erased.id, "--by", "1 month", "--reason", "seven processors"]);
    expect(extended.deadline.extensions).toEqual([
      expect.objectContaining({ by: "1 month", reason: "seven processors" }),
    ]);
    const human = await cli(["status", erased.id], { cwd: ws.dir });
    expect(human.stdout).toMatch(/deadline\s+Art\. 12\(3\): 1 month from receipt/);
    expect(human.stdout).toMatch(/received\s+\d{4}-\d{2}-\d{2}/);
    expect(human.stdout).toMatch(/extended\s+by 1 month .*: seven processors/);
    const tooMuch = await cli(["extend", erased.id, "--by", "2 months", "--reason", "x"], { cwd: ws.dir });
    expect(tooMuch.code).toBe(4);
    expect(tooMuch.stderr).toMatch(/two further months/);
    const future = await cli(["erase", "--email", FIXTURE_EMAIL, "--received-at", "2999-01-01"], {
      cwd: ws.dir,
    });
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/receivedAt is in the future/);
    const missing = await cli(["extend", erased.id, "--by", "1 month"], { cwd: ws.dir });
    expect(missing.code).toBe(2);
  });

  it("expedite ends a closure's wait and runs its deadline from --received-at", async () => {
    ws = workspace();
    const closure = await json([
      "erase",
      "--email",
      FIXTURE_EMAIL,
      "--after",
      "90d",
      "--reason",
      "account-closed",
    ]);
    const before = await json(["status", closure.id]);
    expect(before.deadline.basis).toBe("controller");
    const asked = new Date(Date.now() - 86_400_000).toISOString();
    const after = await json(["expedite", closure.id, "--received-at", asked]);
    expect(after).toMatchObject({ receivedAt: asked, deadline: { basis: "subject" } });
    expect((await cli(["worker", "--once"], { cwd: ws.dir })).code).toBe(0);
    expect((await json(["status", closure.id])).state).toBe("completed");
  });
});

describe("restrict and lift", () => {
  it("restricts until lifted, recording when and how the subject was told", async () => {
    ws = workspace();
    const restricted = await json(["restrict", "--email", FIXTURE_EMAIL, "--reason", "accuracy contested"]);
    expect(restricted).toMatchObject({ state: "pending", created: true, adapters: ["alpha", "beta"] });
    expect((await cli(["worker", "--once"], { cwd: ws.dir })).code).toBe(0);
    const status = await json(["status", restricted.id]);
    expect(status).toMatchObject({ kind: "restrict", state: "restricted" });
    expect((await cli(["status", restricted.id], { cwd: ws.dir })).stdout).toMatch(
      /restricted .* until lifted/,
    );
    const noInfo = await cli(["lift", restricted.id, "--reason", "verified"], { cwd: ws.dir });
    expect(noInfo.code).toBe(2);
    const told = new Date().toISOString(); // after the request arrived, before the lift
    const lifted = await json([
      "lift",
      restricted.id,
      "--reason",
      "accuracy verified",
      "--informed-at",
      told,
      "--informed-by",
      "letter",
    ]);
    expect(lifted.restriction.lift).toMatchObject({ subjectInformedAt: told, informedBy: "letter" });
    expect((await cli(["worker", "--once"], { cwd: ws.dir })).code).toBe(0);
    expect((await json(["status", restricted.id])).state).toBe("lifted");
    const receipt = await json(["receipt", restricted.id]);
    expect(receipt).toMatchObject({ state: "lifted", restriction: { lift: { informedBy: "letter" } } });
    expect((await json(["list", "--kind", "restrict"])).items).toHaveLength(1);
  });
});

describe("holds on a subject", () => {
  it("hold --subject catches a request filed after it; release hold_… lets it finish", async () => {
    ws = workspace();
    const hold = await json([
      "hold",
      "--subject",
      "--email",
      FIXTURE_EMAIL,
      "--reason",
      `police request naming ${FIXTURE_EMAIL}`,
      "--reference",
      "POL-2026-118",
    ]);
    expect(hold).toMatchObject({ reference: "POL-2026-118", adapters: null, caught: [] });
    expect(hold.reason).toBe("police request naming [redacted]");
    const erased = await json(["erase", "--email", FIXTURE_EMAIL]);
    expect((await cli(["worker", "--once"], { cwd: ws.dir })).code).toBe(0);
    const held = await json(["status", erased.id]);
    expect(held).toMatchObject({ state: "held", holds: [expect.objectContaining({ id: hold.id })] });
    expect((await cli(["status", erased.id], { cwd: ws.dir })).stdout).toMatch(
      /subject hold hold_\w+ \(POL-2026-118\)/,
    );
    const listed = await json(["holds", "--active"]);
    expect(listed.items.map((h: { id: string }) => h.id)).toEqual([hold.id]);
    expect((await json(["list", "--subject", held.subject])).items).toHaveLength(1);
    const released = await json(["release", hold.id]);
    expect(released.releasedAt).not.toBeNull();
    expect((await cli(["worker", "--once"], { cwd: ws.dir })).code).toBe(0);
    expect((await json(["status", erased.id])).state).toBe("completed");
    const human = await cli(["holds"], { cwd: ws.dir });
    expect(human.stdout).toContain(hold.id);
    expect(human.stdout).not.toContain(FIXTURE_EMAIL);
  });

  it("a partial hold with --adapters; refuses a reference that is an email", async () => {
    ws = workspace();
    const bad = await cli(
      ["hold", "--subject", "--email", FIXTURE_EMAIL, "--reason", "x", "--reference", "officer@police.test"],
      { cwd: ws.dir },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toContain("officer@police.test");
    const hold = await json([
      "hold",
      "--subject",
      "--email",
      FIXTURE_EMAIL,
      "--reason",
      "dispute",
      "--adapters",
      "beta",
    ]);
    expect(hold.adapters).toEqual(["beta"]);
    const erased = await json(["erase", "--email", FIXTURE_EMAIL]);
    expect((await cli(["worker", "--once"], { cwd: ws.dir })).code).toBe(0);
    const status = await json(["status", erased.id]);
    expect(status.state).toBe("held");
    expect(status.branches.map((b: { outcome: string | null }) => b.outcome)).toEqual(["erased", null]);
    expect((await cli(["status", erased.id], { cwd: ws.dir })).stdout).toMatch(
      /beta .*held by a subject hold/,
    );
  });
});
