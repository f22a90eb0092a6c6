/** `gdpr-fanout worker`: runs requests until SIGINT/SIGTERM (or, with `--once`, until idle). */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../errors.js";
import type { CommandContext } from "../context.js";
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
      if (flags.once) {
        await fanout.drain();
        if (!json) printLines(ctx.io, s.dim("idle: nothing more is due now"));
        return;
      }
      const stop = new AbortController();
      ctx.io.signal?.addEventListener("abort", () => stop.abort(), { once: true });
      if (!json) printLines(ctx.io, s.dim("worker running; Ctrl-C stops it after the current steps"));
      await fanout.run({ signal: stop.signal, idleMs });
      if (!json) printLines(ctx.io, s.dim("worker stopped"));
    });
}
