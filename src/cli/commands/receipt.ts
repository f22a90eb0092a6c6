/** `gdpr-fanout receipt`: a completed request's signed receipt, and its verification. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { Receipt } from "../../engine/receipt.js";
import { FanoutError, InvalidArgumentError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines, shortTime, table } from "../output.js";

async function readReceiptFile(path: string, cwd: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch {
    throw new FanoutError("NOT_FOUND", `Cannot read receipt file ${path}`, { retryable: false });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`Receipt file ${path} is not JSON`, { details: { argument: "file" } });
  }
}

/** Human lines of a receipt. */
export function receiptLines(r: Receipt): string[] {
  const rows = r.branches.map((b) => [
    b.adapter,
    b.outcome,
    String(b.records),
    String(b.deleted),
    b.eta ? shortTime(b.eta) : "-",
    b.jobs.map((j) => j.id).join(", ") || "-",
  ]);
  return [
    `Receipt of ${r.kind} request ${r.requestId}`,
    `  subject    ${r.subject}`,
    `  completed  ${shortTime(r.completedAt)} UTC (due ${shortTime(r.dueAt)}: deadline ${r.deadlineMet ? "met" : "MISSED"})`,
    ...(r.reason ? [`  reason     ${r.reason}`] : []),
    `  audit      ${r.audit.entries} entries, head ${r.audit.head.slice(0, 16)}…`,
    `  signature  ${r.signature.alg} key ${r.signature.keyId}`,
    "",
    ...table(["adapter", "outcome", "records", "deleted", "purged by", "provider jobs"], rows).map(
      (l) => `  ${l}`,
    ),
  ];
}

export function registerReceipt(program: Command, ctx: CommandContext): void {
  program
    .command("receipt")
    .description("print a completed request's signed receipt, or --verify one")
    .argument("[id]", "request id (req_…)")
    .option("--verify", "check the signature (and the audit chain, when the request is in this store)")
    .option("--file <path>", "read the receipt from a file instead of the store (with --verify)")
    .action(async (id: string | undefined, flags, command: Command) => {
      if (!id && !flags.file)
        throw new InvalidArgumentError("Give a request id, or --verify --file <receipt.json>", {
          details: { argument: "id" },
        });
      if (flags.file && !flags.verify)
        throw new InvalidArgumentError("--file is for --verify", { details: { argument: "file" } });
      const json = ctx.globals(command).json;
      const { fanout } = await ctx.fanout(command);
      const receipt = flags.file ? await readReceiptFile(flags.file, ctx.io.cwd) : await fanout.receipt(id!);
      if (!flags.verify) {
        if (json) printJson(ctx.io, receipt);
        else printLines(ctx.io, ...receiptLines(receipt as Receipt));
        return;
      }
      const result = await fanout.verifyReceipt(receipt);
      const ok = result.valid && result.auditValid !== false;
      if (!ok) ctx.exitCode = EXIT.VERIFY_FAILED;
      const requestId = (receipt as Partial<Receipt>).requestId ?? null;
      if (json) {
        printJson(ctx.io, { requestId, ...result, verified: ok });
        return;
      }
      const s = ctx.style;
      if (ok) {
        const chain =
          result.auditValid === undefined
            ? "audit chain not in this store"
            : "audit chain intact and matching";
        printLines(ctx.io, `${s.green("valid")}: receipt of ${requestId}: signature checks, ${chain}`);
      } else {
        const why = !result.valid
          ? (result.reason ?? "invalid")
          : "the audit chain does not match the receipt";
        printLines(ctx.io, `${s.red("NOT valid")}: receipt of ${requestId ?? "?"}: ${why}`);
      }
    });
}
