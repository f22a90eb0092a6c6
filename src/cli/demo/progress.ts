/**
 * Live progress per provider for the demo: on a terminal one block that redraws in place (a line
 * per provider with its saga phases); elsewhere plain lines, one each time a provider moves on.
 * Driven by `status()` snapshots, which carry fingerprints and codes only.
 */
import type { BranchStatus, RequestStatus } from "../../engine/types.js";
import { outcomeWords, waitingWords } from "../branch-words.js";
import type { CliStream } from "../io.js";
import { fitWidth, humanDuration, pad, type Style } from "../output.js";

const ERASE_PHASES = ["locate", "restrict", "wait", "delete", "verify"] as const;
const EXPORT_PHASES = ["locate", "export"] as const;
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Which phase a branch is in (its index in the phase list; `length` when finished). */
function phaseIndex(status: RequestStatus, b: BranchStatus): number {
  const phases: readonly string[] = status.kind === "erase" ? ERASE_PHASES : EXPORT_PHASES;
  if (b.state === "done" || b.state === "compensated") return phases.length;
  if (status.kind === "export") return b.step === "locate" ? 0 : 1;
  switch (b.step) {
    case "locate":
      return 0;
    case "restrict":
      return 1;
    case "relocate":
      return status.pivotAt === null ? 2 : 3;
    case "delete":
      return 3;
    case "verify":
      return 4;
    default:
      return 0;
  }
}

function branchText(status: RequestStatus, b: BranchStatus): string {
  if (b.outcome) return outcomeWords(b, (iso) => iso.slice(0, 10));
  if (b.state === "failed") return `failed at ${b.step}${b.error ? ` (${b.error.code})` : ""}`;
  if (b.state === "waiting_retry" && b.error) return `retrying ${b.step} (${b.error.code})`;
  if (b.state === "compensated") return "restriction undone";
  const phases: readonly string[] = status.kind === "erase" ? ERASE_PHASES : EXPORT_PHASES;
  const phase = phases[phaseIndex(status, b)] ?? b.step;
  if (phase === "wait") return status.state === "held" ? "held" : waitingWords(b);
  if (phase === "verify") return "verifying the provider's job";
  return `${phase}…`;
}

/** A block of progress lines for one request. */
export class ProgressBoard {
  #drawn = 0;
  #tick = 0;
  readonly #printed = new Map<string, string>();
  readonly #started = Date.now();

  constructor(
    readonly stream: CliStream,
    readonly style: Style,
    readonly tty: boolean,
  ) {}

  #header(status: RequestStatus, now: number): string {
    const s = this.style;
    let note = status.state as string;
    if (status.state === "waiting") {
      const left = Math.max(0, Date.parse(status.after) - now);
      note = `waiting: retention window ends in ${humanDuration(left)}`;
    }
    return `${s.bold(status.kind === "erase" ? "Erasure" : "Export")} ${status.id}  ${s.dim(status.subject)}  ${s.cyan(note)}`;
  }

  #line(status: RequestStatus, b: BranchStatus, width: number): string {
    const s = this.style;
    const phases: readonly string[] = status.kind === "erase" ? ERASE_PHASES : EXPORT_PHASES;
    const at = phaseIndex(status, b);
    const failed = b.state === "failed";
    const cells = phases.map((p, i) => {
      if (i < at) return s.green(`✓ ${p}`);
      if (i === at) {
        if (failed) return s.red(`✗ ${p}`);
        if (b.state === "waiting_retry" && b.error) return s.yellow(`↻ ${p}`);
        return s.cyan(`${SPINNER[this.#tick % SPINNER.length]} ${p}`);
      }
      return s.dim(`· ${p}`);
    });
    const records = b.records === null ? "" : s.dim(`${b.records} located`);
    const outcome = b.outcome
      ? (b.outcome === "failed" ? s.red : s.green)(branchText(status, b))
      : failed
        ? s.red(branchText(status, b))
        : "";
    return `  ${pad(b.adapter, width)}  ${cells.map((c) => pad(c, 11)).join(" ")}  ${pad(records, 11)} ${outcome}`;
  }

  /** Draws the request's current state (TTY: redraw; otherwise print what changed). */
  update(status: RequestStatus): void {
    const now = Date.now();
    this.#tick += 1;
    if (this.tty) {
      const width = Math.max(8, ...status.branches.map((b) => b.adapter.length));
      const lines = [this.#header(status, now), ...status.branches.map((b) => this.#line(status, b, width))];
      let out = this.#drawn > 0 ? `\u001b[${this.#drawn}A` : "";
      const columns = this.stream.columns ?? 120;
      for (const line of lines) out += `\r\u001b[2K${fitWidth(line, columns - 1)}\n`;
      this.stream.write(out);
      this.#drawn = lines.length;
      return;
    }
    const stamp = `[${(((now - this.#started) / 1000).toFixed(1) + "s").padStart(6)}]`;
    const stateKey = `request:${status.state}`;
    if (this.#printed.get("request") !== stateKey) {
      this.#printed.set("request", stateKey);
      const extra =
        status.state === "waiting" ? ` (retention window until ${status.after.slice(11, 19)} UTC)` : "";
      this.stream.write(`${stamp} ${status.id} ${status.state}${extra}\n`);
    }
    for (const b of status.branches) {
      const text = branchText(status, b);
      if (this.#printed.get(b.adapter) === text) continue;
      this.#printed.set(b.adapter, text);
      const records = b.records === null ? "" : ` (${b.records} located)`;
      this.stream.write(`${stamp}   ${b.adapter.padEnd(10)} ${text}${b.outcome ? records : ""}\n`);
    }
  }
}
