/**
 * One request in the report: its facts, one block per provider (outcome, what was located and
 * deleted, coverage, what remains and why, restriction, purge, compensation, jobs, errors, the
 * step-log timeline) and its audit trail. Collapsible on screen; always open in print.
 */

import type { Residual } from "../../adapter.js";
import { escapeHtml as e } from "../../html.js";
import type { StepLogEntry } from "../../store/types.js";
import { waitingWords } from "../branch-words.js";
import { humanDuration } from "../output.js";
import { auditTable } from "./audit.js";
import type { ReportRequest } from "./collect.js";
import { legalFacts } from "./legal-facts.js";

type Branch = ReportRequest["status"]["branches"][number];

export const OPEN = (state: string) => state !== "completed" && state !== "withdrawn" && state !== "lifted";
export const day = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : "—");
export const badge = (cls: string, text: string) => `<span class="badge ${e(cls)}">${e(text)}</span>`;

/** What a branch came to, or where it is. */
export function branchLabel(r: ReportRequest, b: Branch): string {
  if (b.outcome) return b.outcome;
  if (b.state === "failed") return "failed";
  if (b.state === "compensated") return "undone";
  if (b.state === "done" && r.status.kind === "export") return "exported";
  if (b.awaitingPivot) return "held (subject hold)";
  if (b.state === "ready" && b.step === "relocate" && r.status.pivotAt === null) return waitingWords(b);
  return b.state === "waiting_retry" ? `retrying ${b.step}` : b.step;
}

/** The badge class of a branch's label. */
export function outcomeClass(label: string, b: Branch): string {
  return `o-${label === "failed" || label === "exported" ? label : (b.outcome ?? "none")}`;
}

export function subjectCell(r: ReportRequest, full = false): string {
  const fp = r.status.subject;
  const short = full ? `<code>${e(fp)}</code>` : `<code title="${e(fp)}">${e(fp.slice(0, 16))}…</code>`;
  return r.subject ? `${short}<br><span class="mono">${e(r.subject)}</span>` : short;
}

function stepChip(step: StepLogEntry, t0: number): string {
  const icon = step.status === "succeeded" ? "✓" : step.status === "failed" ? "✗" : "↻";
  const attempt = step.attempt > 1 ? ` #${step.attempt}` : "";
  const code = step.errorCode ? ` ${step.errorCode}` : "";
  const title = `${step.step} attempt ${step.attempt} ${step.status} at ${new Date(step.at).toISOString()}${code}`;
  return `<span class="chip badge st-${e(step.status)}" title="${e(title)}">${e(icon)} ${e(step.step)}${e(attempt)}${e(code)} <small>+${e(humanDuration(step.at - t0))}</small></span>`;
}

function timeline(r: ReportRequest, adapter: string): string {
  const t0 = Date.parse(r.status.createdAt);
  const steps = r.steps.filter((s) => s.adapterId === adapter).sort((a, b) => a.at - b.at);
  if (steps.length === 0) return `<span class="muted">no step run yet</span>`;
  return `<span class="timeline">${steps.map((s) => stepChip(s, t0)).join('<span class="arrow">→</span>')}</span>`;
}

function coverage(b: Branch): string {
  const c = b.coverage;
  if (c === null) return `<span class="warn-text">not reported by the adapter</span>`;
  const searched = c.searchedBy.length ? e(c.searchedBy.join(", ")) : `<b class="warn-text">nothing</b>`;
  return `searched by ${searched}${c.notSearched.length ? ` · not searched: ${e(c.notSearched.join(", "))}` : ""}${
    c.types.length ? ` · types: ${e(c.types.join(", "))}` : ""
  }`;
}

function residualItem(x: Residual): string {
  const until = x.until ? ` until ${e(x.until.slice(0, 10))}` : "";
  const basis = x.basis ? ` (${e(x.basis)})` : "";
  return `<li>${badge(`r-${x.reason}`, x.reason)} ${e(x.count)} × ${e(x.type)}${until}${basis} — ${e(x.detail)}</li>`;
}

function remains(b: Branch): string {
  if (b.residuals.length === 0) return `<span class="muted">nothing reported</span>`;
  return `<ul class="residuals">${b.residuals.map(residualItem).join("")}</ul>`;
}

function counts(r: ReportRequest, b: Branch): string {
  const c = r.counts[b.adapter];
  const byType = Object.entries(c?.locatedByType ?? {})
    .map(([type, n]) => `${n} ${type}`)
    .join(", ");
  const located = b.records === null ? "—" : `${b.records}${byType ? ` (${byType})` : ""}`;
  const second =
    r.status.kind === "export"
      ? c?.exported !== null && c?.exported !== undefined
        ? ` · exported <b>${e(c.exported)}</b>`
        : ""
      : c?.deleted !== null && c?.deleted !== undefined
        ? ` · deleted <b>${e(c.deleted)}</b>`
        : "";
  return `located <b>${e(located)}</b>${second}`;
}

