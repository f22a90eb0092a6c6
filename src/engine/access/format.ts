/**
 * Turning provider values into what a person reads: dates in their language (UTC), money with its
 * currency, durations, yes/no, HTML as plain text, field names as words. Pure functions of the
 * value; nothing here decides what is shown.
 */
import type { JsonValue } from "../../adapter.js";
import type { FieldPresentation, LocalizedText } from "../../presentation.js";
import type { Messages } from "./messages.js";

/** Texts longer than this are cut in the page (the JSON file keeps them whole). */
export const MAX_TEXT = 600;

/** The value at `path` (`"a.b.c"`) in `data`, or `undefined`. */
export function valueAt(data: JsonValue, path: string): JsonValue | undefined {
  let at: JsonValue | undefined = data;
  for (const key of path.split(".")) {
    if (at === null || typeof at !== "object") return undefined;
    if (Array.isArray(at)) at = /^\d+$/.test(key) ? at[Number(key)] : undefined;
    else at = (at as Record<string, JsonValue>)[key];
  }
  return at;
}

/** `invoice_prefix` → "Invoice prefix", `firstName` → "First name", `$file_id` → "File id". */
export function humanize(key: string): string {
  const words = key
    .replace(/^[$_]+/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_\-.]+/g, " ")
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

/** A time from an ISO string, epoch seconds or epoch milliseconds; `null` when it is none of them. */
export function toTime(value: JsonValue | undefined): number | null {
  if (typeof value === "number" && Number.isFinite(value)) {
    if (value > 1e11 && value < 1e14) return value; // epoch ms (1973 to 5138)
    if (value > 1e8 && value < 1e11) return value * 1000; // epoch s (1973 to 5138)
    return null;
  }
  if (typeof value !== "string") return null;
  if (/^\d{9,13}$/.test(value)) return toTime(Number(value));
  // ISO 8601, or an email's RFC 5322 date ("Sun, 06 Dec 2026 15:48:01 GMT").
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) && !/^([A-Z][a-z]{2}, )?\d{1,2} [A-Z][a-z]{2} \d{4} \d/.test(value))
    return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Field names that hold a time even when the value is a bare number (epoch seconds). */
const TIME_KEY = /(^|_)(created|updated|date|time|timestamp)$|(_at|At|_time|Time|date)$/;

/** Formats values for one language. */
export class Formatter {
  readonly #date: Intl.DateTimeFormat;
  readonly #dateTime: Intl.DateTimeFormat;
  readonly #number: Intl.NumberFormat;

