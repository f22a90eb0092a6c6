/**
 * What the report's words mean: outcomes, what remains (residual reasons), coverage, the counts
 * (`located` and `deleted` differ per provider), restrictions, purges and the timeline icons.
 * Everything a branch shows is explained here once.
 */
import { escapeHtml as e } from "../../html.js";

const OUTCOMES: readonly [string, string][] = [
  ["erased", "The data is gone at the provider, and a check after the delete found nothing live."],
  [
    "anonymized",
    "Records kept with their personal fields removed (e.g. invoices with the billing details cleared).",
  ],
  [
    "not_found",
    "The provider's search found nothing — by the identifier kinds listed under coverage, among the record types listed there. It says nothing about identifiers that were not searched.",
  ],
  [
    "scheduled",
    "The provider accepted an irreversible deletion and purges by the date shown; checked again after it.",
  ],
  ["retained", "Kept on a legal basis (shown with it)."],
  [
    "manual_required",
    "The API cannot do it: the note says what a person must do. NO_USABLE_IDENTIFIER: the subject had no identifier this provider can be searched by, so nothing was searched.",
  ],
  ["failed", "The branch gave up: see its error."],
  ["exported", "Access requests: the provider's data was written to the access package."],
];

const RESIDUALS: readonly [string, string][] = [
  ["provider_retains", "The provider keeps it by design (invoices for accounting, bounce logs)."],
  ["restorable", "Soft-deleted: someone can restore it until the date shown, then it is gone."],
  [
    "not_covered",
    "Exists or may exist where this adapter cannot reach (users without a token, objects outside its scope).",
  ],
  ["legal_retention", "Kept on a legal basis (Art. 17(3), basis shown) until the date shown."],
];

const COVERAGE: readonly [string, string][] = [
  ["searched by", "The kinds of identifier actually searched (email, phone, id) — kinds, never values."],
  [
    "not searched",
    "Kinds the provider can be searched by that were not used (the subject had none of that kind).",
  ],
  ["types", "The record types the adapter looks for."],
  [
    "not reported",
    "The adapter did not say what it searched: its not_found only means its own lookup found nothing.",
  ],
  [
    "not recorded",
    "The request predates these facts (or the engine did not keep them): nothing is claimed either way.",
  ],
];

const COUNTS: readonly [string, string][] = [
  [
    "located",
    "Records the provider's search returned, by type: usually the top-level ones (a customer, a contact, a person, messages). One located record can carry many related ones.",
  ],
  [
    "deleted",
    "Records the delete removed or handed to the provider's purge, related ones included (calls, notes, files, invoices): so it can be larger than located. For an access request: records exported.",
  ],
  [
    "restriction",
    "What the first, reversible phase did: applied (to N records), pending, lifted, not supported, none; when it expires and how often it was renewed.",
  ],
  [
    "purge",
    "For scheduled deletions: pending until its due date, verified when a later check found it done, not confirmed when it did not.",
  ],
  [
    "compensation",
    "Undoing the restriction after a withdrawal or a failure: done, failed, not reversible, or partial (what could not be undone is listed).",
  ],
  ["timeline", "From the step log: ✓ succeeded, ↻ retried, ✗ failed, with the time since the request."],
];

function list(rows: readonly [string, string][], badge: (key: string) => string): string {
  return `<dl class="legend-list">${rows.map(([k, v]) => `<dt>${badge(k)}</dt><dd>${e(v)}</dd>`).join("")}</dl>`;
}

export function legendSection(): string {
  return `<section id="legend" aria-labelledby="legend-h"><h2 id="legend-h">What the words mean</h2>
<div class="legend-grid"><div><h3>Outcomes</h3>${list(OUTCOMES, (k) => `<span class="badge o-${e(k)}">${e(k)}</span>`)}</div>
<div><h3>What remains</h3>${list(RESIDUALS, (k) => `<span class="badge r-${e(k)}">${e(k)}</span>`)}
<p class="muted">"nothing reported": the adapter reported no residual data (a request recorded before residuals existed reads the same).</p>
<h3>Coverage</h3>${list(COVERAGE, (k) => `<b>${e(k)}</b>`)}</div>
<div><h3>Counts and phases</h3>${list(COUNTS, (k) => `<b>${e(k)}</b>`)}</div></div></section>`;
}