function branchBlock(r: ReportRequest, b: Branch): string {
  const label = branchLabel(r, b);
  const rows: [string, string][] = [];
  rows.push(["coverage", coverage(b)]);
  if (r.status.kind !== "export") rows.push(["what remains", remains(b)]);
  if (b.reasonCode) rows.push(["reason", `<code>${e(b.reasonCode)}</code>`]);
  const x = b.restriction;
  if (x.state !== "none" && x.state !== "not_supported")
    rows.push([
      "restriction",
      `${e(x.state)}${x.count ? ` (${e(x.count)} record${x.count === 1 ? "" : "s"})` : ""}${x.expiresAt ? `, expires ${e(day(x.expiresAt))}` : ""}${x.renewals ? `, renewed ${e(x.renewals)}×` : ""}`,
    ]);
  if (b.purge)
    rows.push([
      "purge",
      b.purge.state === "verified"
        ? `verified ${e(day(b.purge.verifiedAt))}`
        : b.purge.state === "not_confirmed"
          ? `<b class="warn-text">not confirmed</b> (due by ${e(day(b.purge.dueBy))})`
          : `pending, due by ${e(day(b.purge.dueBy))}`,
    ]);
  else if (b.eta) rows.push(["purged by", e(day(b.eta))]);
  if (b.compensation)
    rows.push([
      "compensation",
      `${e(b.compensation.state)}${b.compensation.notUndone.length ? `: not undone <ul class="residuals">${b.compensation.notUndone.map(residualItem).join("")}</ul>` : ""}`,
    ]);
  if (b.jobs.length)
    rows.push([
      "provider jobs",
      e(b.jobs.map((j) => `${j.kind} ${j.id}${j.status ? ` (${j.status})` : ""}`).join(", ")),
    ]);
  if (b.error) rows.push(["error", `<b>${e(b.error.code)}</b> ${e(b.error.message)}`]);
  if (b.detail) rows.push(["note", e(b.detail)]);
  rows.push(["timeline", timeline(r, b.adapter)]);
  return `<article class="branch" data-adapter="${e(b.adapter)}"><h4>${e(b.adapter)} ${badge(outcomeClass(label, b), label)}</h4>
<p class="counts">${counts(r, b)}</p><dl class="bfacts">${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`).join("")}</dl></article>`;
}

function facts(r: ReportRequest): [string, string][] {
  const s = r.status;
  const out: [string, string][] = [
    ["subject", subjectCell(r, true)],
    ["created", e(day(s.createdAt))],
    ["due", `${e(day(s.dueAt))}${s.overdue ? ` <span class="badge flag">OVERDUE</span>` : ""}`],
  ];
  const receipt = r.receipt;
  // Whether the deadline was met, once a receipt says so (it joins the deadline's own row).
  const met = !receipt
    ? null
    : receipt.deadlineMet === null
      ? `<span class="muted">open until the purge is verified</span>`
      : receipt.deadlineMet
        ? `<span class="ok">met</span>`
        : `<b class="warn-text">missed</b>`;
  out.push(...legalFacts(s, met));
  if (s.kind === "erase") out.push(["erase after", e(day(s.after))]);
  if (s.reason) out.push(["reason", e(s.reason)]);
  if (s.pivotAt)
    out.push(["pivot", `${e(day(s.pivotAt))} <span class="muted">(no compensation after this)</span>`]);
  if (s.completedAt) out.push(["finished", e(day(s.completedAt))]);
  if (receipt?.answeredAt) out.push(["answered", e(day(receipt.answeredAt))]);
  if (receipt?.purge?.pending)
    out.push(["purge", `pending${receipt.purge.dueBy ? `, due by ${e(day(receipt.purge.dueBy))}` : ""}`]);
  if (s.hold) out.push(["legal hold", e(s.hold)]);
  if (s.withdrawRequested) out.push(["withdrawal", "requested"]);
  if (s.attention) out.push(["attention", `<b>${e(s.attention.code)}</b>: ${e(s.attention.message)}`]);
  return out;
}

/** One request's section; `expand` opens it on screen (print opens every one). */
export function requestSection(r: ReportRequest, expand: boolean): string {
  const s = r.status;
  const open = expand || OPEN(s.state) || s.overdue;
  return `<section class="request" id="${e(s.id)}" data-request-id="${e(s.id)}"><details${open ? " open" : ""}>
<summary><h3><code>${e(s.id)}</code> · ${e(s.kind)} · ${badge(`s-${s.state}`, s.state)}${s.overdue ? ` <span class="badge flag">OVERDUE</span>` : ""}</h3></summary>
<div class="body"><dl class="facts">${facts(r)
    .map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`)
    .join("")}</dl>
<div class="branches">${s.branches.map((b) => branchBlock(r, b)).join("\n")}</div>
<details class="audit"><summary>Audit trail: ${e(r.audit.entries.length)} entries, hash chain ${r.audit.valid ? '<span class="ok">intact ✓</span>' : '<b class="warn-text">BROKEN ✗</b>'}</summary>
${auditTable(r.audit.entries)}</details>
</div></details></section>`;
}
