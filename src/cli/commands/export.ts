/** `gdpr-fanout export`: builds an access package (a folder, or a .zip) for a data subject. */
import { resolve } from "node:path";
import type { Command } from "commander";
import { parseDuration } from "../../duration.js";
import { InvalidArgumentError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines, table } from "../output.js";
import { subjectFromFlags, subjectOptions } from "../subject-args.js";

/** Where `--encrypt` reads the password from. */
export const PASSWORD_ENV = "GDPR_FANOUT_EXPORT_PASSWORD";

/** What to tell a person whose export did not finish: what is on disk, and what happens next. */
function unfinished(
  id: string,
  state: string,
  reason: string | undefined,
  flags: { to: string; wait?: boolean },
  s: CommandContext["style"],
): string[] {
  if (flags.wait === false) {
    return [
      `Export request ${s.bold(id)} recorded (${state}): a running \`gdpr-fanout worker\` builds the package at ${flags.to}.`,
    ];
  }
  if (state === "needs_attention") {
    return [
      `Export request ${s.bold(id)} failed${reason ? `: ${reason}` : ""}`,
      `Nothing was written to ${flags.to}: the partial files were removed.`,
      s.dim(
        "`gdpr-fanout status <id>` shows each provider; fix the cause, then `gdpr-fanout retry <id>` and run a worker.",
      ),
    ];
  }
  return [
    `Export request ${s.bold(id)} was interrupted (${state}). Nothing was written to ${flags.to}: the partial files were removed.`,
    s.dim("The request stays open: a running `gdpr-fanout worker` builds the package there from the start."),
  ];
}

export function registerExport(program: Command, ctx: CommandContext): void {
  subjectOptions(program.command("export"))
    .description("build an access package for a data subject (waits for it unless --no-wait)")
    .requiredOption("--to <path>", "directory to write the package to, or a path ending in .zip")
    .option("--reason <text>", "why (kept in the audit trail: no personal data)")
    .option("--idempotency-key <key>", "a second export with the same key returns the same request")
    .option("--deadline <duration>", "due date of this request")
    .option("--no-wait", "record the request and return; a worker builds the package")
    .option("--language <lang>", "language of the package's index.html: en, nl or de", "en")
    .option(
      "--encrypt",
      `encrypt the .zip with AES-256; the password is read from ${PASSWORD_ENV} (never a flag: flags show in process lists)`,
    )
    .action(async (flags, command: Command) => {
      const subject = subjectFromFlags(flags);
      if (flags.deadline !== undefined) parseDuration(flags.deadline, "--deadline");
      const password = flags.encrypt ? ctx.io.env[PASSWORD_ENV] : undefined;
      if (flags.encrypt && !password)
        throw new InvalidArgumentError(
          `--encrypt reads the password from ${PASSWORD_ENV}, which is not set`,
          {
            details: { argument: "encrypt" },
          },
        );
      const { fanout } = await ctx.fanout(command);
      const json = ctx.globals(command).json;
      if (!json && ctx.io.stderr.isTTY) {
        fanout.on("export.progress", (e) => {
          const what =
            e.unit === "bytes"
              ? `${Math.floor((100 * e.done) / Math.max(1, e.total))}% packed`
              : `${e.done}/${e.total} providers exported`;
          ctx.io.stderr.write(`\r${what}   `);
        });
      }
      const handle = await fanout.export(subject, {
        to: resolve(ctx.io.cwd, flags.to),
        wait: flags.wait !== false,
        language: flags.language,
        ...(password ? { encrypt: { password } } : {}),
        ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
        ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
        ...(flags.idempotencyKey !== undefined ? { idempotencyKey: flags.idempotencyKey } : {}),
        ...(flags.deadline !== undefined ? { deadline: flags.deadline } : {}),
      });
      const status = await fanout.status(handle.id);
      const finished = handle.state === "completed";
      if (flags.wait !== false && !finished) ctx.exitCode = EXIT.FAILURE;
      if (json) {
        printJson(ctx.io, {
          id: handle.id,
          state: handle.state,
          subject: status.subject,
          path: handle.path,
          manifest: handle.manifest,
          ...(status.attention ? { attention: status.attention } : {}),
        });
        return;
      }
      const s = ctx.style;
      if (!finished) {
        printLines(ctx.io, ...unfinished(handle.id, handle.state, status.attention?.message, flags, s));
        return;
      }
      const rows = Object.entries(handle.manifest?.adapters ?? {}).map(([adapter, a]) => [
        adapter,
        String(a.records),
        String(a.files),
        a.status,
      ]);
      printLines(
        ctx.io,
        `Access package for ${status.subject} written to ${s.bold(flags.to)}`,
        ...table(["adapter", "records", "files", "status"], rows, s).map((l) => `  ${l}`),
        s.dim(`  open index.html in it to read it; manifest.json lists every file with its sha256`),
      );
    });
}
