/** Validation of `createFanout` options and per-call arguments: typed errors at the call, nothing recorded. */
import { randomBytes } from "node:crypto";
import type { SubprocessorAdapter } from "../adapter.js";
import { assertAdapter } from "../define-adapter.js";
import { parseDuration } from "../duration.js";
import { ConfigurationError, InvalidArgumentError, isFanoutError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { EventHub, FanoutEventName } from "./events.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy, resolveRetryPolicy } from "./retry-policy.js";
import type { FanoutOptions } from "./types.js";

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/**
 * The logger, checked when the fanout is created: a wrong one found only at the first log line
 * would throw after `erase()` had recorded its request, and a caller retrying that call would file
 * the request twice.
 */
export function resolveLogger(logger: unknown): Logger | undefined {
  if (logger === undefined) return undefined;
  const missing =
    typeof logger !== "object" || logger === null
      ? [...LOG_LEVELS]
      : LOG_LEVELS.filter((level) => typeof (logger as Record<string, unknown>)[level] !== "function");
  const child = (logger as { child?: unknown } | null)?.child;
  if (missing.length > 0 || (child !== undefined && typeof child !== "function")) {
    throw new ConfigurationError(
      `createFanout: logger must be pino-compatible, with debug, info, warn and error functions (missing: ${missing.join(", ") || "a callable child"}); wrap console if you use it`,
      { option: "logger" },
    );
  }
  return logger as Logger;
}

/** A boolean option (`undefined` when not given). */
export function booleanOption(value: unknown, name: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new InvalidArgumentError(`${name} must be true or false`, { details: { argument: name } });
}

/** One of `allowed` (`undefined` when not given). */
export function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`${name} must be one of ${allowed.join(", ")}`, {
      details: { argument: name },
    });
  }
  return value as T;
}

export function resolveAdapters(adapters: unknown): Map<string, SubprocessorAdapter> {
  if (!Array.isArray(adapters) || adapters.length === 0) {
    throw new ConfigurationError("createFanout: adapters must be a non-empty list of adapters", {
      option: "adapters",
    });
  }
  const map = new Map<string, SubprocessorAdapter>();
  adapters.forEach((adapter, index) => {
    assertAdapter(adapter, `adapters[${index}]`);
    if (map.has(adapter.id)) {
      throw new ConfigurationError(`createFanout: two adapters have the id "${adapter.id}"`, {
        option: `adapters[${index}].id`,
      });
    }
    map.set(adapter.id, adapter);
  });
  return map;
}

export function resolvePolicies(
  adapters: ReadonlyMap<string, SubprocessorAdapter>,
  retry: FanoutOptions["retry"],
): Map<string, RetryPolicy> {
  const { perAdapter, ...global } = (retry ?? {}) as NonNullable<FanoutOptions["retry"]>;
  if (retry !== undefined && (typeof retry !== "object" || retry === null)) {
    throw new InvalidArgumentError("retry must be an object", { details: { argument: "retry" } });
  }
  for (const id of Object.keys(perAdapter ?? {})) {
    if (!adapters.has(id))
      throw new ConfigurationError(`retry.perAdapter names an unknown adapter "${id}"`, {
        option: "retry.perAdapter",
      });
  }
  const policies = new Map<string, RetryPolicy>();
  for (const [id, adapter] of adapters) {
    let policy = resolveRetryPolicy(adapter.retry, DEFAULT_RETRY_POLICY, `${id}.retry`);
    policy = resolveRetryPolicy(Object.keys(global).length ? global : undefined, policy, "retry");
    policy = resolveRetryPolicy(perAdapter?.[id], policy, `retry.perAdapter.${id}`);
    policies.set(id, policy);
  }
  return policies;
}

export function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 1000) {
    throw new InvalidArgumentError(`${name} must be a whole number from 1 to 1000`, {
      details: { argument: name },
    });
  }
  return value;
}

export function durationOption(value: unknown, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value, name);
  if (ms < min)
    throw new InvalidArgumentError(`${name} must be at least ${min} ms`, { details: { argument: name } });
  return ms;
}

const TEXT = /^[^\p{Cc}]*$/u;

/** A short free-text argument (reason, hold reason, idempotency key). */
export function textArgument(value: unknown, name: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim().length === 0 || value.length > max || !TEXT.test(value)) {
    throw new InvalidArgumentError(
      `${name} must be text of 1 to ${max} characters without control characters`,
      {
        details: { argument: name },
      },
    );
  }
  return value.trim();
}

/** A request id argument. */
export function requestIdArgument(value: unknown): string {
  if (typeof value !== "string" || !/^[A-Za-z0-9_-]{1,100}$/.test(value)) {
    throw new InvalidArgumentError("id must be a request id such as req_…", { details: { argument: "id" } });
  }
  return value;
}

export function newRequestId(now: number): string {
  return `req_${now.toString(36).padStart(9, "0")}${randomBytes(8).toString("hex")}`;
}

/** Checks the option object itself: a plain object with only known keys. */
export function assertPlainOptions(
  value: unknown,
  name: string,
  known: readonly string[],
): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${name} must be an object`, { details: { argument: name } });
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      throw new InvalidArgumentError(`${name}.${key} is not a known option`, {
        details: { argument: `${name}.${key}` },
      });
  }
  return value as Record<string, unknown>;
}

/** A whole number of milliseconds (1 ms to 1 h). */
export function positiveIntegerMs(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 3_600_000) {
    throw new InvalidArgumentError("idleMs must be a whole number of milliseconds from 1 to 3600000", {
      details: { argument: "idleMs" },
    });
  }
  return value;
}

/** Registers `createFanout({ on })`: each handler on its event; an async failure is logged, code only. */
export function registerHandlers(events: EventHub, on: unknown, logger: Logger): void {
  if (on === undefined) return;
  if (typeof on !== "object" || on === null || Array.isArray(on))
    throw new ConfigurationError("createFanout: on must map event names to functions", { option: "on" });
  for (const [name, handler] of Object.entries(on)) {
    if (typeof handler !== "function")
      throw new ConfigurationError(`createFanout: on["${name.slice(0, 60)}"] must be a function`, {
        option: "on",
      });
    events.on(name as FanoutEventName, (event) => {
      const failed = (error: unknown) =>
        logger.error(
          { event: name, code: isFanoutError(error) ? error.code : "HANDLER" },
          "an `on` handler failed",
        );
      try {
        const result = (handler as (e: unknown) => unknown)(event);
        if (result instanceof Promise) result.catch(failed);
      } catch (error) {
        failed(error);
      }
    });
  }
}
