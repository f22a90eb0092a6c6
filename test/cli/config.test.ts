// Config loading: js, mjs (object or async function), ts through tsx (child process), --config,
// GDPR_FANOUT_CONFIG, GDPR_FANOUT_SECRET, and every way a config can be wrong → exit 5.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findTsxApi } from "../../src/cli/config.js";
import { FIXTURE_EMAIL } from "./fixtures/fixture-config.js";
import { cli, cliProcess, hasStack, ROOT, workspace, writeConfig } from "./helpers.js";

let ws: ReturnType<typeof workspace> | undefined;
afterEach(() => {
  ws?.cleanup();
  ws = undefined;
});

const fixtureUrl = () =>
  JSON.stringify(`file://${join(ROOT, "test", "cli", "fixtures", "fixture-config.ts")}`);

async function fingerprint(cwd: string, argv: string[] = [], env: Record<string, string | undefined> = {}) {
  const r = await cli(["erase", "--email", FIXTURE_EMAIL, "--json", ...argv], { cwd, env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).subject as string;
}

describe("config file", () => {
  it("loads gdpr-fanout.config.js exporting the options object", async () => {
    ws = workspace({}, "unused.mjs");
    writeFileSync(
      join(ws.dir, "gdpr-fanout.config.js"),
      `import { fixtureOptions } from ${fixtureUrl()};\nexport default fixtureOptions({ db: ${JSON.stringify(ws.db)} });\n`,
    );
    expect(await fingerprint(ws.dir)).toMatch(/^sub_/);
  });

  it("loads gdpr-fanout.config.mjs exporting an async function", async () => {
    ws = workspace();
    expect(await fingerprint(ws.dir)).toMatch(/^sub_/);
  });

  it("takes --config and GDPR_FANOUT_CONFIG, relative to the working directory", async () => {
    ws = workspace({}, "elsewhere.mjs");
    expect(await fingerprint(ws.dir, ["--config", "elsewhere.mjs"])).toMatch(/^sub_/);
    expect(await fingerprint(ws.dir, [], { GDPR_FANOUT_CONFIG: "elsewhere.mjs" })).toMatch(/^sub_/);
  });

  it("takes the secret from GDPR_FANOUT_SECRET unless the config sets one", async () => {
    ws = workspace();
    const a = await fingerprint(ws.dir, [], { GDPR_FANOUT_SECRET: "first-secret-0123456789abcdef" });
    const b = await fingerprint(ws.dir, [], { GDPR_FANOUT_SECRET: "second-secret-0123456789abcdef" });
    expect(a).not.toBe(b);
    writeConfig(ws.dir, { db: ws.db, secret: "config-secret-0123456789abcdef" }, "with-secret.mjs");
    const withSecret = ["--config", "with-secret.mjs"];
    const c = await fingerprint(ws.dir, withSecret, { GDPR_FANOUT_SECRET: "first-secret-0123456789abcdef" });
    const d = await fingerprint(ws.dir, withSecret, { GDPR_FANOUT_SECRET: "second-secret-0123456789abcdef" });
    expect(c).toBe(d);
  });

  it("refuses to run without a secret outside tests (exit 5, naming GDPR_FANOUT_SECRET)", async () => {
    ws = workspace();
    const r = await cliProcess(["list"], {
      cwd: ws.dir,
      env: { GDPR_FANOUT_SECRET: undefined, VITEST: undefined, NODE_ENV: "production" },
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/no secret\. Pass `secret` or set GDPR_FANOUT_SECRET/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("`secret` prints a fresh secret that the next command accepts", async () => {
    ws = workspace();
    const first = await cli(["secret"], { cwd: ws.dir, env: { GDPR_FANOUT_SECRET: undefined } });
    const second = await cli(["secret"], { cwd: ws.dir });
    expect(first.code).toBe(0);
    const secret = first.stdout.trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.stdout.trim()).not.toBe(secret);
    expect((await cli(["list"], { cwd: ws.dir, env: { GDPR_FANOUT_SECRET: secret } })).code).toBe(0);
  });

  it.each([
    ["no config file", null, /No gdpr-fanout\.config\.\{js,mjs,ts\} in this directory/],
    ["no default export", "export const x = 1;\n", /has no default export/],
    ["a config that throws", "throw new Error('boom');\n", /failed to load: boom/],
    ["a function that throws", "export default () => { throw new Error('no key'); };\n", /threw: no key/],
    ["not an object", "export default 42;\n", /must export an options object/],
    ["invalid options", "export default { adapters: [] };\n", /adapters must be a non-empty list/],
    ["a syntax error", "export default {;\n", /failed to load/],
  ])("%s → exit 5, one line", async (_name, source, message) => {
    ws = workspace({}, "unused.mjs");
    if (source !== null) writeFileSync(join(ws.dir, "gdpr-fanout.config.mjs"), source);
    const r = await cli(["list"], { cwd: ws.dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/\[CONFIGURATION\]\n$/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(hasStack(r.stderr)).toBe(false);
  });

  it("--config naming a missing file → exit 5", async () => {
    ws = workspace();
    const r = await cli(["list", "--config", "nope.mjs"], { cwd: ws.dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/Config file not found: nope\.mjs/);
  });
});

describe("tsx", () => {
  it("is found from the project, and its absence is reported (exit 5) rather than crashing", () => {
    ws = workspace();
    expect(findTsxApi({ cwd: ROOT })).toMatch(/tsx[\\/]dist[\\/]esm[\\/]api[\\/]index\.mjs$/);
    expect(findTsxApi({ cwd: ws.dir }, [join(ws.dir, "noop.js")])).toBeUndefined();
  });
});

describe("as a process", () => {
  it("loads gdpr-fanout.config.ts through tsx; errors are one line with the right exit code", async () => {
    ws = workspace({}, "unused.mjs");
    writeFileSync(
      join(ws.dir, "gdpr-fanout.config.ts"),
      `import { fixtureOptions, type FixtureConfig } from ${fixtureUrl()};\n` +
        `const config: FixtureConfig = { db: ${JSON.stringify(ws.db)} };\nexport default fixtureOptions(config);\n`,
    );
    const ok = await cliProcess(["erase", "--email", FIXTURE_EMAIL, "--json"], { cwd: ws.dir });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).subject).toMatch(/^sub_/);
    const missing = await cliProcess(["status", "req_nothere"], { cwd: ws.dir });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('gdpr-fanout: No request with id "req_nothere" [UNKNOWN_REQUEST]\n');
    const usage = await cliProcess(["erase", "--email", "jane@", "--after", "1d"], { cwd: ws.dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split("\n")).toHaveLength(1);
    expect(hasStack(usage.stderr)).toBe(false);
  }, 60_000);
});
