/**
 * The access package's Art. 15(1) information from `createFanout({ controller, purposes,
 * recipients })`, checked when the fanout is created (a bad value throws `CONFIGURATION` naming
 * the option; nothing is recorded) and the package's language per request.
 */
import { ConfigurationError, InvalidArgumentError } from "../../errors.js";
import { ACCESS_LANGUAGES, type AccessLanguage, type LocalizedText } from "../../presentation.js";
import type { ControllerInfo, RecipientInfo } from "../types.js";

/** What the package renderer gets: the checked options, frozen. */
export interface AccessSettings {
  readonly controller: Readonly<ControllerInfo>;
  /** `null`: the option was not given (the package shows a placeholder). */
  readonly purposes: Readonly<Record<string, LocalizedText>> | null;
  readonly recipients: readonly Readonly<RecipientInfo>[] | null;
}

const SHORT = 300;
const LONG = 2000;
// Newlines are allowed in statements (the page keeps them); other control characters are not.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

function fail(option: string, what: string): never {
  throw new ConfigurationError(`createFanout: ${option} ${what}`, { option });
}

function text(value: unknown, option: string, max: number): string {
  if (typeof value !== "string" || value.trim().length === 0 || value.length > max || CONTROL.test(value))
    fail(option, `must be text of 1 to ${max} characters without control characters`);
  return value.trim();
}

function localized(value: unknown, option: string, max: number): LocalizedText {
  if (typeof value === "string") return text(value, option, max);
  if (typeof value !== "object" || value === null || Array.isArray(value))
    fail(option, `must be text or { en, nl?, de? }`);
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(ACCESS_LANGUAGES as readonly string[]).includes(key))
      fail(`${option}.${key}`, `is not a language of the package (${ACCESS_LANGUAGES.join(", ")})`);
    out[key] = text(v, `${option}.${key}`, max);
  }
  if (out.en === undefined) fail(`${option}.en`, "is required (English is the fallback)");
  return Object.freeze(out) as LocalizedText;
}

function plainObject(value: unknown, option: string, known?: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(option, "must be an object");
  if (known)
    for (const key of Object.keys(value))
      if (!known.includes(key)) fail(`${option}.${key}`, "is not a known option");
  return value as Record<string, unknown>;
}

const CONTROLLER_KEYS = [
  "name",
  "contact",
  "dpo",
  "authority",
  "retention",
  "source",
  "automatedDecisions",
] as const;

function controllerInfo(value: unknown): ControllerInfo {
  if (value === undefined) return {};
  const raw = plainObject(value, "controller", CONTROLLER_KEYS);
  const out: Record<string, unknown> = {};
  for (const key of ["name", "contact", "dpo"] as const)
    if (raw[key] !== undefined) out[key] = text(raw[key], `controller.${key}`, SHORT);
  for (const key of ["authority", "retention", "source", "automatedDecisions"] as const)
    if (raw[key] !== undefined) out[key] = localized(raw[key], `controller.${key}`, LONG);
  return Object.freeze(out) as ControllerInfo;
}

function purposeMap(value: unknown, adapters: ReadonlySet<string>): Record<string, LocalizedText> | null {
  if (value === undefined) return null;
  const raw = plainObject(value, "purposes");
  const out: Record<string, LocalizedText> = {};
  for (const [key, v] of Object.entries(raw)) {
    if (key !== "*" && !adapters.has(key)) fail(`purposes.${key}`, "names no adapter of this fanout");
    out[key] = localized(v, `purposes.${key}`, LONG);
  }
  return Object.freeze(out);
}

const RECIPIENT_KEYS = ["name", "adapter", "purpose", "country", "safeguards"] as const;

function recipientList(value: unknown, adapters: ReadonlySet<string>): RecipientInfo[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.length > 100)
    fail("recipients", "must be a list of at most 100 recipients");
  return value.map((item, i) => {
    const where = `recipients[${i}]`;
    const raw = plainObject(item, where, RECIPIENT_KEYS);
    const out: Record<string, unknown> = { name: localized(raw.name, `${where}.name`, SHORT) };
    if (raw.adapter !== undefined) {
      if (typeof raw.adapter !== "string" || !adapters.has(raw.adapter))
        fail(`${where}.adapter`, "names no adapter of this fanout");
      out.adapter = raw.adapter;
    }
    if (raw.purpose !== undefined) out.purpose = localized(raw.purpose, `${where}.purpose`, LONG);
    if (raw.country !== undefined) {
      if (typeof raw.country !== "string" || !/^[A-Za-z]{2}$/.test(raw.country))
        fail(`${where}.country`, 'must be a two-letter country code ("IE", "US")');
      out.country = raw.country.toUpperCase();
    }
    if (raw.safeguards !== undefined) out.safeguards = localized(raw.safeguards, `${where}.safeguards`, LONG);
    return Object.freeze(out) as unknown as RecipientInfo;
  });
}

/** Checks `controller`, `purposes` and `recipients` of `createFanout`. */
export function resolveAccessSettings(
  options: { controller?: unknown; purposes?: unknown; recipients?: unknown },
  adapterIds: Iterable<string>,
): AccessSettings {
  const adapters = new Set(adapterIds);
  const recipients = recipientList(options.recipients, adapters);
  return Object.freeze({
    controller: controllerInfo(options.controller),
    purposes: purposeMap(options.purposes, adapters),
    recipients: recipients ? Object.freeze(recipients) : null,
  });
}

/** The `language` of `export()`: one of the package's languages (default English). */
export function languageArgument(value: unknown): AccessLanguage {
  if (value === undefined) return "en";
  if (typeof value !== "string" || !(ACCESS_LANGUAGES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`language must be one of ${ACCESS_LANGUAGES.join(", ")}`, {
      details: { argument: "language" },
    });
  return value as AccessLanguage;
}

/** The language kept with a request (an older request, or an unknown value, reads in English). */
export function requestLanguage(stored: unknown): AccessLanguage {
  return typeof stored === "string" && (ACCESS_LANGUAGES as readonly string[]).includes(stored)
    ? (stored as AccessLanguage)
    : "en";
}
