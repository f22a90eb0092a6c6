/**
 * The law's own mechanics on the command line: `restrict` and `lift` (Art. 18), `extend`
 * (Art. 12(3)), `expedite` (a closure becomes a subject request). Each prints the request's status
 * (`--json`: the `RequestStatus`; `restrict --json`: the handle with dates).
 */
import type { Command } from "commander";
import type { RequestStatus } from "../../engine/types.js";
import { InvalidArgumentError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { colourState, printJson, printLines, shortTime } from "../output.js";
import { subjectFromFlags, subjectOptions } from "../subject-args.js";

/** A `--received-at`/`--informed-at` value: an ISO 8601 date or date-time. */
export function dateFlag(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError(
      `${flag} must be an ISO 8601 date such as 2026-11-23 or 2026-11-23T08:15:00Z`,
      {
        details: { argument: flag },
      },
    );
  }
  return new Date(Date.parse(value)).toISOString();
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") {
    throw new InvalidArgumentError(`${flag} is required`, { details: { argument: flag } });
  }
  return value;
}

/** The deadline in words: due date, where it comes from, extensions. */
export function deadlineLines(status: RequestStatus): string[] {
  const d = status.deadline;
  const basis = {
    subject: `Art. 12(3): ${d.period} from receipt`,
    controller: `the controller's own: ${d.period} after the retention window (no Art. 12 deadline)`,
    retention: `${d.period} after the legal retention ends`,
  }[d.basis];
  const lines = [`  deadline  ${basis}`];
  if (status.receivedAt) lines.push(`  received  ${shortTime(status.receivedAt)} UTC`);
  for (const e of d.extensions)
    lines.push(`  extended  by ${e.by} on ${shortTime(e.at)} → due ${shortTime(e.dueAt)}: ${e.reason}`);
  if (d.expedited)
    lines.push(
      `  expedited ${shortTime(d.expedited.at)} UTC (asked ${shortTime(d.expedited.receivedAt)}; the wait would have ended ${shortTime(d.expedited.previousAfter)})`,
    );
  return lines;
}

export function registerLegal(program: Command, ctx: CommandContext): void {
  const show = (command: Command, status: RequestStatus, done: string) => {
    if (ctx.globals(command).json) {
      printJson(ctx.io, status);
      return;
    }
    printLines(
      ctx.io,
      `${ctx.style.bold(status.id)}: ${done} (${colourState(status.state, ctx.style)})`,
      `  due       ${shortTime(status.dueAt)} UTC`,
      ...deadlineLines(status),
    );
  };

  subjectOptions(program.command("restrict"))
    .description("record a restriction of processing (Art. 18): restricted everywhere until `lift`")
    .option("--received-at <date>", "when the subject's request arrived (ISO 8601; default now)")
    .option("--reason <text>", 'why, e.g. "accuracy contested" (no personal data)')
    .option("--idempotency-key <key>", "a second restrict with the same key returns the same request")
    .option("--deadline <period>", 'time to answer, e.g. "1 month" or "14d" (overrides the config)')
    .action(async (flags, command: Command) => {
      const subject = subjectFromFlags(flags);
      const receivedAt = dateFlag(flags.receivedAt, "--received-at");
      const { fanout } = await ctx.fanout(command);
      const handle = await fanout.restrict(subject, {
        ...(receivedAt ? { receivedAt } : {}),
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
          adapters: status.branches.map((b) => b.adapter),
        });
        return;
      }
      printLines(
        ctx.io,
        `${handle.created ? "Recorded" : "Already recorded"} restriction request ${ctx.style.bold(handle.id)} (${handle.state})`,
        `  subject   ${status.subject}`,
        `  due       ${shortTime(status.dueAt)} UTC`,
        ctx.style.dim("A worker restricts it everywhere; it stays restricted until `gdpr-fanout lift <id>`."),
      );
    });

  program
    .command("lift")
    .description("lift a restriction request (Art. 18(3): record when and how the subject was told first)")
    .argument("<id>", "request id (req_…)")
    .requiredOption("--reason <text>", "why the restriction ends (no personal data)")
    .requiredOption("--informed-at <date>", "when the subject was told (ISO 8601), before the lift")
    .requiredOption("--informed-by <how>", 'how the subject was told: "email", "letter", …')
    .action(async (id: string, flags, command: Command) => {
      const subjectInformedAt = dateFlag(flags.informedAt, "--informed-at")!;
      const { fanout } = await ctx.fanout(command);
      const status = await fanout.lift(id, {
        reason: required(flags.reason, "--reason"),
        subjectInformedAt,
        informedBy: required(flags.informedBy, "--informed-by"),
      });
      show(command, status, "lift recorded; a worker undoes the restrictions");
    });

  program
    .command("extend")
    .description(
      "extend a subject request's deadline (Art. 12(3): at most two further months, with a reason)",
    )
    .argument("<id>", "request id (req_…)")
    .requiredOption("--by <period>", 'how much longer, e.g. "1 month"')
    .requiredOption("--reason <text>", "why (the subject must be told, with the reasons; no personal data)")
    .action(async (id: string, flags, command: Command) => {
      const { fanout } = await ctx.fanout(command);
      const status = await fanout.extend(id, { by: flags.by, reason: required(flags.reason, "--reason") });
      show(command, status, `extended by ${flags.by}`);
    });

  program
    .command("expedite")
    .description("the subject asks for erasure before the retention window ends: the wait ends now")
    .argument("<id>", "request id (req_…)")
    .option("--received-at <date>", "when the subject asked (ISO 8601; default now)")
    .action(async (id: string, flags, command: Command) => {
      const receivedAt = dateFlag(flags.receivedAt, "--received-at");
      const { fanout } = await ctx.fanout(command);
      const status = await fanout.expedite(id, receivedAt ? { receivedAt } : {});
      show(command, status, "expedited");
    });
}
