/**
 * The audit trail as a DPO reads it: each entry's event in words and its data as labelled values
 * (durations in words, lists joined), wrapping inside the page; the hash stays for comparison.
 */
import { escapeHtml as e } from "../../html.js";
import type { AuditEntry } from "../../store/types.js";
import { humanDuration } from "../output.js";

/** Events the engine writes, in words. An event not listed is shown by its name made readable. */
const EVENTS: Readonly<Record<string, string>> = {
  "request.created": "Request recorded",
  "request.state": "State changed",
  "request.pivoted": "Point of no return passed: deletion began",
  "request.completed": "Completed",
  "request.withdrawn": "Withdrawn",
  "request.withdraw_requested": "Withdrawal asked for",
  "request.held": "Legal hold placed",
  "request.released": "Legal hold released",
  "request.retry_requested": "Retry asked for",
  "request.retried": "Resumed after a retry",
  "request.needs_attention": "Needs attention",
  "request.aborted": "Stopped before the point of no return",
  "branch.failed": "A provider's branch gave up",
  "compensation.started": "Undoing restrictions",
  "compensation.completed": "Restrictions undone",
  "compensation.failed": "Undoing a restriction failed",
  "compensation.not_reversible": "A restriction cannot be undone automatically",
};

const MAX = 240;

/** `request.retry_requested` → "Request retry requested". */
function eventName(type: string): string {
  const known = EVENTS[type];
  if (known) return known;
  const words = type.replace(/[._]+/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : type;
}

function value(key: string, v: unknown): string {
  if (typeof v === "number" && /Ms$/.test(key)) return humanDuration(v);
  if (Array.isArray(v)) return v.map((x) => value("", x)).join(", ");
  if (v !== null && typeof v === "object")
    return Object.entries(v)
      .map(([k, x]) => `${k}: ${value(k, x)}`)
      .join(", ");
  return String(v);
}

function label(key: string): string {
  return key
    .replace(/Ms$/, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
}

/** An entry's data as `label value` pairs; a state change as `from → to`. */
function details(entry: AuditEntry): string {
  const data = entry.data;
  if (data === null || typeof data !== "object" || Array.isArray(data))
    return data === null ? "" : e(value("", data));
  const record = data as Record<string, unknown>;
  if (entry.type === "request.state" && typeof record.state === "string")
    return `${e(String(record.previous ?? "?"))} → <b>${e(record.state)}</b>`;
  return Object.entries(record)
    .filter(
      ([, v]) => v !== null && v !== undefined && !(typeof v === "object" && Object.keys(v).length === 0),
    )
    .map(([k, v]) => {
      const text = value(k, v);
      return `<span class="kv"><span class="k">${e(label(k))}</span> ${e(text.length > MAX ? `${text.slice(0, MAX)}…` : text)}</span>`;
    })
    .join(" ");
}

/** The audit trail table of one request. */
export function auditTable(entries: readonly AuditEntry[]): string {
  const rows = entries
    .map(
      (a) =>
        `<tr><td class="num">${e(a.seq)}</td><td class="time">${e(new Date(a.at).toISOString().slice(0, 19).replace("T", " "))}</td><td><span class="event">${e(eventName(a.type))}</span> <code class="muted">${e(a.type)}</code><div class="details">${details(a)}</div></td><td class="hash"><code title="${e(a.hash)}">${e(a.hash.slice(0, 12))}</code></td></tr>`,
    )
    .join("\n");
  return `<table class="audit-table"><col class="c-seq"><col class="c-at"><col class="c-event"><col class="c-hash"><thead><tr><th>#</th><th>at (UTC)</th><th>event</th><th>hash</th></tr></thead><tbody>${rows}</tbody></table>`;
}
