/**
 * `gdpr-fanout list`: requests, newest first, filtered by state, kind, overdue — or by person
 * (`--email`/`--phone`/`--id`, or `--subject` with a fingerprint): the subject is fingerprinted and
 * matched against the store; only request ids, states and fingerprints are printed, never the
 * identifier given.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../../errors.js";
import { REQUEST_KINDS, REQUEST_STATES, type RequestKind, type RequestState } from "../../store/types.js";
import type { CommandContext } from "../context.js";
import { colourState, printJson, printLines, shortTime, table } from "../output.js";
import { subjectFromFlags, subjectOptions } from "../subject-args.js";

/** Every request state (for `--state`). */
export const STATES: readonly RequestState[] = REQUEST_STATES;

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError(`${name} must be a whole number from 1 to 1000`, {
      details: { argument: name },
    });
  return n;
}

export function registerList(program: Command, ctx: CommandContext): void {
  subjectOptions(program.command("list"))
    .description("list requests, newest first (--email/--phone/--id: only that person's, by fingerprint)")
    .option("--state <state>", `only requests in this state (${STATES.join(", ")})`)
    .option("--kind <kind>", "only erase, export or restrict requests")
    .option("--subject <fingerprint>", "only this subject's requests (its sub_… fingerprint)")
    .option("--overdue", "only open requests past their due date")
    .option("--limit <n>", "at most this many (1-1000)", "50")
    .option("--cursor <cursor>", "continue after a previous page (nextCursor)")
    .action(async (flags, command: Command) => {
      if (flags.state !== undefined && !STATES.includes(flags.state))
        throw new InvalidArgumentError(`--state must be one of ${STATES.join(", ")}`, {
          details: { argument: "state" },
        });
      if (flags.kind !== undefined && !REQUEST_KINDS.includes(flags.kind))
        throw new InvalidArgumentError(`--kind must be one of ${REQUEST_KINDS.join(", ")}`, {
          details: { argument: "kind" },
        });
      if (flags.subject !== undefined && !/^sub_[0-9a-f]{32}$/.test(flags.subject))
        throw new InvalidArgumentError("--subject must be a subject fingerprint (sub_…)", {
          details: { argument: "subject" },
        });
      const limit = positive(flags.limit, "--limit");
      const bySubject = flags.email !== undefined || flags.phone !== undefined || flags.id !== undefined;
      if (bySubject && flags.subject !== undefined)
        throw new InvalidArgumentError("give --subject or --email/--phone/--id, not both", {
          details: { argument: "subject" },
        });
      const subject = bySubject ? subjectFromFlags(flags) : undefined;
      const { fanout } = await ctx.fanout(command);
      const page = await fanout.list({
        limit,
        ...(subject ? { subject } : {}),
        ...(flags.state ? { state: flags.state as RequestState } : {}),
        ...(flags.kind ? { kind: flags.kind as RequestKind } : {}),
        ...(flags.subject ? { subject: flags.subject } : {}),
        ...(flags.overdue ? { overdue: true } : {}),
        ...(flags.cursor ? { cursor: flags.cursor } : {}),
      });
      if (ctx.globals(command).json) {
        printJson(ctx.io, page);
        return;
      }
      const s = ctx.style;
      if (page.items.length === 0) {
        printLines(ctx.io, subject || flags.subject ? "No requests for this subject." : "No requests match.");
        return;
      }
      const rows = page.items.map((r) => [
        r.id,
        r.kind,
        colourState(r.state, s),
        r.subject,
        shortTime(r.receivedAt ?? r.createdAt),
        shortTime(r.dueAt),
        [r.overdue ? s.red("OVERDUE") : "", r.retentionOf ? `erases what ${r.retentionOf} kept` : ""]
          .filter(Boolean)
          .join(" "),
      ]);
      printLines(ctx.io, ...table(["id", "kind", "state", "subject", "received", "due", ""], rows, s));
      if (page.nextCursor) printLines(ctx.io, s.dim(`more: gdpr-fanout list --cursor ${page.nextCursor}`));
    });
}
