/**
 * `gdpr-fanout doctor`: can this configuration work? The store, the secret against the store, and
 * each adapter's check (SDK installed, credential accepted, permissions, provider features).
 * Read-only. Exit 0 when nothing fails (warnings included), 5 when something does.
 */
import type { Command } from "commander";
import type { CheckItem } from "../../adapter.js";
import type { CommandContext } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines, type Style } from "../output.js";

function mark(item: CheckItem, s: Style): string {
  if (item.status === "ok") return s.green("ok  ");
  if (item.status === "warn") return s.yellow("warn");
  if (item.status === "fail") return s.red("FAIL");
  return s.dim("skip");
}

export function registerDoctor(program: Command, ctx: CommandContext): void {
  program
    .command("doctor")
    .description(
      "check the configuration: store, secret, SDKs installed, credentials accepted, provider features",
    )
    .action(async (_flags, command: Command) => {
      const { fanout } = await ctx.fanout(command);
      const report = await fanout.check();
      ctx.exitCode = report.ok ? EXIT.OK : EXIT.CONFIGURATION;
      if (ctx.globals(command).json) {
        printJson(ctx.io, report);
        return;
      }
      const s = ctx.style;
      const line = (scope: string, item: CheckItem) => `${mark(item, s)}  ${scope.padEnd(24)} ${item.detail}`;
      const lines = [line("store", report.store), line("secret", report.secret)];
      for (const a of report.adapters) {
        for (const item of a.items)
          lines.push(line(`${a.adapter} ${item.name}${a.optional ? " (optional)" : ""}`, item));
      }
      lines.push(
        "",
        report.ok
          ? s.green("Ready: the worker can run.")
          : s.red("Not ready: fix what FAILs (the worker refuses to start until then)."),
      );
      printLines(ctx.io, ...lines);
    });
}
