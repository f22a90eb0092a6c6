/** `gdpr-fanout demo`: the whole flow against local simulators, no credentials, no setup. */
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { parseDuration } from "../../duration.js";
import { InvalidArgumentError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { printJson } from "../output.js";

export function registerDemo(program: Command, ctx: CommandContext): void {
  program
    .command("demo")
    .description("run an export and an erasure against local provider simulators (no credentials needed)")
    .option("--dir <path>", "where to write the demo's files", "gdpr-fanout-demo")
    .option("--after <duration>", "retention window of the erasure", "3s")
    .option("--records <n>", "records of each kind to seed per provider", "4")
    .option("--latency <ms>", "latency the simulators add to every response", "15")
    .action(async (flags, command: Command) => {
      const afterMs = parseDuration(flags.after, "--after");
      if (afterMs > 30_000)
        throw new InvalidArgumentError("--after must be at most 30s in the demo", {
          details: { argument: "after" },
        });
      const records = Number(flags.records);
      const latencyMs = Number(flags.latency);
      if (!Number.isInteger(records) || records < 1 || records > 50)
        throw new InvalidArgumentError("--records must be a whole number from 1 to 50", {
          details: { argument: "records" },
        });
      if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 1000)
        throw new InvalidArgumentError("--latency must be 0 to 1000 ms", {
          details: { argument: "latency" },
        });
      const dir = resolve(ctx.io.cwd, flags.dir);
      await mkdir(dir, { recursive: true });
      const json = ctx.globals(command).json === true;
      const { runDemo } = await import("../demo/run-demo.js");
      const result = await runDemo(ctx.io, ctx.style, {
        dir,
        after: flags.after,
        records,
        latencyMs,
        json,
        timeoutMs: 50_000,
      });
      if (json) printJson(ctx.io, result);
      if (!result.ok) ctx.exitCode = ctx.io.signal?.aborted ? EXIT.INTERRUPTED : EXIT.FAILURE;
    });
}
