/**
 * The logging contract: anything pino-compatible (`logger.info(obj, msg)` and friends, optional
 * `child`). The library only ever logs codes, ids, fingerprints and counts — never a subject's
 * identifiers, exported data or credentials.
 */

/** A pino-compatible logger. `console` is not one (its argument order differs); wrap it. */
export interface Logger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
  child?(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops everything: the default. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/** `logger.child(bindings)` where supported, else a wrapper that merges the bindings. */
export function childLogger(logger: Logger, bindings: Record<string, unknown>): Logger {
  if (typeof logger.child === "function") return logger.child(bindings);
  const merge = (obj: Record<string, unknown>) => ({ ...bindings, ...obj });
  return {
    debug: (obj, msg) => logger.debug(merge(obj), msg),
    info: (obj, msg) => logger.info(merge(obj), msg),
    warn: (obj, msg) => logger.warn(merge(obj), msg),
    error: (obj, msg) => logger.error(merge(obj), msg),
  };
}
