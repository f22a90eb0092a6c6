/**
 * The operator report: one self-contained HTML page (inline CSS, a CSP that forbids any fetch, no
 * script) with every request's state, due date and overdue flag, per-provider branch timelines
 * from the step log, outcomes, the audit trail, and what needs attention. Every value is escaped;
 * subjects appear as fingerprints unless identifiers were revealed for open requests.
 */
import { escapeHtml as e, PAGE_CSP } from "../../html.js";
import type { StepLogEntry } from "../../store/types.js";
import { waitingWords } from "../branch-words.js";
import { humanDuration } from "../output.js";
import { attentionItems, type ReportData, type ReportRequest } from "./collect.js";
import { REPORT_CSS } from "./style.js";

const OPEN = (state: string) => state !== "completed" && state !== "withdrawn";
const day = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : "—");
const badge = (cls: string, text: string) => `<span class="badge ${e(cls)}">${e(text)}</span>`;

function card(label: string, value: number, bad = false): string {
  return `<div class="card${bad && value > 0 ? " bad" : ""}"><b>${value}</b><span>${e(label)}</span></div>`;
}

function subjectCell(r: ReportRequest, full = false): string {
  const fp = r.status.subject;
  const short = full ? `<code>${e(fp)}</code>` : `<code title="${e(fp)}">${e(fp.slice(0, 16))}…</code>`;
  return r.subject ? `${short}<br><span class="mono">${e(r.subject)}</span>` : short;
}

type Branch = ReportRequest["status"]["branches"][number];

/** What a branch came to, or where it is. */
function branchLabel(r: ReportRequest, b: Branch): string {
  if (b.outcome) return b.outcome;
  if (b.state === "failed") return "failed";
  if (b.state === "compensated") return "undone";
  if (b.state === "done" && r.status.kind === "export") return "exported";
  if (b.state === "ready" && b.step === "relocate" && r.status.pivotAt === null) return waitingWords(b);
  return b.state === "waiting_retry" ? `retrying ${b.step}` : b.step;
}

function outcomes(r: ReportRequest): string {
  return r.status.branches
    .map((b) => {
      const label = branchLabel(r, b);
      const cls = `o-${label === "failed" || label === "exported" ? label : (b.outcome ?? "none")}`;
      return `<span class="badge ${e(cls)}" title="${e(`${b.adapter}: ${label}`)}">${e(b.adapter)}: ${e(label)}</span>`;
    })
    .join(" ");
}

function requestRow(r: ReportRequest): string {
  const s = r.status;
  return `<tr class="request-row${s.overdue ? " overdue" : ""}" data-request-id="${e(s.id)}" data-state="${e(s.state)}">
<td><a href="#${e(s.id)}"><code>${e(s.id)}</code></a></td><td>${e(s.kind)}${s.tenant ? `<br><span class="muted">tenant ${e(s.tenant)}</span>` : ""}${s.scope === "integration" ? `<br><span class="muted">integration scope</span>` : ""}</td>
<td>${badge(`s-${s.state}`, s.state)}${s.hold && s.state !== "held" ? ` ${badge("s-held", "hold")}` : ""}</td>
<td>${subjectCell(r)}</td><td class="time">${e(day(s.createdAt))}</td><td class="time">${e(day(s.dueAt))}</td>
<td>${s.overdue ? `<span class="badge flag">OVERDUE</span>` : ""}</td><td>${outcomes(r)}</td></tr>`;
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
  return `<div class="timeline">${steps.map((s) => stepChip(s, t0)).join('<span class="arrow">→</span>')}</div>`;
}

