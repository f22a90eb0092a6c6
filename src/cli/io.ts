/**
 * Where the CLI writes and what it reads from its surroundings. `main.ts` passes the process's own;
 * tests pass buffers, a working directory and an environment of their own.
 */

/** A stream the CLI writes text to. */
export interface CliStream {
  write(text: string): unknown;
  /** True for a terminal: progress redraws in place instead of printing lines. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** The CLI's surroundings. */
export interface CliIo {
  readonly stdout: CliStream;
  readonly stderr: CliStream;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on SIGINT/SIGTERM (the worker and the demo stop cleanly). */
  readonly signal?: AbortSignal;
}

/** The process's own streams, directory and environment. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    ...(signal ? { signal } : {}),
  };
}
