/**
 * What needs an operator's attention, per request: a failure, an overdue request, a compensation
 * that keeps failing, retries, manual actions, holds (on the request or on its subject), a broken
 * audit chain, a purge not confirmed, data left that nobody could reach. The report's "need
 * attention" card counts the requests listed.
 */
import type { ReportData, ReportRequest } from "./collect.js";

/** One thing an operator should look at. */
export interface AttentionItem {
  readonly requestId: string;
  readonly severity: "error" | "warning";
  readonly text: string;
}

function itemsOf(r: ReportRequest): AttentionItem[] {
  const { status, audit } = r;
  const id = status.id;
  const items: AttentionItem[] = [];
  const add = (severity: AttentionItem["severity"], text: string) =>
    items.push({ requestId: id, severity, text });
  if (!audit.valid) add("error", "audit chain does not verify (tampering?)");
  if (status.state === "needs_attention") {
    const why = status.attention
      ? `${status.attention.code}: ${status.attention.message}`
      : "see its branches";
    add("error", `needs attention: ${why}. Fix the cause, then \`gdpr-fanout retry ${id}\``);
  }
  if (status.overdue && status.state !== "completed")
    add("error", `overdue since ${status.dueAt.slice(0, 10)} (${status.state})`);
  if (status.overdue && status.state === "completed") add("warning", "completed after its due date");
  for (const b of status.branches) {
    if (b.compensation?.state === "failed")
      add(
        "error",
        `${b.adapter}: undoing the restriction keeps failing (${b.compensation.error?.code ?? "?"})`,
      );
    if (b.compensation?.state === "partial")
      add(
        "error",
        `${b.adapter}: the restriction could only partly be undone (${b.compensation.notUndone.reduce((n, x) => n + x.count, 0)} records not undone)`,
      );
    if (b.state === "waiting_retry" && b.error)
      add("warning", `${b.adapter}: retrying ${b.step} (attempt ${b.attempt}, ${b.error.code})`);
    if (b.outcome === "manual_required")
      add(
        "warning",
        `${b.adapter}: manual action required${b.reasonCode ? ` (${b.reasonCode})` : ""}${b.detail ? ` — ${b.detail}` : ""}`,
      );
    if (b.purge?.state === "not_confirmed")
      add(
        "error",
        `${b.adapter}: the provider's purge was not confirmed after ${b.purge.dueBy.slice(0, 10)}`,
      );
    const uncovered = b.residuals.filter((x) => x.reason === "not_covered");
    if (uncovered.length)
      add(
        "warning",
        `${b.adapter}: ${uncovered.reduce((n, x) => n + x.count, 0)} records this adapter cannot reach (${uncovered.map((x) => x.type).join(", ")})`,
      );
  }
  if (status.hold) add("warning", `legal hold: ${status.hold}`);
  for (const h of status.holds)
    add("warning", `subject hold ${h.id}${h.reference ? ` (${h.reference})` : ""}: ${h.reason}`);
  return items.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
}

/** Every item, most urgent first. */
export function attentionItems(data: ReportData): AttentionItem[] {
  return attentionByRequest(data).flatMap((g) => g.items);
}

/** The requests that need attention, with their items; requests with an error first. */
export function attentionByRequest(data: ReportData): { request: ReportRequest; items: AttentionItem[] }[] {
  return data.requests
    .map((request) => ({ request, items: itemsOf(request) }))
    .filter((g) => g.items.length > 0)
    .sort((a, b) => Number(b.items[0]?.severity === "error") - Number(a.items[0]?.severity === "error"));
}
