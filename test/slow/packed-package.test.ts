/**
 * The adopter's first day (issue #23), end to end: the package is built and packed (`npm pack`),
 * installed into an empty app with only the SDKs the getting-started page names, and the page's
 * commands and code run as written — then the testing page's tests, in that app, with its own
 * vitest. Slow (build + install: minutes on a shared machine), hence test/slow.
 *
 * "As written", with three liberties a test needs: the install line installs the packed tarball
 * where it says `gdpr-fanout`; installs use the local npm cache first (`--prefer-offline`) and skip
 * install scripts, the better-sqlite3 addon being copied from this repository's build (same
 * version, same Node) instead of compiled again; and the provider credentials are dummies — no
 * block that would reach a real provider runs (the worker, `doctor` against real keys).
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { blocks, RUNNABLE } from "../docs/markdown-blocks.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const work = mkdtempSync(join(tmpdir(), "gf-packed-"));
const app = join(work, "app");
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment of a production shell: no test-runner variables, dummy provider credentials. */
function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith("VITEST") || key === "NODE_ENV") delete env[key];
  delete env.GDPR_FANOUT_SECRET;
  return {
    ...env,
    NO_COLOR: "1",
    STRIPE_SECRET_KEY: "sk_test_packedApp0123456789",
    HUBSPOT_ACCESS_TOKEN: "pat-eu1-packed-app-0123456789",
    ...extra,
  };
}

function run(command: string, args: string[], extra: Record<string, string> = {}) {
  const result = spawnSync(command, args, {
    cwd: app,
    env: appEnv(extra),
    encoding: "utf8",
    timeout: 600_000,
  });
  return { code: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

const page = (name: string) => readFileSync(join(ROOT, "docs", name), "utf8");

it("installs the packed package and runs getting started and testing as written", {
  timeout: 1_500_000,
}, () => {
  // The package as npm would publish it.
  execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "pipe" });
  execFileSync("npm", ["pack", "--pack-destination", work, "--silent"], { cwd: ROOT, stdio: "pipe" });
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);

  // An empty app, and the getting-started page's install commands.
  mkdirSync(app);
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "adopter-app", private: true, type: "module" }),
  );
  const gettingStarted = page("getting-started.md");
  const installs = blocks("getting-started.md", gettingStarted)
    .filter((b) => b.lang === "sh")
    .flatMap((b) => b.code.split("\n"))
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line.startsWith("npm install ") && !line.includes("npm run demo"));
  expect(installs).toHaveLength(2);
  for (const line of installs) {
    const args = line
      .split(/\s+/)
      .slice(1)
      .map((a) => (a === "gdpr-fanout" ? tarball : a));
    const r = run("npm", [...args, "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"]);
    expect(r.code, `${line}\n${r.stderr}`).toBe(0);
  }
  const addon = join("node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node");
  mkdirSync(dirname(join(app, addon)), { recursive: true });
  copyFileSync(join(ROOT, addon), join(app, addon));
  // Only the SDKs the page names: no postmark, chargebee, pipedrive.
  expect(existsSync(join(app, "node_modules", "stripe"))).toBe(true);
  expect(existsSync(join(app, "node_modules", "postmark"))).toBe(false);

  // 1. A secret.
  const secret = run("npx", ["gdpr-fanout", "secret"]);
  expect(secret.code, secret.stderr).toBe(0);
  const GDPR_FANOUT_SECRET = secret.stdout.trim();
  expect(GDPR_FANOUT_SECRET).toMatch(/^[\w-]{43}$/);

  // Without it, nothing starts outside tests.
  for (const b of blocks("getting-started.md", gettingStarted).filter(
    (b) => RUNNABLE.has(b.lang) && !b.fragment,
  ))
    writeFileSync(join(app, b.file), b.code);
  const noSecret = run("node", ["--import", "tsx", "try-it.ts"]);
  expect(noSecret.code).not.toBe(0);
  expect(noSecret.stderr).toContain("GDPR_FANOUT_SECRET");

  // 2–3. The config, the fanout, the handler: a closure recorded, for a user without a Stripe id.
  const tryIt = run("node", ["--import", "tsx", "try-it.ts"], { GDPR_FANOUT_SECRET });
  expect(tryIt.code, tryIt.stderr).toBe(0);
  expect(tryIt.stdout).toMatch(/^req_\w+ pending erase after \d{4}-/);
  // The CLI reads the same config file and sees the request, by the person's email.
  const listed = run("npx", ["gdpr-fanout", "list", "--email", "jane@example.com", "--json"], {
    GDPR_FANOUT_SECRET,
  });
  expect(listed.code, listed.stderr).toBe(0);
  expect(JSON.parse(listed.stdout).items).toHaveLength(1);
  expect(listed.stdout).not.toContain("jane@example.com");

  // A missing SDK is found by doctor, before any request, and is not retried.
  writeFileSync(
    join(app, "postmark.config.mjs"),
    `import { postmarkAdapter } from "gdpr-fanout/adapters/postmark";
import { memoryStore } from "gdpr-fanout";
export default { store: memoryStore(), adapters: [postmarkAdapter({ accountToken: "x-account-token", requestedBy: "dpo@example.com" })] };
`,
  );
  const doctor = run("npx", ["gdpr-fanout", "doctor", "--config", "postmark.config.mjs"], {
    GDPR_FANOUT_SECRET,
  });
  expect(doctor.code).toBe(5);
  expect(doctor.stdout).toContain("npm install postmark");

  // 5. The testing page's tests, with the app's own vitest.
  for (const b of blocks("testing.md", page("testing.md")).filter((b) => RUNNABLE.has(b.lang) && !b.fragment))
    writeFileSync(join(app, b.file), b.code);
  const report = join(work, "vitest.json");
  const tests = run("npx", ["vitest", "run", "--reporter=json", `--outputFile=${report}`]);
  expect(tests.code, `${tests.stdout}\n${tests.stderr}`).toBe(0);
  const results = JSON.parse(readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
  };
  expect(results.numFailedTests).toBe(0);
  expect(results.numPassedTests).toBeGreaterThanOrEqual(3);
});
