/**
 * `runCli`: the whole `gdpr-fanout` command line as a function of its arguments and surroundings,
 * returning the exit code. Every error becomes one line on stderr (`--verbose` adds the detail,
 * `--json` makes it a JSON object); never a stack trace unless asked for.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { docsUrl } from "../docs-url.js";
import { FanoutError } from "../errors.js";
import { scrubText } from "../redact.js";
import { registerControl } from "./commands/control.js";
import { registerDemo } from "./commands/demo.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerErase } from "./commands/erase.js";
import { registerExport } from "./commands/export.js";
import { registerInspect } from "./commands/inspect.js";
import { registerLegal } from "./commands/legal.js";
import { registerList } from "./commands/list.js";
import { registerReceipt } from "./commands/receipt.js";
import { registerReport } from "./commands/report.js";
import { registerSecret } from "./commands/secret.js";
import { registerStatus } from "./commands/status.js";
import { registerWorker } from "./commands/worker.js";
import { CommandContext } from "./context.js";
import { EXIT, exitCodeFor } from "./exit-codes.js";
import type { CliIo } from "./io.js";

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "gdpr-fanout") return pkg.version ?? "0.0.0";
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  return "0.0.0";
}

/** Builds the commander program (exported for help-text tests). */
export function buildProgram(ctx: CommandContext): Command {
  const program = new Command("gdpr-fanout")
    .description("Durable GDPR erasure and access requests across your subprocessors.")
    .version(packageVersion(), "-V, --version")
    .option("-c, --config <file>", "config file (default: gdpr-fanout.config.{js,mjs,ts} here)")
    .option("--json", "machine-readable output (errors: one JSON object on stderr)")
    .option("-v, --verbose", "print error details")
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      // Usage errors are printed by runCli as one line.
      outputError: () => {},
    })
    .addHelpText(
      "after",
      "\nExit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 conflict/past pivot, 5 configuration, " +
        `6 not verified, 7 requests need attention.\nDocs: ${docsUrl("cli.md")}`,
    );
  registerErase(program, ctx);
  registerExport(program, ctx);
  registerStatus(program, ctx);
  registerList(program, ctx);
  registerInspect(program, ctx);
  registerControl(program, ctx);
  registerLegal(program, ctx);
  registerReceipt(program, ctx);
  registerWorker(program, ctx);
  registerDoctor(program, ctx);
  registerReport(program, ctx);
  registerDemo(program, ctx);
  registerSecret(program, ctx);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({
      writeOut: (text) => ctx.io.stdout.write(text),
      writeErr: (text) => ctx.io.stderr.write(text),
      outputError: () => {},
    });
  }
  return program;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

function reportError(io: CliIo, error: unknown, json: boolean, verbose: boolean): number {
  if (error instanceof CommanderError) {
    const message = oneLine(error.message.replace(/^error:\s*/, ""));
    if (json)
      io.stderr.write(`${JSON.stringify({ error: { code: "USAGE", message, exitCode: EXIT.USAGE } })}\n`);
    else io.stderr.write(`gdpr-fanout: ${message} (see gdpr-fanout --help)\n`);
    return EXIT.USAGE;
  }
  const fanoutError = error instanceof FanoutError ? error : undefined;
  const code = fanoutError?.code;
  const exitCode = exitCodeFor(code);
  // FanoutError messages are scrubbed already; anything else (a bug, a library's error) is scrubbed here.
  const message =
    oneLine(
      fanoutError ? fanoutError.message : scrubText(error instanceof Error ? error.message : String(error)),
    ) || "unexpected error";
  if (json) {
    const body = fanoutError ? fanoutError.toJSON() : { code: "INTERNAL", message };
    io.stderr.write(`${JSON.stringify({ error: { ...body, exitCode } })}\n`);
    if (!verbose) return exitCode;
  } else {
    const hint = fanoutError
      ? ` [${code}]`
      : verbose
        ? ""
        : " (unexpected error: --verbose shows the details)";
    io.stderr.write(`gdpr-fanout: ${message}${hint}\n`);
  }
  if (verbose) {
    if (fanoutError) {
      const { name, message: _m, ...detail } = fanoutError.toJSON();
      io.stderr.write(`${name} ${JSON.stringify(detail)}\n`);
      io.stderr.write(`see ${fanoutError.docs}\n`);
    }
    if (error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  }
  return exitCode;
}

/** Runs the CLI with `argv` (arguments after the program name); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = new CommandContext(io);
  const program = buildProgram(ctx);
  const json = argv.includes("--json");
  const verbose = argv.includes("--verbose") || argv.includes("-v");
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.USAGE;
    }
    await program.parseAsync([...argv], { from: "user" });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return EXIT.OK; // --help, --version
    return reportError(io, error, json, verbose);
  } finally {
    await ctx.close();
  }
}
