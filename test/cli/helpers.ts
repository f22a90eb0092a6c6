// Running the CLI in tests: in-process (fast; commands, output shapes, exit codes) and as a child
// process (what a user runs: the shebang entry under tsx, real exit codes, stderr).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { CliIo } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import type { FixtureConfig } from "./fixtures/fixture-config.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const MAIN = join(ROOT, "src", "cli", "main.ts");
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
export const SECRET = "cli-test-secret-0123456789abcdef";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gdpr-fanout <argv>` in this process. */
export async function cli(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: options.cwd,
    env: { GDPR_FANOUT_SECRET: SECRET, ...options.env },
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Runs `node --import tsx src/cli/main.ts <argv>` as a child process. */
export function cliProcess(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", TSX_LOADER, MAIN, ...argv],
      {
        cwd: options.cwd,
        env: definedOnly({ ...process.env, NO_COLOR: "1", GDPR_FANOUT_SECRET: SECRET, ...options.env }),
        timeout: options.timeoutMs ?? 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A temp working directory with a config file over the fixture's fake providers. */
export function workspace(config: Partial<FixtureConfig> = {}, name = "gdpr-fanout.config.mjs") {
  const dir = mkdtempSync(join(tmpdir(), "gdpr-fanout-cli-"));
  const db = join(dir, "test.db");
  writeConfig(dir, { db, ...config }, name);
  return { dir, db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a config file whose default export builds the fixture's options. */
export function writeConfig(dir: string, config: FixtureConfig, name = "gdpr-fanout.config.mjs"): string {
  const fixture = pathToFileURL(join(ROOT, "test", "cli", "fixtures", "fixture-config.ts")).href;
  const path = join(dir, name);
  writeFileSync(
    path,
    `import { fixtureOptions } from ${JSON.stringify(fixture)};\n` +
      `export default async () => fixtureOptions(${JSON.stringify(config)});\n`,
  );
  return path;
}

/** True when a string looks like a stack trace. */
export function hasStack(text: string): boolean {
  return /\n\s+at .+:\d+:\d+/.test(text);
}
