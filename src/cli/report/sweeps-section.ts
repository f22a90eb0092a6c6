/**
 * The report's "Retention sweeps" section: each policy's run per adapter (from the store's sweep
 * rows: state, cut-off, counts; never the sealed cursor) and what became of the requests the
 * sweeps filed (those in the report, by their reason `retention-sweep:<policy>`). Uses the
 * report's existing styles; hooked into the overview by render.ts.
 */
import type { Fanout } from "../../engine/create-fanout.js";
import { escapeHtml as e } from "../../html.js";
import type { SweepRecord } from "../../store/types.js";
import type { ReportData } from "./collect.js";

/** One sweep row as the report shows it (no cursor). */
export type ReportSweep = Omit<SweepRecord, "cursor" | "owner" | "leaseUntil"> & { readonly active: boolean };

/** The store's sweep rows (an empty list for a store that keeps none). */
export async function collectSweeps(fanout: Fanout, now = Date.now()): Promise<ReportSweep[]> {
  const rows = (await fanout.store.listSweeps?.()) ?? [];
  return rows.map(({ cursor: _cursor, owner, leaseUntil, ...row }) => ({
    ...row,
    active: owner !== null && leaseUntil !== null && leaseUntil >= now,
  }));
}

const day = (ms: number | null) =>
  ms === null ? "—" : new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/** The section's HTML, or "" when no sweep ever ran. */
export function renderSweeps(data: ReportData & { readonly sweeps?: readonly ReportSweep[] }): string {
  const sweeps = data.sweeps ?? [];
  if (sweeps.length === 0) return "";
  const rows = sweeps
    .map((s) => {
      const state =
        s.state === "done" ? "done" : s.active ? "running" : "interrupted (the next sweep resumes it)";
      const cls = s.state === "done" ? "s-completed" : s.active ? "" : "s-held";
      return `<tr data-sweep="${e(s.key)}"><td data-label="policy">${e(s.policy)}</td><td data-label="adapter"><b>${e(s.adapterId)}</b></td>
<td data-label="run"><span class="badge ${cls}">${e(state)}</span></td><td data-label="cut-off" class="time">${e(day(s.olderThan))}</td>
<td data-label="started" class="time">${e(day(s.startedAt))}</td><td data-label="finished" class="time">${e(day(s.completedAt))}</td>
<td data-label="expired">${e(s.counts.found)}</td><td data-label="filed">${e(s.counts.filed)}</td><td data-label="already filed">${e(s.counts.existing)}</td>
<td data-label="held">${e(s.counts.held ?? 0)}</td><td data-label="unchecked">${e(s.counts.unchecked ?? 0)}</td><td data-label="resumed">${e(s.resumes)}</td></tr>`;
    })
    .join("\n");
  const byPolicy = new Map<string, Map<string, number>>();
  for (const r of data.requests) {
    const policy = /^retention-sweep:(\w+)$/.exec(r.status.reason ?? "")?.[1];
    if (!policy) continue;
    const states = byPolicy.get(policy) ?? new Map<string, number>();
    states.set(r.status.state, (states.get(r.status.state) ?? 0) + 1);
    byPolicy.set(policy, states);
  }
  const filed = [...byPolicy]
    .map(
      ([policy, states]) =>
        `<li><b>${e(policy)}</b>: ${[...states].map(([state, n]) => `${e(n)} ${e(state)}`).join(", ")}</li>`,
    )
    .join("");
  // Same shape as the report's other sections; `requests` stacks the rows on a phone (style.ts).
  return `<section id="sweeps" aria-labelledby="sweeps-h"><h2 id="sweeps-h">Retention sweeps</h2>
<table id="sweeps-table" class="requests sweeps"><thead><tr><th>policy</th><th>adapter</th><th>run</th><th>cut-off (UTC)</th><th>started</th><th>finished</th><th>expired</th><th>filed</th><th>already filed</th><th title="not filed: a subject hold covers them">held</th><th title="no email or phone reported: a hold placed by email cannot reach them">unchecked</th><th>resumed</th></tr></thead>
<tbody>${rows}</tbody></table>
${sweeps.some((s) => (s.counts.unchecked ?? 0) > 0) ? `<p class="muted">Unchecked: the adapter reports no email or phone for those records, so a subject hold placed by email or phone could not be checked before filing (docs/sweeps.md).</p>` : ""}
${filed ? `<p class="muted">Requests the sweeps filed, among those in this report:</p><ul>${filed}</ul>` : ""}</section>`;
}
