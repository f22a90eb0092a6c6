// The CLI an operator needs on the first day: find a person's requests by email (fingerprint only),
// inspect where their data is, doctor, worker --once failing when requests need attention, and
// event handlers declared in the config file (typed with defineConfig).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURE_EMAIL } from "./fixtures/fixture-config.js";
import { cli, ROOT, workspace } from "./helpers.js";

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => ws?.cleanup());

describe("finding and inspecting a person", () => {
  it("list --email finds that person's requests and prints no identifier back", async () => {
    ws = workspace();
    const mine = await cli(["erase", "--email", FIXTURE_EMAIL, "--after", "30d", "--json"], { cwd: ws.dir });
    await cli(["erase", "--email", "someone.else@acme.test", "--after", "30d"], { cwd: ws.dir });
    const id = JSON.parse(mine.stdout).id as string;
    const found = await cli(["list", "--email", FIXTURE_EMAIL.toUpperCase(), "--json"], { cwd: ws.dir });
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout).items.map((r: { id: string }) => r.id)).toEqual([id]);
    const text = await cli(["list", "--email", FIXTURE_EMAIL], { cwd: ws.dir });
    expect(text.stdout).toContain(id);
    expect(text.stdout.toLowerCase()).not.toContain(FIXTURE_EMAIL);
    const none = await cli(["list", "--email", "nobody@acme.test"], { cwd: ws.dir });
    expect(none.stdout).toContain("No requests for this subject.");
  });

  it("inspect --email: counts per provider, no value printed, nothing recorded", async () => {
    ws = workspace();
    const r = await cli(["inspect", "--email", FIXTURE_EMAIL], { cwd: ws.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/alpha\s+2\s+2 record/);
    expect(r.stdout).toMatch(/beta\s+2\s+2 record/);
    expect(r.stdout.toLowerCase()).not.toContain(FIXTURE_EMAIL);
    const json = JSON.parse(
      (await cli(["inspect", "--email", FIXTURE_EMAIL, "--json"], { cwd: ws.dir })).stdout,
    );
    expect(json.adapters.map((a: { records: number }) => a.records)).toEqual([2, 2]);
    expect(JSON.parse((await cli(["list", "--json"], { cwd: ws.dir })).stdout).items).toEqual([]);
  });
});

describe("doctor and the worker's start", () => {
  it("doctor: exit 0 when ready, 5 naming what fails; the worker then refuses to start", async () => {
    ws = workspace();
    const ready = await cli(["doctor"], { cwd: ws.dir });
    expect(ready.code).toBe(0);
    expect(ready.stdout).toMatch(/ok\s+store/);
    expect(ready.stdout).toContain("Ready");
    ws.cleanup();
    ws = workspace({ failCheckIn: "beta" });
    const broken = await cli(["doctor", "--json"], { cwd: ws.dir });
    expect(broken.code).toBe(5);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false });
    const worker = await cli(["worker", "--once"], { cwd: ws.dir });
    expect(worker.code).toBe(5);
    expect(worker.stderr).toContain("beta credential: refused (HTTP 401)");
  });

  it("worker --once exits 7 when a request needs attention, 0 when everything went through", async () => {
    ws = workspace({ failDeleteIn: "beta" });
    await cli(["erase", "--email", FIXTURE_EMAIL], { cwd: ws.dir });
    const r = await cli(["worker", "--once"], { cwd: ws.dir });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/1 request\(s\) need attention: req_\w+/);
    ws.cleanup();
    ws = workspace();
    await cli(["erase", "--email", FIXTURE_EMAIL], { cwd: ws.dir });
    expect((await cli(["worker", "--once"], { cwd: ws.dir })).code).toBe(0);
  });
});

describe("event handlers in the config file", () => {
  it("runs `on` handlers (any event name, async ones awaited), reports one that throws", async () => {
    ws = workspace();
    const log = join(ws.dir, "paged.txt");
    const fixture = pathToFileURL(join(ROOT, "test", "cli", "fixtures", "fixture-config.ts")).href;
    const index = pathToFileURL(join(ROOT, "src", "index.ts")).href;
    writeFileSync(
      join(ws.dir, "gdpr-fanout.config.mjs"),
      `import { appendFileSync } from "node:fs";
import { defineConfig } from ${JSON.stringify(index)};
import { fixtureOptions } from ${JSON.stringify(fixture)};
export default defineConfig(async () => ({
  ...fixtureOptions({ db: ${JSON.stringify(ws.db)}, failDeleteIn: "beta" }),
  on: {
    "request.needs_attention": async (event) => {
      await new Promise((r) => setTimeout(r, 50));
      appendFileSync(${JSON.stringify(log)}, event.type + " " + event.requestId + "\\n");
    },
    "request.overdue": (event) => appendFileSync(${JSON.stringify(log)}, "overdue " + event.requestId + "\\n"),
    "branch.failed": () => { throw new Error("pager down"); },
  },
}));
`,
    );
    await cli(["erase", "--email", FIXTURE_EMAIL], { cwd: ws.dir });
    const r = await cli(["worker", "--once"], { cwd: ws.dir });
    expect(r.code).toBe(7);
    expect(readFileSync(log, "utf8")).toMatch(/^request\.needs_attention req_\w+\n$/);
    expect(r.stderr).toContain("the config's handler for branch.failed failed: pager down");
  });

  it("refuses an `on` that is not event names mapped to functions (exit 5)", async () => {
    ws = workspace();
    const fixture = pathToFileURL(join(ROOT, "test", "cli", "fixtures", "fixture-config.ts")).href;
    writeFileSync(
      join(ws.dir, "gdpr-fanout.config.mjs"),
      `import { fixtureOptions } from ${JSON.stringify(fixture)};
export default { ...fixtureOptions({ db: ${JSON.stringify(ws.db)} }), on: { "request.overdue": "page me" } };
`,
    );
    const r = await cli(["list"], { cwd: ws.dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('on["request.overdue"] must be a function');
  });
});

describe("links to the documentation", () => {
  it("are URLs of the repository in package.json, not paths the package does not ship", async () => {
    const { DOCS_URL } = await import("../../src/docs-url.js");
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      repository: { url: string };
      files: string[];
    };
    const repo = pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
    expect(DOCS_URL).toBe(`${repo}/blob/main/docs`);
    expect(pkg.files).not.toContain("docs");
    ws = workspace();
    const help = await cli(["--help"], { cwd: ws.dir });
    expect(help.stdout).toContain(`Docs: ${DOCS_URL}/cli.md`);
    expect(help.stdout).not.toMatch(/Docs: docs\//);
  });
});
