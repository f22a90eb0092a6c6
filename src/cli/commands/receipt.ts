/**
 * `gdpr-fanout receipt`: a request's signed receipt, and its verification — with this fanout's keys,
 * or with nothing but a public key (`--public-key`), as a regulator or an auditor would.
 * `gdpr-fanout public-key` prints the key to hand them.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { type Receipt, type ReceiptVerification, verifyReceipt } from "../../engine/receipt.js";
import { FanoutError, InvalidArgumentError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { EXIT } from "../exit-codes.js";
import { printJson, printLines, shortTime, table } from "../output.js";

async function readText(path: string, cwd: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, path), "utf8");
  } catch {
    throw new FanoutError("NOT_FOUND", `Cannot read ${what} file ${path}`, { retryable: false });
  }
}

function deadlineWords(r: Receipt): string {
  if (r.deadlineMet === true) return "deadline met";
  if (r.deadlineMet === false)
    return r.answeredInTime === false ? "deadline MISSED" : "deadline MISSED (purge late)";
  return "answered in time; deadline not yet known (a provider purge is pending)";
}

/** Human lines of a receipt. */
export function receiptLines(r: Receipt): string[] {
  const rows = r.branches.map((b) => [
    b.adapter,
    b.reasonCode ? `${b.outcome} (${b.reasonCode})` : b.outcome,
    String(b.records),
    String(b.deleted),
    b.coverage ? b.coverage.searchedBy.join("+") || "nothing" : "not reported",
    b.purge ? `${b.purge.state} ${shortTime(b.purge.dueBy)}` : b.eta ? shortTime(b.eta) : "-",
    String((b.residuals ?? []).reduce((n, x) => n + x.count, 0)),
  ]);
  const residuals = r.branches.flatMap((b) =>
    (b.residuals ?? []).map(
      (x) =>
        `  ${b.adapter}: ${x.count} ${x.type} remain (${x.reason}${x.until ? ` until ${shortTime(x.until)}` : ""}): ${x.detail}`,
    ),
  );
  const answered = r.answeredAt ?? r.completedAt;
  return [
    `Receipt of ${r.kind} request ${r.requestId}${r.state === "withdrawn" ? " (withdrawn: closing record)" : ""}`,
    `  subject    ${r.subject}`,
    `  answered   ${shortTime(answered)} UTC (due ${shortTime(r.dueAt)}: ${deadlineWords(r)})`,
    ...(r.purge?.dueBy
      ? [
          `  purges     ${r.purge.pending ? `pending, the last due ${shortTime(r.purge.dueBy)}` : r.purge.verifiedAt ? `verified ${shortTime(r.purge.verifiedAt)}` : "not confirmed"}`,
        ]
      : []),
    ...(r.reason ? [`  reason     ${r.reason}`] : []),
    ...(r.tenant ? [`  tenant     ${r.tenant}`] : []),
    ...(r.scope === "integration" ? ["  scope      integration (only what the integration wrote)"] : []),
    ...(r.instruction
      ? [`  instructed ${r.instruction.reference} (${shortTime(r.instruction.at)} UTC, by the controller)`]
      : []),
    `  audit      ${r.audit.entries} entries, head ${r.audit.head.slice(0, 16)}…`,
    `  signature  ${r.signature.alg} key ${r.signature.keyId}`,
    "",
    ...table(["adapter", "outcome", "records", "deleted", "searched by", "purge", "residuals"], rows).map(
      (l) => `  ${l}`,
    ),
    ...(residuals.length > 0 ? ["", "What remains, and why:", ...residuals] : []),
  ];
}

export function registerReceipt(program: Command, ctx: CommandContext): void {
  program
    .command("receipt")
    .description("print a request's signed receipt, or --verify one")
    .argument("[id]", "request id (req_…)")
    .option("--verify", "check the signature (and the audit chain, when the request is in this store)")
    .option("--file <path>", "read the receipt from a file instead of the store (with --verify)")
    .option(
      "--public-key <file>",
      "verify with this public key alone (PEM, from `gdpr-fanout public-key`): no config, store or secret needed",
    )
    .action(async (id: string | undefined, flags, command: Command) => {
      if (!id && !flags.file)
        throw new InvalidArgumentError("Give a request id, or --verify --file <receipt.json>", {
          details: { argument: "id" },
        });
      if (flags.file && !flags.verify)
        throw new InvalidArgumentError("--file is for --verify", { details: { argument: "file" } });
      if (flags.publicKey && !(flags.verify && flags.file))
        throw new InvalidArgumentError("--public-key is for --verify --file <receipt.json>", {
          details: { argument: "public-key" },
        });
      const json = ctx.globals(command).json;
      // The file's text is verified as it is: a key written twice is refused, not silently resolved.
      const text = flags.file ? await readText(flags.file, ctx.io.cwd, "receipt") : undefined;
      let result: ReceiptVerification & { auditValid?: boolean };
      let receipt: unknown;
      if (flags.publicKey) {
        const publicKey = await readText(flags.publicKey, ctx.io.cwd, "public key");
        result = verifyReceipt(text, { publicKey });
        receipt = safeParse(text!);
      } else {
        const { fanout } = await ctx.fanout(command);
        receipt = text !== undefined ? safeParse(text) : await fanout.receipt(id!);
        if (!flags.verify) {
          if (json) printJson(ctx.io, receipt);
          else printLines(ctx.io, ...receiptLines(receipt as Receipt));
          return;
        }
        result = await fanout.verifyReceipt(text ?? receipt);
      }
      const ok = result.valid && result.auditValid !== false;
      if (!ok) ctx.exitCode = EXIT.VERIFY_FAILED;
      const requestId = (receipt as Partial<Receipt> | null)?.requestId ?? null;
      if (json) {
        printJson(ctx.io, { requestId, ...result, verified: ok });
        return;
      }
      const s = ctx.style;
      if (ok) {
        const chain =
          result.auditValid === undefined
            ? flags.publicKey
              ? "checked with the public key alone (the audit chain is not checked)"
              : "audit chain not in this store"
            : "audit chain intact and matching";
        printLines(
          ctx.io,
          `${s.green("valid")}: receipt of ${requestId}: signature checks (${result.keyId}), ${chain}`,
        );
      } else {
        const why = !result.valid
          ? (result.reason ?? "invalid")
          : "the audit chain does not match the receipt";
        printLines(ctx.io, `${s.red("NOT valid")}: receipt of ${requestId ?? "?"}: ${why}`);
      }
    });
  program
    .command("public-key")
    .description("print the public key that verifies this fanout's receipts (PEM), to hand to an auditor")
    .action(async (_flags, command: Command) => {
      const { fanout } = await ctx.fanout(command);
      const pem = fanout.publicKey();
      if (ctx.globals(command).json) printJson(ctx.io, { publicKey: pem });
      else ctx.io.stdout.write(pem);
    });
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
