/**
 * What every command gets: the io, its global options, a lazily created fanout from the config
 * file (closed by `runCli` when the command ends) and the exit code it wants.
 */
import type { Command } from "commander";
import { createFanout, type Fanout } from "../engine/create-fanout.js";
import { type LoadedConfig, loadConfig } from "./config.js";
import { EventHandlers } from "./event-handlers.js";
import { EXIT } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { type GlobalOptions, type Style, styleFor } from "./output.js";

/** Shared by every command of one `runCli` call. */
export class CommandContext {
  exitCode: number = EXIT.OK;
  readonly style: Style;
  readonly #open: Fanout[] = [];
  readonly #handlers: EventHandlers;

  constructor(readonly io: CliIo) {
    this.style = styleFor(io.stdout, io.env);
    this.#handlers = new EventHandlers(io);
  }

  /** The global options as seen from `command` (they may appear before or after its name). */
  globals(command: Command): GlobalOptions {
    return command.optsWithGlobals() as GlobalOptions;
  }

  /** Loads the config file and creates the fanout it describes. */
  async fanout(command: Command): Promise<{ fanout: Fanout; config: LoadedConfig }> {
    const g = this.globals(command);
    // Without a secret (config or GDPR_FANOUT_SECRET) createFanout refuses, saying what to set.
    const config = await loadConfig(this.io, g.config);
    const fanout = createFanout(config.options);
    this.#handlers.attach(fanout, config.handlers);
    this.#open.push(fanout);
    return { fanout, config };
  }

  /** Closes every fanout opened by the command. */
  async close(): Promise<void> {
    await this.#handlers.settle();
    await Promise.allSettled(this.#open.splice(0).map((f) => f.close()));
  }
}
