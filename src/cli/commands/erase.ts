/** `gdpr-fanout erase`: records an erasure request; a worker (`gdpr-fanout worker`) carries it out. */
import type { Command } from "commander";
import { parseDuration } from "../../duration.js";
import { parsePeriod } from "../../engine/periods.js";
import type { CommandContext } from "../context.js";
import { printJson, printLines } from "../output.js";
import { subjectFromFlags, subjectOptions } from "../subject-args.js";
import { dateFlag, deadlineLines } from "./legal.js";

export function registerErase(program: Command, ctx: CommandContext): void {
  subjectOptions(program.command("erase"))
    .description("record an erasure request for a data subject (a worker carries it out)")
    .option("--after <duration>", 'retention window before the irreversible delete, e.g. "90d"')
    .option("--reason <text>", 'why, e.g. "account-closed" (kept in the audit trail: no personal data)')
    .option("--idempotency-key <key>", "a second erase with the same key returns the same request")
    .option(
      "--deadline <period>",
      'time to answer, e.g. "1 month" or "14d" (overrides the config\'s deadline)',
    )
    .option(
      "--received-at <date>",
      "when the subject's request arrived (ISO 8601); the deadline runs from it (default now)",
    )
    .action(async (flags, command: Command) => {
      const subject = subjectFromFlags(flags);
      if (flags.after !== undefined) parseDuration(flags.after, "--after");
      if (flags.deadline !== undefined) parsePeriod(flags.deadline, "--deadline");
      const receivedAt = dateFlag(flags.receivedAt, "--received-at");
      const { fanout } = await ctx.fanout(command);
      const handle = await fanout.erase(subject, {
        ...(receivedAt ? { receivedAt } : {}),
        ...(flags.after !== undefined ? { after: flags.after } : {}),
        ...(flags.reason !== undefined ? { reason: flags.reason } : {}),
        ...(flags.idempotencyKey !== undefined ? { idempotencyKey: flags.idempotencyKey } : {}),
        ...(flags.deadline !== undefined ? { deadline: flags.deadline } : {}),
      });
      const status = await fanout.status(handle.id);
      if (ctx.globals(command).json) {
        printJson(ctx.io, {
          id: handle.id,
          state: handle.state,
          created: handle.created,
          subject: status.subject,
          receivedAt: status.receivedAt,
          dueAt: status.dueAt,
          after: status.after,
          adapters: status.branches.map((b) => b.adapter),
        });
        return;
      }
      const s = ctx.style;
      printLines(
        ctx.io,
        `${handle.created ? "Recorded" : "Already recorded"} erasure request ${s.bold(handle.id)} (${handle.state})`,
        `  subject   ${status.subject}`,
        `  adapters  ${status.branches.map((b) => b.adapter).join(", ")}`,
        `  erase at  ${status.after.slice(0, 16).replace("T", " ")} UTC or later (after the retention window)`,
        `  due       ${status.dueAt.slice(0, 16).replace("T", " ")} UTC`,
        ...deadlineLines(status),
        s.dim("Run `gdpr-fanout worker` to carry it out; `gdpr-fanout status <id>` to follow it."),
      );
    });
}
