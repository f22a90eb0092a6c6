/**
 * Durations as people write them: `"90d"`, `"14d"`, `"12h"`, `"30m"`, `"45s"`, `"500ms"`,
 * combinations such as `"1d12h"`, ISO 8601 (`"P90D"`, `"PT12H"`), or a number of milliseconds.
 */
import { InvalidArgumentError } from "./errors.js";

/** A duration: a number of milliseconds or a string such as `"90d"` or `"P14D"`. */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
/** Ten years: anything longer is almost certainly a mistake (e.g. milliseconds given as seconds). */
export const MAX_DURATION_MS = 10 * 365 * 86_400_000;

function fail(name: string, problem: string): never {
  throw new InvalidArgumentError(`${name} ${problem}`, { details: { argument: name } });
}

/** Parses a {@link Duration} into milliseconds; throws `INVALID_ARGUMENT` naming `name`. */
export function parseDuration(value: unknown, name = "duration"): number {
  let ms: number;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) fail(name, "must be a finite number of milliseconds");
    ms = value;
  } else if (typeof value === "string") {
    ms = parseDurationString(value.trim(), name);
  } else {
    fail(name, 'must be a duration such as "90d", "12h", "P14D" or a number of milliseconds');
  }
  if (ms < 0) fail(name, "must not be negative");
  if (ms > MAX_DURATION_MS) fail(name, "must be at most 10 years");
  return Math.round(ms);
}

function parseDurationString(text: string, name: string): number {
  if (text.length === 0 || text.length > 40) fail(name, 'must be a duration such as "90d"');
  const iso = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text);
  if (iso && text.length > 1 && !/T$/i.test(text)) {
    const [, w, d, h, m, s] = iso;
    return (
      Number(w ?? 0) * UNIT_MS.w! +
      Number(d ?? 0) * UNIT_MS.d! +
      Number(h ?? 0) * UNIT_MS.h! +
      Number(m ?? 0) * UNIT_MS.m! +
      Number(s ?? 0) * 1000
    );
  }
  const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(text); match; match = part.exec(text)) {
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) {
    if (/^\d+$/.test(text)) return Number(text);
    fail(name, 'must be a duration such as "90d", "12h", "30m", "P14D" or a number of milliseconds');
  }
  return total;
}
