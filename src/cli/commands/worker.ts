/**
 * `gdpr-fanout worker`: checks the configuration (`fanout.check()`: refuses to start when it
 * fails), then runs requests until SIGINT/SIGTERM — or, with `--once`, until nothing is due, exiting
 * 7 when requests need attention (for cron jobs and CI). The config file's `on` handlers run on
 * its events.
 */
import type { Command } from "commander";
import { checkFailed } from "../../engine/check.js";
import { InvalidArgumentError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { printLines } from "../output.js";

export function registerWorker(program: Command, ctx: CommandContext): void {
  program
    .command("worker")
    .description("run requests: claims due work from the store until stopped (SIGINT/SIGTERM)")
    .option("--once", "work until nothing is due now, then exit")
    .option("--idle <ms>", "poll interval when nothing is due", "1000")
    .action(async (flags, command: Command) => {
      const idleMs = Number(flags.idle);
      if (!/^\d+$/.test(String(flags.idle)) || idleMs < 1 || idleMs > 3_600_000)
        throw new InvalidArgumentError("--idle must be a whole number of milliseconds from 1 to 3600000", {
          details: { argument: "idle" },
        });
      const json = ctx.globals(command).json;
      const { fanout } = await ctx.fanout(command);
      const s = ctx.style;
      // Events carry ids, fingerprints, codes and counts only: safe to print.
      fanout.on("*", (event) => {
        if (json) {
          ctx.io.stdout.write(`${JSON.stringify(event)}\n`);
          return;
        }
        const e = event as unknown as Record<string, unknown>;
        const parts = [s.dim(String(e.at).slice(11, 23)), String(e.requestId), String(e.type)];
        if (typeof e.adapter === "string") parts.push(e.adapter);
        if (typeof e.step === "string") parts.push(`${e.step}#${String(e.attempt ?? "")}`);
        if (typeof e.state === "string") parts.push(`→ ${e.state}`);
        if (typeof e.outcome === "string") parts.push(e.outcome);
        const error = e.error as { code?: string } | null | undefined;
        if (error?.code) parts.push(s.red(error.code));
        ctx.io.stdout.write(`${parts.join("  ")}\n`);
      });
      const report = await fanout.check();
      for (const a of report.adapters)
        for (const item of a.items)
          if (!json && (item.status === "warn" || item.status === "fail"))
            ctx.io.stderr.write(`${item.status}: ${a.adapter} ${item.name}: ${item.detail}\n`);
      if (!report.ok) throw checkFailed(report);
      if (flags.once) {
        await fanout.drain();
        const attention = await fanout.list({ state: "needs_attention", limit: 100 });
        if (attention.items.length > 0) {
          ctx.exitCode = EXIT.ATTENTION;
          const more = attention.nextCursor ? " or more" : "";
          const ids = attention.items
            .slice(0, 5)
            .map((r) => r.id)
            .join(", ");
          const message = `${attention.items.length}${more} request(s) need attention: ${ids}${attention.items.length > 5 ? ", …" : ""} (gdpr-fanout list --state needs_attention)`;
          if (json)
            ctx.io.stderr.write(`${JSON.stringify({ attention: attention.items.map((r) => r.id) })}\n`);
          else ctx.io.stderr.write(`${message}\n`);
          return;
        }
        if (!json) printLines(ctx.io, s.dim("idle: nothing more is due now"));
        return;
      }
      const stop = new AbortController();
      ctx.io.signal?.addEventListener("abort", () => stop.abort(), { once: true });
      if (!json) printLines(ctx.io, s.dim("worker running; Ctrl-C stops it after the current steps"));
      await fanout.run({
        signal: stop.signal,
        check: false, // done above
        ...(Number.isInteger(idleMs) && idleMs > 0 ? { idleMs } : {}),
      });
      if (!json) printLines(ctx.io, s.dim("worker stopped"));
    });
}
