/**
 * `defineConfig()`: types the `gdpr-fanout.config.{js,mjs,ts}` file the CLI loads — the
 * `createFanout` options, plus `on`, event handlers the CLI's worker runs (page someone when a
 * request becomes overdue or needs attention). It returns its argument unchanged.
 *
 * ```ts
 * import { defineConfig } from "gdpr-fanout";
 * export default defineConfig({
 *   adapters: [stripeAdapter({ apiKey: process.env.STRIPE_SECRET_KEY! })],
 *   on: { "request.needs_attention": (event) => pageOnCall(event.requestId) },
 * });
 * ```
 */
import type { FanoutEventName, FanoutEvents } from "./engine/events.js";
import type { FanoutOptions } from "./engine/types.js";

/** Any event, as a `"*"` listener or a config handler receives it (`type` says which). */
export type AnyFanoutEvent = {
  [E in FanoutEventName]: FanoutEvents[E] & { readonly type: E };
}[FanoutEventName];

/**
 * A handler declared in the config file. It may be async; the CLI waits for it before exiting a
 * one-shot command, and a handler that throws is reported on stderr without stopping anything.
 */
export type ConfigEventHandler = (event: AnyFanoutEvent) => unknown;

/** What a config file exports (or a function returns). */
export interface FanoutConfig extends FanoutOptions {
  /**
   * Event handlers by event name (`"request.needs_attention"`, `"request.overdue"`, … or `"*"`),
   * registered on every fanout the CLI creates from this file. Events carry ids, fingerprints,
   * codes and counts, never personal data: safe to forward to a pager or a chat.
   */
  on?: Readonly<Record<string, ConfigEventHandler>>;
}

/** Types a config file; returns `config` as it is. */
export function defineConfig<T extends FanoutConfig | (() => FanoutConfig | Promise<FanoutConfig>)>(
  config: T,
): T {
  return config;
}
