#!/usr/bin/env node
/**
 * The `gdpr-fanout` executable. SIGINT/SIGTERM abort the running command (the worker finishes its
 * current steps); a second SIGINT exits at once.
 */
import { processIo } from "./io.js";
import { runCli } from "./program.js";

const stop = new AbortController();
let interrupts = 0;
for (const name of ["SIGINT", "SIGTERM"] as const) {
  process.on(name, () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    stop.abort();
  });
}

const code = await runCli(process.argv.slice(2), processIo(stop.signal));
process.exitCode = code;
// Sockets kept alive by provider SDKs must not hold the process open.
setTimeout(() => process.exit(code), 250).unref();
