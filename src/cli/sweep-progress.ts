/**
 * Progress of `gdpr-fanout sweep`: on a terminal one block redrawn in place, a line per adapter
 * with a bar of what its listing yielded so far (filed, already filed) and its state; elsewhere a
 * plain line when an adapter finishes. A listing is streamed, so there is no total to fill a bar
 * towards: the bar grows with the candidates and turns green when the adapter is done. Driven by
 * sweep events, which carry counts only.
 */
import type { FanoutEvents } from "../engine/events.js";
import type { CliStream } from "./io.js";
import { fitWidth, pad, type Style } from "./output.js";

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const BAR = 24;

interface Row {
  found: number;
  filed: number;
  existing: number;
  held: number;
  state: "listing" | "retrying" | FanoutEvents["sweep.adapter_done"]["state"];
  code: string | null;
}

export class SweepBoard {
  readonly #rows = new Map<string, Row>();
  #drawn = 0;
  #tick = 0;
  #dryRun = false;

  constructor(
    readonly stream: CliStream,
    readonly style: Style,
    readonly tty: boolean,
  ) {}

  start(event: FanoutEvents["sweep.started"]): void {
    this.#dryRun = event.dryRun;
    for (const adapter of event.adapters) {
      this.#rows.set(adapter, { found: 0, filed: 0, existing: 0, held: 0, state: "listing", code: null });
    }
    const what = event.dryRun ? "Dry run of the" : "Sweeping with the";
    const resumed = event.resumed.length > 0 ? ` (resuming ${event.resumed.join(", ")})` : "";
    this.stream.write(
      `${what} ${this.style.bold(event.policy)} policy, cut-off ${event.olderThan.slice(0, 10)}${resumed}\n`,
    );
    this.draw();
  }

  progress(event: FanoutEvents["sweep.progress"]): void {
    const row = this.#rows.get(event.adapter);
    if (!row) return;
    Object.assign(row, {
      found: event.found,
      filed: event.filed,
      existing: event.existing,
      held: event.held,
      state: "listing",
      code: null,
    });
    this.draw();
  }

  retrying(event: FanoutEvents["sweep.retrying"]): void {
    const row = this.#rows.get(event.adapter);
    if (!row) return;
    Object.assign(row, { state: "retrying", code: event.error.code });
    this.draw();
  }

  done(event: FanoutEvents["sweep.adapter_done"]): void {
    const row = this.#rows.get(event.adapter);
    if (!row) return;
    Object.assign(row, {
      found: event.found,
      filed: event.filed,
      existing: event.existing,
      held: event.held,
      state: event.state,
      code: event.error?.code ?? null,
    });
    if (this.tty) this.draw();
    else this.stream.write(`${this.#line(event.adapter, row)}\n`);
  }

  #line(adapter: string, row: Row): string {
    const s = this.style;
    const width = Math.max(0, ...[...this.#rows.keys()].map((k) => k.length));
    const finished = row.state !== "listing" && row.state !== "retrying";
    const mark = !finished
      ? s.cyan(SPINNER[this.#tick % SPINNER.length]!)
      : row.state === "completed"
        ? s.green("✓")
        : row.state === "busy"
          ? s.yellow("•")
          : s.red("✗");
    // A log scale: a few candidates show, a hundred thousand do not overflow.
    const filled = Math.min(BAR, Math.round(Math.log10(row.found + 1) * 4.8));
    const bar = `${"█".repeat(filled)}${"░".repeat(BAR - filled)}`;
    const held = row.held > 0 ? `, ${row.held} held` : "";
    const counts = this.#dryRun
      ? `${row.found} expired${held}`
      : `${row.found} expired, ${row.filed} filed, ${row.existing} already filed${held}`;
    const state =
      row.state === "retrying"
        ? s.yellow(`retrying (${row.code})`)
        : row.state === "failed"
          ? s.red(`failed (${row.code ?? "error"})`)
          : row.state === "busy"
            ? s.yellow("another sweep of this policy holds it")
            : row.state === "listing"
              ? s.dim("listing…")
              : row.state;
    return `${mark} ${pad(adapter, width)}  ${finished && row.state === "completed" ? s.green(bar) : bar}  ${counts}  ${state}`;
  }

  /** Redraws the block (terminal only). */
  draw(): void {
    if (!this.tty) return;
    this.#tick += 1;
    const columns = this.stream.columns ?? 100;
    const lines = [...this.#rows].map(([adapter, row]) => fitWidth(this.#line(adapter, row), columns));
    const up = this.#drawn > 0 ? `\u001b[${this.#drawn}F` : "";
    this.stream.write(`${up}${lines.map((l) => `\u001b[2K${l}`).join("\n")}\n`);
    this.#drawn = lines.length;
  }
}
