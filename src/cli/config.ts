/**
 * The CLI's configuration: `gdpr-fanout.config.{js,mjs,ts}` in the working directory (or the file
 * given by `--config` / `GDPR_FANOUT_CONFIG`), whose default export is the `createFanout` options
 * object or a (possibly async) function returning it (`defineConfig` types it), plus `on`, event
 * handlers. Credentials belong in environment variables read by that file; the fanout secret may
 * come from `GDPR_FANOUT_SECRET`. A `.ts` config is loaded
 * through `tsx` when it is installed.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ConfigEventHandler, FanoutConfig } from "../config.js";
import type { FanoutOptions } from "../engine/types.js";
import { ConfigurationError } from "../errors.js";
import type { CliIo } from "./io.js";

/** The file names looked for, in this order. */
export const CONFIG_NAMES = ["gdpr-fanout.config.js", "gdpr-fanout.config.mjs", "gdpr-fanout.config.ts"];

/** A loaded configuration. */
export interface LoadedConfig {
  readonly path: string;
  readonly options: FanoutOptions;
  /** Event handlers declared in the file (`on`), by event name. */
  readonly handlers: Readonly<Record<string, ConfigEventHandler>>;
  /** Where the secret came from (`undefined`: neither the file nor GDPR_FANOUT_SECRET sets one). */
  readonly secretSource: "config" | "env" | undefined;
}

/** Finds the config file: `explicit`, then `GDPR_FANOUT_CONFIG`, then the names above in `cwd`. */
export function findConfig(io: CliIo, explicit: string | undefined): string {
  const given = explicit ?? io.env.GDPR_FANOUT_CONFIG;
  if (given) {
    const path = isAbsolute(given) ? given : resolve(io.cwd, given);
    if (!existsSync(path))
      throw new ConfigurationError(`Config file not found: ${given}`, { option: "config" });
    return path;
  }
  for (const name of CONFIG_NAMES) {
    const path = join(io.cwd, name);
    if (existsSync(path)) return path;
  }
  throw new ConfigurationError(
    "No gdpr-fanout.config.{js,mjs,ts} in this directory (pass --config <file>, or try `gdpr-fanout demo`)",
    { option: "config" },
  );
}

/**
 * The ESM entry of `tsx/esm/api`, found from the project (the working directory) first, then from
 * this package; `undefined` when tsx is not installed.
 */
export function findTsxApi(
  io: Pick<CliIo, "cwd">,
  bases = [join(io.cwd, "noop.js"), import.meta.url],
): string | undefined {
  for (const base of bases) {
    try {
      const manifest = createRequire(base).resolve("tsx/package.json");
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as {
        exports?: Record<string, { import?: string | { default?: string } }>;
      };
      const entry = pkg.exports?.["./esm/api"]?.import;
      const file = typeof entry === "string" ? entry : entry?.default;
      if (file) return join(dirname(manifest), file);
    } catch {
      // not installed there; try the next place
    }
  }
  return undefined;
}

async function importTs(path: string, io: CliIo): Promise<Record<string, unknown>> {
  const api = findTsxApi(io);
  if (!api)
    throw new ConfigurationError(
      "A .ts config needs tsx: run `npm install -D tsx`, or write gdpr-fanout.config.mjs instead",
      { option: "config" },
    );
  const { tsImport } = (await import(pathToFileURL(api).href)) as {
    tsImport(specifier: string, parent: string): Promise<Record<string, unknown>>;
  };
  return tsImport(pathToFileURL(path).href, import.meta.url);
}

/** Loads the config file and resolves its default export into `createFanout` options. */
export async function loadConfig(io: CliIo, explicit: string | undefined): Promise<LoadedConfig> {
  const path = findConfig(io, explicit);
  let mod: Record<string, unknown>;
  try {
    mod =
      extname(path) === ".ts" || extname(path) === ".mts"
        ? await importTs(path, io)
        : ((await import(pathToFileURL(path).href)) as Record<string, unknown>);
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigurationError(`Config file ${path} failed to load: ${why}`, {
      option: "config",
      cause: error,
    });
  }
  // tsx may wrap a CommonJS-looking module once more.
  let exported = mod.default;
  if (exported && typeof exported === "object" && "default" in exported && !("adapters" in exported))
    exported = (exported as { default: unknown }).default;
  if (exported === undefined)
    throw new ConfigurationError(
      `Config file ${path} has no default export (export default the createFanout options, or a function returning them)`,
      { option: "config" },
    );
  let options: unknown;
  try {
    options = typeof exported === "function" ? await (exported as () => unknown)() : exported;
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigurationError(`Config function in ${path} threw: ${why}`, {
      option: "config",
      cause: error,
    });
  }
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new ConfigurationError(
      `Config file ${path} must export an options object (or a function returning one)`,
      {
        option: "config",
      },
    );
  // The CLI runs the handlers itself (awaiting async ones before a command exits).
  const { on, ...given } = options as FanoutConfig;
  const handlers = eventHandlers(on, path);
  const envSecret = io.env.GDPR_FANOUT_SECRET;
  if (given.secret !== undefined) return { path, options: given, handlers, secretSource: "config" };
  if (envSecret) return { path, options: { ...given, secret: envSecret }, handlers, secretSource: "env" };
  return { path, options: given, handlers, secretSource: undefined };
}

/** Checks `on`: an object of functions keyed by event name. */
function eventHandlers(on: unknown, path: string): Readonly<Record<string, ConfigEventHandler>> {
  if (on === undefined) return {};
  if (typeof on !== "object" || on === null || Array.isArray(on))
    throw new ConfigurationError(`Config file ${path}: \`on\` must map event names to functions`, {
      option: "on",
    });
  for (const [name, handler] of Object.entries(on)) {
    if (typeof handler !== "function" || !/^(\*|[a-z_]+(\.[a-z_]+)+)$/.test(name))
      throw new ConfigurationError(
        `Config file ${path}: on["${name.slice(0, 60)}"] must be a function, keyed by an event name such as "request.needs_attention"`,
        { option: "on" },
      );
  }
  return on as Readonly<Record<string, ConfigEventHandler>>;
}
