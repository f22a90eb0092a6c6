/**
 * The words the CLI, the demo and the report use for a branch, so that all three say only what the
 * branch recorded: "restricted" only where the adapter restricted records, "not searched" where the
 * request gave no identifier the adapter can use, "purge pending" until a check after the ETA.
 */
import type { BranchStatus } from "../engine/types.js";

/** A branch before the pivot, parked until the retention window ends. */
export function waitingWords(b: BranchStatus): string {
  const r = b.restriction;
  if (r.state === "applied") return `restricted (${r.count}), waiting`;
  if (r.state === "not_supported")
    return b.records === 0 ? "nothing located, waiting" : "waiting (no restriction step)";
  if (r.state === "pending") return "restricting";
  return b.records === 0 ? "nothing located, waiting" : "waiting (nothing restricted)";
}

/** A finished branch: its outcome with what qualifies it (reason, ETA, purge, residuals). */
export function outcomeWords(b: BranchStatus, formatTime: (iso: string) => string): string {
  if (!b.outcome) return "";
  const parts: string[] = [b.outcome];
  if (b.reasonCode === "NO_USABLE_IDENTIFIER") parts[0] = `${b.outcome}: not searched (no usable identifier)`;
  else if (b.reasonCode) parts.push(`(${b.reasonCode})`);
  if (b.purge) {
    const when = formatTime(b.purge.dueBy);
    parts.push(
      b.purge.state === "verified"
        ? `purge verified`
        : b.purge.state === "not_confirmed"
          ? `purge NOT confirmed (due ${when})`
          : b.purge.state === "unverifiable"
            ? `purge due ${when}: not observable through the API`
            : `purge pending, due ${when}`,
    );
  } else if (b.eta) parts.push(`purged by ${formatTime(b.eta)}`);
  const left = b.residuals.reduce((n, r) => n + r.count, 0);
  if (left > 0) parts.push(`${left} residual${left === 1 ? "" : "s"}`);
  return parts.join(", ");
}

/** The compensation of a branch, when there was one. */
export function compensationWords(b: BranchStatus): string {
  if (!b.compensation) return "";
  if (b.compensation.state === "partial") {
    const left = b.compensation.notUndone.reduce((n, r) => n + r.count, 0);
    return `compensation partial (${left} not undone)`;
  }
  return `compensation ${b.compensation.state}`;
}
