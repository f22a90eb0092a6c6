/**
 * `gdpr-fanout sweep`: a retention sweep. Lists, at each adapter that answers the policy, the
 * records whose retention ran out and files one erasure per record (a worker carries them out);
 * `--dry-run` only counts them. Progress on a terminal; `--json` prints every sweep event as one
 * NDJSON line and the result last. Ctrl-C stops after the current batch: the next sweep resumes.
 */
import type { Command } from "commander";
import type { SweepPolicyKind } from "../../adapter.js";
import type { FanoutEventName } from "../../engine/events.js";
import type { CommandContext } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { printLines, table } from "../output.js";
import { SweepBoard } from "../sweep-progress.js";

const SWEEP_EVENTS: readonly FanoutEventName[] = [
  "sweep.started",
  "sweep.progress",
  "sweep.retrying",
  "sweep.adapter_done",
  "sweep.completed",
];

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerSweep(program: Command, ctx: CommandContext): void {
  program
    .command("sweep")
    .description("file an erasure for every record whose retention ran out (see docs/sweeps.md)")
    .requiredOption("--policy <policy>", "prospect (never a customer) or inactive (closed accounts)")
    .requiredOption("--older-than <period>", 'the retention period, e.g. "24mo", "2y", "90d"')
    .option("--dry-run", "count the expired records (fingerprints with --json); file nothing")
    .option("--adapter <id>", "sweep only this adapter (repeatable)", collect)
    .action(async (flags, command: Command) => {
      const json = ctx.globals(command).json === true;
      const { fanout } = await ctx.fanout(command);
      const board = json ? undefined : new SweepBoard(ctx.io.stdout, ctx.style, ctx.io.stdout.isTTY === true);
      const offs = SWEEP_EVENTS.map((name) =>
        fanout.on(name, (event) => {
          // Events carry counts, policies and fingerprints only: safe to print.
          if (json) ctx.io.stdout.write(`${JSON.stringify(event)}\n`);
          else if (event.type === "sweep.started") board?.start(event as never);
          else if (event.type === "sweep.progress") board?.progress(event as never);
          else if (event.type === "sweep.retrying") board?.retrying(event as never);
          else if (event.type === "sweep.adapter_done") board?.done(event as never);
        }),
      );
      const spin = board && ctx.io.stdout.isTTY ? setInterval(() => board.draw(), 120) : undefined;
      try {
        const result = await fanout.sweep({
          policy: flags.policy as SweepPolicyKind,
          olderThan: flags.olderThan,
          ...(flags.dryRun ? { dryRun: true } : {}),
          ...(flags.adapter ? { adapters: flags.adapter } : {}),
          ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
        });
        const parts = Object.entries(result.adapters);
        if (parts.some(([, p]) => p.state === "failed")) ctx.exitCode = EXIT.FAILURE;
        if (parts.some(([, p]) => p.state === "stopped")) ctx.exitCode = EXIT.INTERRUPTED;
        if (json) {
          ctx.io.stdout.write(`${JSON.stringify({ type: "result", ...result })}\n`);
          return;
        }
        const s = ctx.style;
        if (parts.length === 0) {
          printLines(ctx.io, s.dim(`No adapter answers the ${result.policy} policy (see docs/sweeps.md).`));
          return;
        }
        const rows = parts.map(([id, p]) => [
          id,
          p.state,
          String(p.found),
          result.dryRun ? "-" : String(p.filed),
          result.dryRun ? "-" : String(p.existing),
          String(p.held),
          String(p.unchecked),
          p.error?.code ?? "",
        ]);
        // A DPO must see both: records kept for a hold, and records no hold by email could reach.
        const notes = [
          ...(result.held > 0
            ? [
                `${s.bold(String(result.held))} not filed: a subject hold covers them (a later sweep files them once it is released).`,
              ]
            : []),
          ...(result.unchecked > 0
            ? [
                s.yellow(
                  `${result.unchecked} could not be checked against holds placed by email or phone (the adapter reports no identifiers; see docs/sweeps.md).`,
                ),
              ]
            : []),
        ];
        printLines(
          ctx.io,
          "",
          ...table(
            ["adapter", "state", "expired", "filed", "already", "held", "unchecked", "error"],
            rows,
            s,
          ),
          "",
          result.dryRun
            ? `${s.bold(String(result.found))} records past the cut-off ${result.olderThan.slice(0, 10)}; nothing filed (dry run).`
            : `${s.bold(String(result.filed))} erasure requests filed (${result.existing} already filed before).`,
          ...notes,
          s.dim(
            result.dryRun
              ? "Run without --dry-run to file them."
              : "Run `gdpr-fanout worker` to carry them out; `gdpr-fanout list` to follow them.",
          ),
        );
      } finally {
        clearInterval(spin);
        for (const off of offs) off();
      }
    });
}
