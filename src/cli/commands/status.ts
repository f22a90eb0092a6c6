/** `gdpr-fanout status <id>`: a request's state and one line per provider branch. */
import type { Command } from "commander";
import type { RequestStatus } from "../../engine/types.js";
import { compensationWords, outcomeWords, waitingWords } from "../branch-words.js";
import type { CommandContext } from "../context.js";
import {
  colourState,
  humanDuration,
  printJson,
  printLines,
  type Style,
  shortTime,
  table,
} from "../output.js";
import { deadlineLines } from "./legal.js";

/** Text of one branch's progress. */
export function branchLine(b: RequestStatus["branches"][number], status: RequestStatus): string {
  if (b.outcome) return outcomeWords(b, shortTime);
  if (b.state === "failed") return `failed at ${b.step}${b.error ? `: ${b.error.code}` : ""}`;
  if (b.state === "waiting_retry")
    return `retrying ${b.step} (attempt ${b.attempt})${b.error ? `: ${b.error.code}` : ""}`;
  if (b.state === "compensated") return "restriction undone";
  if (b.awaitingPivot) return "held by a subject hold (restricted)";
  if (b.state === "ready" && b.step === "relocate" && status.pivotAt === null) return waitingWords(b);
  if (b.step === "renew") return "renewing the restriction before it expires";
  if (b.state === "ready") return `ready (${b.step} next)`;
  if (b.state === "done" && status.kind === "export") return "exported";
  return `${b.state} (${b.step})`;
}

/** The human rendering of a status. */
export function statusLines(status: RequestStatus, style: Style, now = Date.now()): string[] {
  const lines = [
    `${style.bold(status.id)}  ${status.kind}  ${colourState(status.state, style)}${status.overdue ? `  ${style.red("OVERDUE")}` : ""}`,
    `  subject   ${status.subject}`,
    `  created   ${shortTime(status.createdAt)} UTC`,
    `  due       ${shortTime(status.dueAt)} UTC${status.completedAt ? "" : ` (${Date.parse(status.dueAt) >= now ? "in " : ""}${humanDuration(Math.abs(Date.parse(status.dueAt) - now))}${Date.parse(status.dueAt) < now ? " ago" : ""})`}`,
  ];
  lines.push(...deadlineLines(status));
  if (status.kind === "erase") lines.push(`  erase at  ${shortTime(status.after)} UTC or later`);
  if (status.reason) lines.push(`  reason    ${status.reason}`);
  if (status.pivotAt) lines.push(`  pivot     ${shortTime(status.pivotAt)} UTC (no compensation after this)`);
  if (status.completedAt) lines.push(`  finished  ${shortTime(status.completedAt)} UTC`);
  if (status.hold) lines.push(`  ${style.yellow("held")}      ${status.hold}`);
  for (const h of status.holds)
    lines.push(
      `  ${style.yellow("held")}      subject hold ${h.id}${h.reference ? ` (${h.reference})` : ""} on ${h.adapters ? h.adapters.join(", ") : "every adapter"}: ${h.reason}`,
    );
  const r = status.restriction;
  if (r?.restrictedAt) lines.push(`  restricted ${shortTime(r.restrictedAt)} UTC (Art. 18), until lifted`);
  if (r?.lift)
    lines.push(
      `  lift      ${r.lift.reason}; subject told ${shortTime(r.lift.subjectInformedAt)} UTC by ${r.lift.informedBy}${r.lift.liftedAt ? `; lifted ${shortTime(r.lift.liftedAt)} UTC` : ""}`,
    );
  for (const k of status.retention.kept)
    lines.push(`  kept      ${k.adapter}: ${k.count} ${k.type} (${k.basis}) until ${shortTime(k.until)} UTC`);
  for (const f of status.retention.followUps)
    lines.push(`  scheduled ${f.requestId} erases them on ${shortTime(f.until)} UTC`);
  if (status.retention.retentionOf)
    lines.push(`  erases    what ${status.retention.retentionOf} kept on a legal basis`);
  if (status.withdrawRequested) lines.push(`  withdrawal requested`);
  if (status.attention)
    lines.push(`  ${style.red("attention")} ${status.attention.code}: ${status.attention.message}`);
  const rows = status.branches.map((b) => [
    b.adapter,
    b.records === null ? "-" : String(b.records),
    branchLine(b, status),
    compensationWords(b),
  ]);
  lines.push("", ...table(["adapter", "records", "progress", ""], rows, style).map((l) => `  ${l}`));
  const notes = branchNotes(status);
  if (notes.length > 0) lines.push("", ...notes);
  return lines;
}

/** What each branch searched and what remains: the truth behind the outcomes, in words. */
function branchNotes(status: RequestStatus): string[] {
  const lines: string[] = [];
  for (const b of status.branches) {
    if (b.coverage && b.coverage.notSearched.length > 0)
      lines.push(`  ${b.adapter}: not searched by ${b.coverage.notSearched.join(", ")} (the adapter cannot)`);
    if (b.coverage === null && b.outcome && b.reasonCode === null)
      lines.push(`  ${b.adapter}: the adapter did not report what it searched`);
    for (const r of [...b.residuals, ...(b.compensation?.notUndone ?? [])]) {
      const until = r.until ? ` until ${shortTime(r.until)}` : "";
      lines.push(`  ${b.adapter}: ${r.count} ${r.type} remain (${r.reason}${until}): ${r.detail}`);
    }
  }
  if (status.purge.pending && status.purge.dueBy)
    lines.push(`  purges pending: the last is due ${shortTime(status.purge.dueBy)} UTC, then checked`);
  return lines;
}

export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command("status")
    .description("show a request: its state, due date and one line per provider")
    .argument("<id>", "request id (req_…)")
    .action(async (id: string, _flags, command: Command) => {
      const { fanout } = await ctx.fanout(command);
      const status = await fanout.status(id);
      if (ctx.globals(command).json) printJson(ctx.io, status);
      else printLines(ctx.io, ...statusLines(status, ctx.style));
    });
}
