/**
 * The config file's `on` handlers, attached to a fanout the CLI created: each event is handed to
 * its handler (and `"*"`'s); a handler's promise is tracked so a one-shot command waits for it
 * before exiting, and a handler that throws or rejects is reported on stderr in one line — it
 * never stops the worker.
 */
import type { ConfigEventHandler } from "../config.js";
import type { Fanout } from "../engine/create-fanout.js";
import type { FanoutEventName } from "../engine/events.js";
import { scrubText } from "../redact.js";
import type { CliIo } from "./io.js";

/** How long a command waits for handlers still running when it ends. */
const SETTLE_MS = 10_000;

export class EventHandlers {
  readonly #pending = new Set<Promise<unknown>>();

  constructor(private readonly io: CliIo) {}

  /** Registers every handler on `fanout`; any event name is accepted (new ones included). */
  attach(fanout: Fanout, handlers: Readonly<Record<string, ConfigEventHandler>>): void {
    for (const [name, handler] of Object.entries(handlers)) {
      fanout.on(name as FanoutEventName, (event) => {
        const report = (error: unknown) => {
          const why = scrubText(error instanceof Error ? error.message : String(error)).split("\n")[0];
          this.io.stderr.write(`gdpr-fanout: the config's handler for ${name} failed: ${why}\n`);
        };
        try {
          const result = (handler as (e: unknown) => unknown)(event);
          if (result instanceof Promise) {
            const tracked = result.catch(report).finally(() => this.#pending.delete(tracked));
            this.#pending.add(tracked);
          }
        } catch (error) {
          report(error);
        }
      });
    }
  }

  /** Waits (bounded) for handlers still running. */
  async settle(): Promise<void> {
    if (this.#pending.size === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SETTLE_MS);
      timer.unref?.();
    });
    await Promise.race([Promise.allSettled([...this.#pending]), bound]);
    clearTimeout(timer);
  }
}
