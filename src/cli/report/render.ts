/**
 * The operator report: one self-contained HTML page (inline CSS, a CSP that forbids any fetch, no
 * script) for a data-protection officer to read on screen or file on paper. Cards whose numbers
 * are the lengths of the lists they link to, what needs attention (one entry per request), a table
 * of requests, every request in detail (open in print, one per page), and a legend. With
 * `single`, one request alone. Every value is escaped; subjects appear as fingerprints unless
 * identifiers were revealed for open requests.
 */
import { escapeHtml as e, PAGE_CSP } from "../../html.js";
import { attentionByRequest } from "./attention.js";
import type { ReportData, ReportRequest } from "./collect.js";
import { legendSection } from "./legend.js";
import {
  badge,
  branchLabel,
  day,
  OPEN,
  outcomeClass,
  requestSection,
  subjectCell,
} from "./request-section.js";
import { REPORT_CSS } from "./style.js";

/** A summary card: `value` is the number of items of the list at `href`. */
function card(key: string, label: string, value: number, href: string, bad = false): string {
  return `<li><a class="card${bad && value > 0 ? " bad" : ""}" data-card="${e(key)}" href="${e(href)}"><b>${value}</b><span>${e(label)}</span></a></li>`;
}

/** The providers grouped by what their branch came to: one line per outcome. */
function outcomes(r: ReportRequest): string {
  const groups = new Map<string, { cls: string; adapters: string[] }>();
  for (const b of r.status.branches) {
    const label = branchLabel(r, b);
    const group = groups.get(label) ?? { cls: outcomeClass(label, b), adapters: [] };
    group.adapters.push(b.adapter);
    groups.set(label, group);
  }
  return [...groups]
    .map(([label, g]) => `<div class="outcome">${badge(g.cls, label)} ${e(g.adapters.join(", "))}</div>`)
    .join("");
}

function requestRow(r: ReportRequest): string {
  const s = r.status;
  return `<tr class="request-row${s.overdue ? " overdue" : ""}" data-request-id="${e(s.id)}" data-state="${e(s.state)}"${OPEN(s.state) ? " data-open" : ""}${s.hold ? " data-hold" : ""}>
<td data-label="request"><a href="#${e(s.id)}"><code>${e(s.id)}</code></a></td><td data-label="kind">${e(s.kind)}</td>
<td data-label="state">${badge(`s-${s.state}`, s.state)}${s.hold && s.state !== "held" ? ` ${badge("s-held", "hold")}` : ""}</td>
<td data-label="subject">${subjectCell(r)}</td><td data-label="created" class="time">${e(day(s.createdAt))}</td><td data-label="due" class="time">${e(day(s.dueAt))}</td>
<td data-label="overdue">${s.overdue ? `<span class="badge flag">OVERDUE</span>` : ""}</td><td data-label="outcomes">${outcomes(r)}</td></tr>`;
}

function overview(data: ReportData): string {
  const reqs = data.requests;
  const attention = attentionByRequest(data);
  const count = (f: (r: ReportRequest) => boolean) => reqs.filter(f).length;
  const cards = [
    card("requests", "requests", reqs.length, "#requests"),
    card(
      "open",
      "open",
      count((r) => OPEN(r.status.state)),
      "#requests",
    ),
    card(
      "overdue",
      "overdue",
      count((r) => r.status.overdue),
      "#requests",
      true,
    ),
    card("attention", "need attention", attention.length, "#attention", true),
    card(
      "hold",
      "on hold",
      count((r) => r.status.hold !== null),
      "#requests",
    ),
    card(
      "completed",
      "completed",
      count((r) => r.status.state === "completed"),
      "#requests",
    ),
    card(
      "withdrawn",
      "withdrawn",
      count((r) => r.status.state === "withdrawn"),
      "#requests",
    ),
  ].join("");
  const list = attention.length
    ? `<ul class="attention" id="attention-list">${attention
        .map(
          ({ request, items }) =>
            `<li class="${e(items[0]?.severity ?? "warning")}" data-request-id="${e(request.status.id)}"><a href="#${e(request.status.id)}"><code>${e(request.status.id)}</code></a> ${badge(`s-${request.status.state}`, request.status.state)}<ul>${items
              .map((i) => `<li class="${e(i.severity)}">${e(i.text)}</li>`)
              .join("")}</ul></li>`,
        )
        .join("")}</ul>`
    : `<p class="ok">Nothing needs attention.</p>`;
  const table = reqs.length
    ? `<table id="requests-table" class="requests">${["request", "kind", "state", "subject", "created", "due", "overdue", "outcomes"].map((c) => `<col class="c-${c}">`).join("")}<thead><tr><th>request</th><th>kind</th><th>state</th><th>subject</th><th>created (UTC)</th><th>due (UTC)</th><th>overdue</th><th>outcome per provider</th></tr></thead>
<tbody>${reqs.map(requestRow).join("\n")}</tbody></table>`
    : `<p class="muted">No requests in this store.</p>`;
  return `<nav aria-label="Summary"><ul class="cards">${cards}</ul></nav>
<section id="attention" aria-labelledby="attention-h"><h2 id="attention-h">Needs attention</h2>${list}</section>
<section id="requests" aria-labelledby="requests-h"><h2 id="requests-h">Requests</h2>${table}</section>`;
}

/** Renders the report page. */
export function renderReport(data: ReportData): string {
  const reqs = data.requests;
  const only = data.single ? reqs[0] : undefined;
  const title = only
    ? `Request ${only.status.id} — gdpr-fanout report`
    : `gdpr-fanout report — ${data.generatedAt.slice(0, 10)}`;
  const heading = only ? `Request <code>${e(only.status.id)}</code>` : "gdpr-fanout — data-subject requests";
  const body = only
    ? `${attentionByRequest(data).length ? overviewAttention(data) : ""}${requestSection(only, true)}`
    : `${overview(data)}
<section id="details" aria-labelledby="details-h"><h2 id="details-h">Per request</h2>${reqs.map((r) => requestSection(r, reqs.length <= 5)).join("\n")}</section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(PAGE_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${e(title)}</title><style>${REPORT_CSS}</style></head>
<body${only ? ' class="single"' : ""}><a class="skip" href="#main">Skip to the report</a><header><h1>${heading}</h1>
<p>Generated ${e(day(data.generatedAt))} UTC from the ${e(data.store)} store · ${only ? "one request" : `${e(reqs.length)} requests${data.truncated ? " (more exist: raise --limit)" : ""}`} · subjects shown as keyed fingerprints${data.showSubjects ? "; identifiers of open requests revealed (--show-subjects): handle this file as personal data" : ""}</p></header>
<main id="main">${body}
${legendSection()}
</main><footer>Times in UTC. The audit trail is append-only and hash-chained. Receipts: <code>gdpr-fanout receipt &lt;id&gt; --verify</code>.</footer></body></html>
`;
}

function overviewAttention(data: ReportData): string {
  const items = attentionByRequest(data).flatMap((g) => g.items);
  return `<section id="attention" aria-labelledby="attention-h"><h2 id="attention-h">Needs attention</h2><ul class="attention flat">${items
    .map((i) => `<li class="${e(i.severity)}">${e(i.text)}</li>`)
    .join("")}</ul></section>`;
}
