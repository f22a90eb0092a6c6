/**
 * `gdpr-fanout report --html <file> [--request <id>]`: the operator report as one self-contained
 * HTML page, of every request or of one alone.
 */
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { requestIdArgument } from "../../engine/options.js";
import { InvalidArgumentError } from "../../errors.js";
import { pathProblem, replaceFile } from "../../safe-fs.js";
import type { CommandContext } from "../context.js";
import { printJson, printLines } from "../output.js";
import { attentionItems } from "../report/attention.js";
import { collectReport } from "../report/collect.js";
import { renderReport } from "../report/render.js";

export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command("report")
    .description("write an HTML report of every request: states, due dates, timelines, what needs attention")
    .requiredOption("--html <file>", "where to write the report")
    .option("--limit <n>", "at most this many requests, newest first", "1000")
    .option("--request <id>", "only this request (its facts, every provider, its audit trail)")
    .option(
      "--show-subjects",
      "also print the identifiers of OPEN requests (the file then holds personal data)",
    )
    .action(async (flags, command: Command) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
        throw new InvalidArgumentError("--limit must be a whole number from 1 to 100000", {
          details: { argument: "limit" },
        });
      const requestId = flags.request === undefined ? undefined : requestIdArgument(flags.request);
      const path = resolve(ctx.io.cwd, flags.html);
      const problem = pathProblem(path);
      if (problem)
        throw new InvalidArgumentError(`--html: cannot write the report there: ${problem}`, {
          details: { argument: "html" },
        });
      const { fanout, config } = await ctx.fanout(command);
      const data = await collectReport(fanout, {
        limit,
        showSubjects: flags.showSubjects === true,
        secret: config.options.secret,
        // The fanout's clock, so "generated" agrees with the due dates and overdue flags.
        now: (config.options.now ?? Date.now)(),
        ...(requestId ? { requestId } : {}),
      });
      await mkdir(dirname(path), { recursive: true });
      // A new file every time: an existing report (say 0644) never keeps its mode for one with subjects.
      await replaceFile(path, renderReport(data), flags.showSubjects ? 0o600 : 0o644);
      const attention = attentionItems(data).length;
      const overdue = data.requests.filter((r) => r.status.overdue).length;
      if (ctx.globals(command).json) {
        printJson(ctx.io, {
          path,
          requests: data.requests.length,
          overdue,
          attention,
          truncated: data.truncated,
        });
        return;
      }
      printLines(
        ctx.io,
        `Report of ${requestId ? `request ${requestId}` : `${data.requests.length} requests`} written to ${path}` +
          ` (${overdue} overdue, ${attention} items need attention)`,
      );
    });
}
