/** `gdpr-fanout export`: builds an access package (a folder, or a .zip) for a data subject. */
import { resolve } from "node:path";
import type { Command } from "commander";
import { parseDuration } from "../../duration.js";
import type { CommandContext } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines, table } from "../output.js";
import { subjectFromFlags, subjectOptions } from "../subject-args.js";

export function registerExport(program: Command, ctx: CommandContext): void {
  subjectOptions(program.command("export"))
    .description("build an access package for a data subject (waits for it unless --no-wait)")
    .requiredOption("--to <path>", "directory to write the package to, or a path ending in .zip")
    .option("--reason <text>", "why (kept in the audit trail: no personal data)")
    .option("--idempotency-key <key>", "a second export with the same key returns the same request")
    .option("--deadline <duration>", "due date of this request")
    .option("--no-wait", "record the request and return; a worker builds the package")
    .option("--language <lang>", "language of the package's index.html: en, nl or de", "en")
    .action(async (flags, command: Command) => {
      const subject = subjectFromFlags(flags);
      if (flags.deadline !== undefined) parseDuration(flags.deadline, "--deadline");
      const { fanout } = await ctx.fanout(command);
      const handle = await fanout.export(subject, {
        to: resolve(ctx.io.cwd, flags.to),
        wait: flags.wait !== false,
        language: flags.language,
        ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
        ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
        ...(flags.idempotencyKey !== undefined ? { idempotencyKey: flags.idempotencyKey } : {}),
        ...(flags.deadline !== undefined ? { deadline: flags.deadline } : {}),
      });
      const status = await fanout.status(handle.id);
      const finished = handle.state === "completed";
      if (flags.wait !== false && !finished) ctx.exitCode = EXIT.FAILURE;
      if (ctx.globals(command).json) {
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
        printLines(
          ctx.io,
          `Export request ${s.bold(handle.id)} is ${handle.state}` +
            (status.attention ? `: ${status.attention.message}` : ""),
          s.dim("`gdpr-fanout status <id>` shows each provider; a worker finishes it."),
        );
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
