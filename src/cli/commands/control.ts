/**
 * `withdraw`, `hold`, `release`, `retry`: the control plane of a request; `hold --subject`,
 * `release hold_…` and `holds`: holds on a subject (every open and future erasure of that person).
 */
import type { Command } from "commander";
import type { Fanout } from "../../engine/create-fanout.js";
import type { SubjectHoldView } from "../../engine/subject-holds.js";
import type { RequestStatus } from "../../engine/types.js";
import { InvalidArgumentError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { colourState, printJson, printLines, shortTime, table } from "../output.js";
import { subjectFromFlags, subjectOptions } from "../subject-args.js";

interface ControlSpec {
  readonly name: string;
  readonly description: string;
  readonly done: string;
  readonly withReason?: boolean;
  run(fanout: Fanout, id: string, reason: string | undefined): Promise<RequestStatus>;
}

const SPECS: readonly ControlSpec[] = [
  {
    name: "withdraw",
    description: "withdraw an erasure before its pivot: restrictions are undone (exit 4 past the pivot)",
    done: "withdrawal requested",
    run: (f, id) => f.withdraw(id),
  },
  {
    name: "retry",
    description: "resume a request that needs attention from its failed steps",
    done: "retry requested",
    run: (f, id) => f.retry(id),
  },
];

function holdLines(h: SubjectHoldView): string[] {
  return [
    `  subject   ${h.subject}`,
    `  adapters  ${h.adapters ? h.adapters.join(", ") : "all"}`,
    ...(h.reference ? [`  reference ${h.reference}`] : []),
    `  reason    ${h.reason}`,
    `  placed    ${shortTime(h.placedAt)} UTC${h.releasedAt ? `, released ${shortTime(h.releasedAt)} UTC` : ""}`,
  ];
}

function registerHolds(program: Command, ctx: CommandContext): void {
  subjectOptions(program.command("hold"))
    .description(
      "legal hold: `hold <id> <reason>` holds one erasure; `hold --subject --email … --reason …` holds every open and future erasure of that person",
    )
    .argument("[id]", "request id (req_…), without --subject")
    .argument("[reason]", 'why, e.g. "litigation 2026-7" (no personal data), without --subject')
    .option("--subject", "hold the subject given by --email/--phone/--id instead of one request")
    .option("--reason <text>", "with --subject: why (identifiers in it are removed)")
    .option("--reference <ref>", 'with --subject: a case number such as "POL-2026-118" (no spaces)')
    .option("--adapters <ids>", "with --subject: only these adapters, comma-separated (the others finish)")
    .action(async (id: string | undefined, reasonArg: string | undefined, flags, command: Command) => {
      if (!flags.subject) {
        if (!id || !reasonArg)
          throw new InvalidArgumentError("hold needs <id> <reason>, or --subject with --reason", {
            details: { argument: "id" },
          });
        const { fanout } = await ctx.fanout(command);
        const status = await fanout.hold(id, reasonArg);
        if (ctx.globals(command).json) return printJson(ctx.io, status);
        return printLines(
          ctx.io,
          `${status.id}: held (${colourState(status.state, ctx.style)})`,
          ctx.style.dim("A running worker acts on it; `gdpr-fanout status <id>` follows it."),
        );
      }
      if (id !== undefined)
        throw new InvalidArgumentError("hold --subject takes the subject's options, not a request id", {
          details: { argument: "id" },
        });
      const subject = subjectFromFlags(flags);
      if (!flags.reason)
        throw new InvalidArgumentError("hold --subject needs --reason", { details: { argument: "reason" } });
      const adapters =
        flags.adapters === undefined
          ? undefined
          : String(flags.adapters)
              .split(",")
              .map((a: string) => a.trim())
              .filter(Boolean);
      const { fanout } = await ctx.fanout(command);
      const hold = await fanout.holdSubject(subject, {
        reason: flags.reason,
        ...(flags.reference !== undefined ? { reference: flags.reference } : {}),
        ...(adapters ? { adapters } : {}),
      });
      if (ctx.globals(command).json) return printJson(ctx.io, hold);
      printLines(
        ctx.io,
        `Placed subject hold ${ctx.style.bold(hold.id)}`,
        ...holdLines(hold),
        `  holds     ${hold.caught.length} open request(s)${hold.caught.length ? `: ${hold.caught.join(", ")}` : ""} and every future one`,
        ...(hold.pastPivot.length
          ? [ctx.style.yellow(`  past their pivot (beyond this hold): ${hold.pastPivot.join(", ")}`)]
          : []),
        ctx.style.dim(`Release it with \`gdpr-fanout release ${hold.id}\`.`),
      );
    });

  program
    .command("release")
    .description("release a legal hold: a request's (req_…) or a subject hold (hold_…)")
    .argument("<id>", "request id (req_…) or subject hold id (hold_…)")
    .action(async (id: string, _flags, command: Command) => {
      const { fanout } = await ctx.fanout(command);
      if (id.startsWith("hold_")) {
        const hold = await fanout.releaseHold(id);
        if (ctx.globals(command).json) return printJson(ctx.io, hold);
        return printLines(ctx.io, `Released subject hold ${ctx.style.bold(hold.id)}`, ...holdLines(hold));
      }
      const status = await fanout.release(id);
      if (ctx.globals(command).json) return printJson(ctx.io, status);
      printLines(
        ctx.io,
        `${status.id}: released (${colourState(status.state, ctx.style)})`,
        ctx.style.dim("A running worker acts on it; `gdpr-fanout status <id>` follows it."),
      );
    });

  subjectOptions(program.command("holds"))
    .description("list subject holds (all, or one subject's with --email/--phone/--id)")
    .option("--active", "only holds not released")
    .action(async (flags, command: Command) => {
      const hasSubject = flags.email !== undefined || flags.phone !== undefined || flags.id !== undefined;
      const subject = hasSubject ? subjectFromFlags(flags) : undefined;
      const { fanout } = await ctx.fanout(command);
      const holds = await fanout.holds({
        ...(subject ? { subject } : {}),
        ...(flags.active ? { active: true } : {}),
      });
      if (ctx.globals(command).json) return printJson(ctx.io, { items: holds });
      if (holds.length === 0) return printLines(ctx.io, "No subject holds match.");
      const rows = holds.map((h) => [
        h.id,
        h.subject,
        h.reference ?? "",
        h.adapters ? h.adapters.join(",") : "all",
        shortTime(h.placedAt),
        h.releasedAt ? shortTime(h.releasedAt) : ctx.style.yellow("active"),
      ]);
      printLines(
        ctx.io,
        ...table(["hold", "subject", "reference", "adapters", "placed", "released"], rows, ctx.style),
      );
    });
}

export function registerControl(program: Command, ctx: CommandContext): void {
  registerHolds(program, ctx);
  for (const spec of SPECS) {
    const command = program
      .command(spec.name)
      .description(spec.description)
      .argument("<id>", "request id (req_…)");
    if (spec.withReason)
      command.argument("<reason>", 'why, e.g. "police request 2026-118" (no personal data)');
    command.action(async (id: string, ...rest: unknown[]) => {
      const cmd = rest.at(-1) as Command;
      const reason = spec.withReason ? (rest[0] as string) : undefined;
      const { fanout } = await ctx.fanout(cmd);
      const status = await spec.run(fanout, id, reason);
      if (ctx.globals(cmd).json) {
        printJson(ctx.io, status);
        return;
      }
      printLines(
        ctx.io,
        `${status.id}: ${spec.done} (${colourState(status.state, ctx.style)})`,
        ctx.style.dim("A running worker acts on it; `gdpr-fanout status <id>` follows it."),
      );
    });
  }
}
