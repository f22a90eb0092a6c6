/**
 * Printing: JSON for scripts (`--json`), short aligned text for people, colour only on a terminal
 * without `NO_COLOR`. Nothing printed here ever contains a subject identifier: commands pass
 * fingerprints.
 */
import type { CliIo, CliStream } from "./io.js";

/** The global options every command understands. */
export interface GlobalOptions {
  readonly config?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** ANSI styling that turns itself off when the stream is not a terminal or `NO_COLOR` is set. */
export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

export function styleFor(stream: CliStream, env: CliIo["env"]): Style {
  const enabled = stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== "dumb";
  const wrap = (open: number, close: number) => (s: string) =>
    enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return {
    enabled,
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/** Writes one JSON document on its own line. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes lines of text. */
export function printLines(io: CliIo, ...lines: string[]): void {
  io.stdout.write(`${lines.join("\n")}\n`);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes to measure width
const ANSI = /\u001b\[[0-9;]*m/g;

/** Visible width of a string (ANSI codes do not count). */
export function visibleWidth(s: string): number {
  return s.replace(ANSI, "").length;
}

/** Cuts a line to `columns` visible characters, keeping ANSI codes intact (a wrapped line would break a redraw). */
export function fitWidth(s: string, columns: number): string {
  if (visibleWidth(s) <= columns) return s;
  let out = "";
  let seen = 0;
  for (let i = 0; i < s.length && seen < columns - 1; ) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching an ANSI colour code
    const code = s[i] === "\u001b" ? /^\u001b\[[0-9;]*m/.exec(s.slice(i)) : null;
    if (code) {
      out += code[0];
      i += code[0].length;
      continue;
    }
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    out += ch;
    i += ch.length;
    seen += 1;
  }
  return `${out}…\u001b[0m`;
}

/** Pads to a visible width. */
export function pad(s: string, width: number): string {
  return s + " ".repeat(Math.max(0, width - visibleWidth(s)));
}

/** Aligns rows into columns separated by two spaces. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  style?: Style,
): string[] {
  const widths = header.map((h, i) =>
    Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ""))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const head = line(header);
  return [style ? style.dim(head) : head, ...rows.map(line)];
}

/** `2026-11-28T14:03:00.000Z` → `2026-11-28 14:03` (UTC). */
export function shortTime(iso: string | null): string {
  if (!iso) return "-";
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** A short relative duration: `3.2s`, `14m`, `5h`, `12d`. */
export function humanDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  if (abs < 120_000) return `${Math.round(ms / 1000)}s`;
  if (abs < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  if (abs < 172_800_000) return `${Math.round(ms / 3_600_000)}h`;
  return `${Math.round(ms / 86_400_000)}d`;
}

/** Colours a request state. */
export function colourState(state: string, style: Style): string {
  if (state === "completed") return style.green(state);
  if (state === "needs_attention") return style.red(state);
  if (state === "held" || state === "compensating") return style.yellow(state);
  if (state === "withdrawn") return style.dim(state);
  return style.cyan(state);
}
