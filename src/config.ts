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
import type { FanoutEventHandler } from "./engine/events.js";
import type { FanoutOptions } from "./engine/types.js";

export type { AnyFanoutEvent } from "./engine/events.js";

/**
 * A handler declared in the config file. It may be async; the CLI waits for it before exiting a
 * one-shot command, and a handler that throws is reported on stderr without stopping anything.
 */
export type ConfigEventHandler = FanoutEventHandler;

/**
 * What a config file exports (or a function returns): the `createFanout` options, `on` included
 * (its handlers are registered on every fanout the CLI creates from the file). The same object can
 * be passed to `createFanout` in your backend.
 */
export type FanoutConfig = FanoutOptions;

/** Types a config file; returns `config` as it is. */
export function defineConfig<T extends FanoutConfig | (() => FanoutConfig | Promise<FanoutConfig>)>(
  config: T,
): T {
  return config;
}
