/** `withdraw`, `hold`, `release`, `retry`: the control plane of a request. */
import type { Command } from "commander";
import type { Fanout } from "../../engine/create-fanout.js";
import type { RequestStatus } from "../../engine/types.js";
import type { CommandContext } from "../context.js";
import { colourState, printJson, printLines } from "../output.js";

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
    name: "hold",
    description: "put a legal hold on an erasure: nothing is deleted until `release`",
    done: "held",
    withReason: true,
    run: (f, id, reason) => f.hold(id, reason ?? ""),
  },
  {
    name: "release",
    description: "release a legal hold",
    done: "released",
    run: (f, id) => f.release(id),
  },
  {
    name: "retry",
    description: "resume a request that needs attention from its failed steps",
    done: "retry requested",
    run: (f, id) => f.retry(id),
  },
];

export function registerControl(program: Command, ctx: CommandContext): void {
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
