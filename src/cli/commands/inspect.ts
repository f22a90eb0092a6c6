/**
 * `gdpr-fanout inspect <subject>`: where this person's data is right now — a live, read-only
 * lookup at every provider (nothing recorded). Prints counts per record type, never a value.
 */
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { printJson, printLines, table } from "../output.js";
import { subjectFromFlags, subjectOptions } from "../subject-args.js";

export function registerInspect(program: Command, ctx: CommandContext): void {
  subjectOptions(program.command("inspect"))
    .description("where is this person's data now: a read-only lookup at every provider (records nothing)")
    .action(async (flags, command: Command) => {
      const subject = subjectFromFlags(flags);
      const { fanout } = await ctx.fanout(command);
      const results = await fanout.inspect(subject);
      if (ctx.globals(command).json) {
        printJson(ctx.io, { adapters: results });
      } else {
        const s = ctx.style;
        const rows = results.map((r) => [
          r.adapter,
          r.records === null ? s.red("?") : String(r.records),
          r.error
            ? s.red(`${r.error.code}: ${r.error.message}`)
            : Object.entries(r.byType)
                .map(([type, n]) => `${n} ${type}`)
                .join(", ") || s.dim("nothing found"),
        ]);
        printLines(ctx.io, ...table(["adapter", "records", "what"], rows, s));
      }
      if (results.some((r) => r.error)) ctx.exitCode = 1;
    });
}