  constructor(readonly messages: Messages) {
    this.#date = new Intl.DateTimeFormat(messages.locale, { dateStyle: "medium", timeZone: "UTC" });
    this.#dateTime = new Intl.DateTimeFormat(messages.locale, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "UTC",
    });
    this.#number = new Intl.NumberFormat(messages.locale);
  }

  date(ms: number): string {
    return this.#date.format(ms);
  }

  /** Date and time, or only the date when the value carries no time of day. */
  time(value: JsonValue | undefined): string | null {
    const t = toTime(value);
    if (t === null) return null;
    const dateOnly = typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value);
    return dateOnly ? this.#date.format(t) : this.#dateTime.format(t);
  }

  number(n: number): string {
    return this.#number.format(n);
  }

  money(amount: JsonValue | undefined, currency: JsonValue | undefined, minorUnits: boolean): string | null {
    const n = typeof amount === "string" && amount.trim() !== "" ? Number(amount) : amount;
    if (typeof n !== "number" || !Number.isFinite(n)) return null;
    const code = typeof currency === "string" ? currency.toUpperCase() : "";
    const units = minorUnits ? n / 100 : n;
    if (!/^[A-Z]{3}$/.test(code)) return this.#number.format(units);
    try {
      return new Intl.NumberFormat(this.messages.locale, { style: "currency", currency: code }).format(units);
    } catch {
      return `${this.#number.format(units)} ${code}`;
    }
  }

  duration(value: JsonValue | undefined, unit: "s" | "ms"): string | null {
    const n = typeof value === "string" && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n)) return typeof value === "string" ? value : null;
    const seconds = Math.round(unit === "ms" ? n / 1000 : n);
    const m = Math.floor(seconds / 60);
    const s = seconds % 60;
    return m > 0 ? `${m} min ${String(s).padStart(2, "0")} s` : `${s} s`;
  }

  /** A scalar, guessing dates from ISO strings and from time-like field names. */
  scalar(value: JsonValue, key = ""): string {
    if (typeof value === "boolean") return value ? this.messages.yes : this.messages.no;
    if (typeof value === "string" && ISO_DATE.test(value)) return this.time(value) ?? value;
    if (typeof value === "number" && TIME_KEY.test(key)) return this.time(value) ?? String(value);
    return typeof value === "number" ? String(value) : String(value ?? "");
  }

  /** A field's value as its presentation says; `null` when there is nothing to show. */
  field(data: JsonValue, path: string, spec: FieldPresentation): string | null {
    const value = valueAt(data, path);
    if (value === undefined || value === null || value === "") return null;
    const format = typeof spec === "object" && "label" in spec ? spec : undefined;
    switch (format?.format ?? "text") {
      case "date":
        return this.time(value) ?? this.plain(value, path);
      case "money":
        return (
          this.money(
            value,
            format?.currency ? valueAt(data, format.currency) : undefined,
            format?.minorUnits !== false,
          ) ?? this.plain(value, path)
        );
      case "duration":
        return this.duration(value, format?.unit ?? "s");
      case "boolean":
        return typeof value === "boolean" ? this.scalar(value) : this.plain(value, path);
      case "html":
        return typeof value === "string" ? htmlToText(value) || null : this.plain(value, path);
      case "list": {
        if (!Array.isArray(value)) return this.plain(value, path);
        const items = value
          .map((item) => (format?.item ? valueAt(item, format.item) : item))
          .filter((v): v is JsonValue => v !== undefined && v !== null && v !== "")
          .map((v) => (typeof v === "object" ? JSON.stringify(v) : this.scalar(v)));
        return items.length ? items.join(", ") : null;
      }
      default:
        return this.plain(value, path);
    }
  }

  /** Any value as one line of text (objects and arrays compactly). */
  plain(value: JsonValue, key = ""): string {
    if (value === null || typeof value !== "object") return this.scalar(value, key.split(".").at(-1));
    if (Array.isArray(value))
      return value
        .map((v) => (v !== null && typeof v === "object" ? JSON.stringify(v) : this.scalar(v)))
        .join(", ");
    return JSON.stringify(value);
  }
}

/** The label of a field presentation. */
export function labelOf(spec: FieldPresentation): LocalizedText {
  return typeof spec === "object" && "label" in spec ? spec.label : spec;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", nbsp: " " };

/** Plain text of an HTML fragment: block ends become spaces, tags vanish, common entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li|\/h\d)\b[^>]*>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name] ?? "")
    .replace(/\s+/g, " ")
    .trim();
}

/** `text` cut to {@link MAX_TEXT} characters; `cut` says whether it was. */
export function clip(text: string, max = MAX_TEXT): { text: string; cut: boolean } {
  return text.length > max ? { text: `${text.slice(0, max).trimEnd()}…`, cut: true } : { text, cut: false };
}

/**
 * Every leaf of a record as `[path, value]`, objects walked to `depth`, arrays of objects by index,
 * empty values (null, "", [], {}) left out: they carry no data about the person.
 */
export function leaves(data: JsonValue, depth = 4, prefix = ""): [string, JsonValue][] {
  if (data === null || data === "") return [];
  if (typeof data !== "object") return prefix ? [[prefix, data]] : [["value", data]];
  if (Array.isArray(data)) {
    if (data.length === 0) return [];
    if (data.every((v) => v === null || typeof v !== "object")) return [[prefix || "value", data]];
    if (depth <= 0) return [[prefix, data]];
    return data.flatMap((item, i) => leaves(item, depth - 1, `${prefix}.${i + 1}`));
  }
  const entries = Object.entries(data);
  if (entries.length === 0) return [];
  if (depth <= 0) return [[prefix, data]];
  return entries.flatMap(([k, v]) => leaves(v, depth - 1, prefix ? `${prefix}.${k}` : k));
}

/** A leaf path as words: `billing_address.city` → "Billing address › City", `emails.1.value` → "Emails 1 › Value". */
export function pathLabel(path: string): string {
  const parts: string[] = [];
  for (const part of path.split(".")) {
    if (/^\d+$/.test(part) && parts.length) parts[parts.length - 1] += ` ${part}`;
    else parts.push(humanize(part));
  }
  return parts.join(" › ");
}