function requestSection(r: ReportRequest, expand: boolean): string {
  const s = r.status;
  const facts: [string, string][] = [
    ["subject", subjectCell(r, true)],
    ["created", e(day(s.createdAt))],
    ["due", `${e(day(s.dueAt))}${s.overdue ? ` <span class="badge flag">OVERDUE</span>` : ""}`],
  ];
  if (s.tenant) facts.push(["tenant", e(s.tenant)]);
  if (s.scope === "integration") facts.push(["scope", "integration (only what the integration wrote)"]);
  if (s.instruction)
    facts.push([
      "controller's instruction",
      `${e(s.instruction.reference)} <span class="muted">(${e(day(s.instruction.at))})</span>`,
    ]);
  if (s.kind === "erase") facts.push(["erase after", e(day(s.after))]);
  if (s.reason) facts.push(["reason", e(s.reason)]);
  if (s.pivotAt)
    facts.push(["pivot", `${e(day(s.pivotAt))} <span class="muted">(no compensation after this)</span>`]);
  if (s.completedAt) facts.push(["finished", e(day(s.completedAt))]);
  if (s.hold) facts.push(["legal hold", e(s.hold)]);
  if (s.withdrawRequested) facts.push(["withdrawal", "requested"]);
  if (s.attention) facts.push(["attention", `<b>${e(s.attention.code)}</b>: ${e(s.attention.message)}`]);
  const branchRows = s.branches
    .map(
      (b) => `<tr data-adapter="${e(b.adapter)}"><td><b>${e(b.adapter)}</b></td>
<td>${badge(`o-${b.outcome ?? (b.state === "failed" ? "failed" : b.state === "done" ? "exported" : "none")}`, branchLabel(r, b))}</td>
<td>${b.records === null ? "—" : e(b.records)}</td><td>${timeline(r, b.adapter)}</td>
<td class="time">${b.eta ? e(day(b.eta)) : "—"}</td>
<td>${e(b.jobs.map((j) => `${j.kind} ${j.id}${j.status ? ` (${j.status})` : ""}`).join(", ") || "—")}</td>
<td>${b.error ? `<b>${e(b.error.code)}</b> ${e(b.error.message)}` : ""}${b.compensation ? ` <span class="muted">compensation ${e(b.compensation.state)}</span>` : ""}${b.detail ? `<div class="muted">${e(b.detail)}</div>` : ""}</td></tr>`,
    )
    .join("\n");
  const auditRows = r.audit.entries
    .map((a) => {
      const data = JSON.stringify(a.data);
      return `<tr><td>${e(a.seq)}</td><td>${e(new Date(a.at).toISOString())}</td><td><code>${e(a.type)}</code></td><td class="mono">${e(data.length > 200 ? `${data.slice(0, 200)}…` : data)}</td><td class="mono">${e(a.hash.slice(0, 12))}</td></tr>`;
    })
    .join("\n");
  return `<section class="request" id="${e(s.id)}"><details${expand || OPEN(s.state) || s.overdue ? " open" : ""}>
<summary><code>${e(s.id)}</code> · ${e(s.kind)} · ${badge(`s-${s.state}`, s.state)}${s.overdue ? ` <span class="badge flag">OVERDUE</span>` : ""}</summary>
<div class="body"><dl class="facts">${facts.map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`).join("")}</dl>
<table><thead><tr><th>provider</th><th>outcome</th><th title="provider records located">located</th><th>timeline (step log, time since the request)</th><th>purged by</th><th>provider jobs</th><th>notes</th></tr></thead>
<tbody>${branchRows}</tbody></table>
<details class="audit"><summary>audit trail: ${e(r.audit.entries.length)} entries, hash chain ${r.audit.valid ? '<span class="ok">intact ✓</span>' : '<b style="color:var(--red)">BROKEN ✗</b>'}</summary>
<table><thead><tr><th>#</th><th>at</th><th>event</th><th>data</th><th>hash</th></tr></thead><tbody>${auditRows}</tbody></table></details>
</div></details></section>`;
}

/** Renders the report page. */
export function renderReport(data: ReportData): string {
  const reqs = data.requests;
  const items = attentionItems(data);
  const count = (f: (r: ReportRequest) => boolean) => reqs.filter(f).length;
  const cards = [
    card("requests", reqs.length),
    card(
      "open",
      count((r) => OPEN(r.status.state)),
    ),
    card(
      "overdue",
      count((r) => r.status.overdue),
      true,
    ),
    card(
      "need attention",
      count((r) => r.status.state === "needs_attention"),
      true,
    ),
    card(
      "on hold",
      count((r) => r.status.hold !== null),
    ),
    card(
      "completed",
      count((r) => r.status.state === "completed"),
    ),
    card(
      "withdrawn",
      count((r) => r.status.state === "withdrawn"),
    ),
  ].join("");
  const attention = items.length
    ? `<ul class="attention">${items.map((i) => `<li class="${e(i.severity)}"><a href="#${e(i.requestId)}"><code>${e(i.requestId)}</code></a> — ${e(i.text)}</li>`).join("")}</ul>`
    : `<p class="ok">Nothing needs attention.</p>`;
  const table = reqs.length
    ? `<table id="requests"><thead><tr><th>request</th><th>kind</th><th>state</th><th>subject</th><th>created (UTC)</th><th>due (UTC)</th><th>overdue</th><th>outcome per provider</th></tr></thead>
<tbody>${reqs.map(requestRow).join("\n")}</tbody></table>`
    : `<p class="muted">No requests in this store.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(PAGE_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>gdpr-fanout report — ${e(data.generatedAt.slice(0, 10))}</title><style>${REPORT_CSS}</style></head>
<body><header><h1>gdpr-fanout — data-subject requests</h1>
<p>Generated ${e(day(data.generatedAt))} UTC from the ${e(data.store)} store · ${e(reqs.length)} requests${data.truncated ? " (more exist: raise --limit)" : ""} · subjects shown as keyed fingerprints${data.showSubjects ? "; identifiers of open requests revealed (--show-subjects): handle this file as personal data" : ""}</p></header>
<main><div class="cards">${cards}</div>
<h2>Needs attention</h2>${attention}
<h2>Requests</h2>${table}
<h2>Per request</h2>${reqs.map((r) => requestSection(r, reqs.length <= 5)).join("\n")}
</main><footer>Times in UTC. Timelines come from the step log: ✓ succeeded, ↻ retried, ✗ failed. The audit trail is append-only and hash-chained. Receipts: <code>gdpr-fanout receipt &lt;id&gt; --verify</code>.</footer></body></html>
`;
}
