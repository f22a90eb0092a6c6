/**
 * Gathers what the operator report shows: every request (newest first, up to a limit) with its
 * status, step log and audit trail — all PII-free — and, only with `--show-subjects` and only for
 * open requests, the unsealed identifiers.
 */
import type { Fanout } from "../../engine/create-fanout.js";
import { describeSubject, revealSubject } from "../../engine/reveal-subject.js";
import type { RequestStatus } from "../../engine/types.js";
import type { AuditEntry, StepLogEntry } from "../../store/types.js";

/** One request of the report. */
export interface ReportRequest {
  readonly status: RequestStatus;
  readonly steps: readonly StepLogEntry[];
  readonly audit: { readonly entries: readonly AuditEntry[]; readonly valid: boolean };
  /** The identifiers, only with `showSubjects` while the request is open. */
  readonly subject: string | null;
}

/** Everything the report renders. */
export interface ReportData {
  readonly generatedAt: string;
  readonly store: string;
  readonly requests: readonly ReportRequest[];
  /** More requests exist than `limit`. */
  readonly truncated: boolean;
  readonly showSubjects: boolean;
}

/** Options of {@link collectReport}. */
export interface CollectOptions {
  readonly limit: number;
  readonly showSubjects: boolean;
  readonly secret: string | Uint8Array | undefined;
  readonly now?: number;
}

export async function collectReport(fanout: Fanout, options: CollectOptions): Promise<ReportData> {
  const requests: ReportRequest[] = [];
  let cursor: string | null = null;
  let truncated = false;
  do {
    const page: Awaited<ReturnType<Fanout["list"]>> = await fanout.list({
      limit: Math.min(100, options.limit - requests.length),
      ...(cursor ? { cursor } : {}),
    });
    for (const item of page.items) {
      const status = await fanout.status(item.id);
      const open = status.state !== "completed" && status.state !== "withdrawn";
      let subject: string | null = null;
      if (options.showSubjects && open) {
        const revealed = await revealSubject(fanout, item.id, options.secret);
        subject = revealed ? describeSubject(revealed) : null;
      }
      requests.push({
        status,
        steps: await fanout.store.steps(item.id),
        audit: await fanout.audit(item.id),
        subject,
      });
    }
    cursor = page.nextCursor;
    if (cursor && requests.length >= options.limit) {
      truncated = true;
      break;
    }
  } while (cursor);
  return {
    generatedAt: new Date(options.now ?? Date.now()).toISOString(),
    store: fanout.store.kind,
    requests,
    truncated,
    showSubjects: options.showSubjects,
  };
}

/** One thing an operator should look at. */
export interface AttentionItem {
  readonly requestId: string;
  readonly severity: "error" | "warning";
  readonly text: string;
}

/** What needs attention, most urgent first. */
export function attentionItems(data: ReportData): AttentionItem[] {
  const items: AttentionItem[] = [];
  for (const { status, audit } of data.requests) {
    const id = status.id;
    if (!audit.valid)
      items.push({ requestId: id, severity: "error", text: "audit chain does not verify (tampering?)" });
    if (status.state === "needs_attention") {
      const why = status.attention
        ? `${status.attention.code}: ${status.attention.message}`
        : "see its branches";
      items.push({
        requestId: id,
        severity: "error",
        text: `needs attention: ${why}. Fix the cause, then \`gdpr-fanout retry ${id}\``,
      });
    }
    if (status.overdue && status.state !== "completed")
      items.push({
        requestId: id,
        severity: "error",
        text: `overdue since ${status.dueAt.slice(0, 10)} (${status.state})`,
      });
    if (status.overdue && status.state === "completed")
      items.push({ requestId: id, severity: "warning", text: "completed after its due date" });
    for (const b of status.branches) {
      if (b.compensation?.state === "failed")
        items.push({
          requestId: id,
          severity: "error",
          text: `${b.adapter}: undoing the restriction keeps failing (${b.compensation.error?.code ?? "?"})`,
        });
      if (b.state === "waiting_retry" && b.error)
        items.push({
          requestId: id,
          severity: "warning",
          text: `${b.adapter}: retrying ${b.step} (attempt ${b.attempt}, ${b.error.code})`,
        });
      if (b.outcome === "manual_required")
        items.push({
          requestId: id,
          severity: "warning",
          text: `${b.adapter}: manual action required${b.detail ? ` — ${b.detail}` : ""}`,
        });
    }
    if (status.hold) items.push({ requestId: id, severity: "warning", text: `legal hold: ${status.hold}` });
    for (const h of status.holds)
      items.push({
        requestId: id,
        severity: "warning",
        text: `subject hold ${h.id}${h.reference ? ` (${h.reference})` : ""}: ${h.reason}`,
      });
  }
  return items.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
}
