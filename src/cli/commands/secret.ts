/** `gdpr-fanout secret`: prints a fresh fanout secret (needs no config file). */
import type { Command } from "commander";
import { generateSecret, MIN_SECRET_LENGTH } from "../../engine/secrets.js";
import type { CommandContext } from "../context.js";
import { printJson, printLines } from "../output.js";

export function registerSecret(program: Command, ctx: CommandContext): void {
  program
    .command("secret")
    .description(
      `print a fresh random secret for GDPR_FANOUT_SECRET (32 bytes, base64url; at least ${MIN_SECRET_LENGTH} characters are required)`,
    )
    .action((_flags, command: Command) => {
      const secret = generateSecret();
      if (ctx.globals(command).json) printJson(ctx.io, { secret });
      else printLines(ctx.io, secret);
    });
}
