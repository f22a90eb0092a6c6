/**
 * `defineAdapter` for adapters written by applications (their own database, an in-house CRM), and
 * the shape check the engine runs on every adapter it is given.
 */
import type { AdapterCapabilities, SubprocessorAdapter } from "./adapter.js";
import { parseDuration } from "./duration.js";
import { ConfigurationError, isFanoutError } from "./errors.js";
import { ADAPTER_ID_PATTERN } from "./subject.js";

const REQUIRED_METHODS = ["locate", "export", "delete", "status"] as const;

/** Checks that `value` is a usable {@link SubprocessorAdapter}; throws `CONFIGURATION` naming the problem. */
export function assertAdapter(value: unknown, where = "adapter"): asserts value is SubprocessorAdapter {
  if (typeof value !== "object" || value === null) {
    throw new ConfigurationError(`${where} must be an adapter object (e.g. stripeAdapter({...}))`, {
      option: where,
    });
  }
  const adapter = value as Partial<SubprocessorAdapter>;
  if (typeof adapter.id !== "string" || !ADAPTER_ID_PATTERN.test(adapter.id)) {
    throw new ConfigurationError(`${where}.id must be lower-case letters, digits or dashes`, {
      option: `${where}.id`,
    });
  }
  for (const method of REQUIRED_METHODS) {
    if (typeof adapter[method] !== "function") {
      throw new ConfigurationError(`${where} "${adapter.id}" has no ${method}() method`, {
        option: `${where}.${method}`,
      });
    }
  }
  const caps = adapter.capabilities as Partial<AdapterCapabilities> | undefined;
  if (typeof caps !== "object" || caps === null) {
    throw new ConfigurationError(`${where} "${adapter.id}" has no capabilities`, {
      option: `${where}.capabilities`,
    });
  }
  if (caps.restrict && typeof adapter.restrict !== "function") {
    throw new ConfigurationError(`${where} "${adapter.id}" declares restrict but has no restrict() method`, {
      option: `${where}.restrict`,
    });
  }
  if (caps.unrestrict && typeof adapter.unrestrict !== "function") {
    throw new ConfigurationError(
      `${where} "${adapter.id}" declares unrestrict but has no unrestrict() method`,
      {
        option: `${where}.unrestrict`,
      },
    );
  }
  if (!Array.isArray(caps.lookup) || !caps.lookup.every((k) => LOOKUP_KINDS.has(k))) {
    throw new ConfigurationError(
      `${where} "${adapter.id}" capabilities.lookup must list "email", "phone" or "id"`,
      { option: `${where}.capabilities.lookup` },
    );
  }
  if (caps.restrictionExpiresAfter !== undefined) assertRenewable(adapter.id, caps, where);
  if (
    caps.retainable !== undefined &&
    (!Array.isArray(caps.retainable) ||
      !caps.retainable.every((t) => typeof t === "string" && t.length > 0 && t.length <= 64))
  ) {
    throw new ConfigurationError(
      `${where} "${adapter.id}" capabilities.retainable must list record types (text of 1 to 64 characters)`,
      { option: `${where}.capabilities.retainable` },
    );
  }
}

const LOOKUP_KINDS = new Set(["email", "phone", "id"]);

/**
 * A restriction with a lifetime is renewed (unrestrict, then restrict) before it expires, so the
 * adapter must be able to do both; and the lifetime must be a duration long enough to renew in.
 */
function assertRenewable(id: string, caps: Partial<AdapterCapabilities>, where: string): void {
  const option = `${where}.capabilities.restrictionExpiresAfter`;
  if (!caps.restrict || !caps.unrestrict) {
    throw new ConfigurationError(
      `${where} "${id}" declares restrictionExpiresAfter, so it must restrict and unrestrict (the engine renews the restriction before it expires)`,
      { option },
    );
  }
  let ms: number;
  try {
    ms = parseDuration(caps.restrictionExpiresAfter, "restrictionExpiresAfter");
  } catch (error) {
    if (!isFanoutError(error)) throw error;
    throw new ConfigurationError(`${where} "${id}" has an unreadable restrictionExpiresAfter`, { option });
  }
  if (ms < 60_000) {
    throw new ConfigurationError(`${where} "${id}" restrictionExpiresAfter must be at least a minute`, {
      option,
    });
  }
}

/** What {@link defineAdapter} takes: an adapter whose capabilities may be partly left out. */
export type AdapterDefinition = Omit<SubprocessorAdapter, "capabilities"> & {
  capabilities?: Partial<AdapterCapabilities>;
};

/**
 * Builds an adapter from a plain definition, filling capabilities from the methods given
 * (`restrict` present => `restrict: true`, …), and checks its shape.
 */
export function defineAdapter(definition: AdapterDefinition): SubprocessorAdapter {
  const capabilities: AdapterCapabilities = {
    export: true,
    restrict: typeof definition.restrict === "function",
    unrestrict: typeof definition.unrestrict === "function",
    asyncDelete: false,
    softDelete: false,
    lookup: ["email", "id"],
    ...definition.capabilities,
  };
  const adapter: SubprocessorAdapter = { ...definition, capabilities };
  assertAdapter(adapter);
  return Object.freeze(adapter);
}
