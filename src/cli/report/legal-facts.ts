/**
 * The law's facts of one request in the report (see docs/saga.md): when it was received, its
 * deadline and the basis it runs on, extensions with their reasons, an expedited closure, subject
 * holds, records kept on a legal basis and the erasure scheduled for them, and a restriction
 * request's lifting (Art. 18(3): when and how the subject was told). Every value is escaped.
 */
import { escapeHtml as e } from "../../html.js";
import type { ReportRequest } from "./collect.js";

const day = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : "—");

const BASIS = {
  subject: "Art. 12(3), from receipt",
  controller: "the controller's own (retention window; no Art. 12 deadline)",
  retention: "after the legal retention ends",
} as const;

/** `[label, html]` rows; `kept` says whether the deadline was met (from the receipt), when known. */
export function legalFacts(s: ReportRequest["status"], kept: string | null): [string, string][] {
  const facts: [string, string][] = [];
  if (s.receivedAt) facts.push(["received", e(day(s.receivedAt))]);
  facts.push([
    "deadline",
    `${e(s.deadline.period)} <span class="muted">(${e(BASIS[s.deadline.basis])})</span>${kept ? ` · ${kept}` : ""}`,
  ]);
  for (const x of s.deadline.extensions)
    facts.push(["extended", `by ${e(x.by)} on ${e(day(x.at))}, due ${e(day(x.dueAt))}: ${e(x.reason)}`]);
  const ex = s.deadline.expedited;
  if (ex)
    facts.push([
      "expedited",
      `${e(day(ex.at))} <span class="muted">(asked ${e(day(ex.receivedAt))}; the wait would have ended ${e(day(ex.previousAfter))})</span>`,
    ]);
  for (const h of s.holds)
    facts.push([
      "subject hold",
      `<code>${e(h.id)}</code>${h.reference ? ` ${e(h.reference)}` : ""} on ${e(h.adapters ? h.adapters.join(", ") : "every adapter")}: ${e(h.reason)}`,
    ]);
  for (const k of s.retention.kept)
    facts.push([
      "kept",
      `${e(k.adapter)}: ${e(k.count)} ${e(k.type)} (${e(k.basis)}) until ${e(day(k.until))}`,
    ]);
  for (const f of s.retention.followUps)
    facts.push([
      "erasure scheduled",
      `<a href="#${e(f.requestId)}"><code>${e(f.requestId)}</code></a> on ${e(day(f.until))}`,
    ]);
  if (s.retention.retentionOf)
    facts.push([
      "erases",
      `what <a href="#${e(s.retention.retentionOf)}"><code>${e(s.retention.retentionOf)}</code></a> kept on a legal basis`,
    ]);
  const r = s.restriction;
  if (r?.restrictedAt)
    facts.push(["restricted", `${e(day(r.restrictedAt))} <span class="muted">(Art. 18)</span>`]);
  if (r?.lift)
    facts.push([
      "lift",
      `${e(r.lift.reason)}; subject told ${e(day(r.lift.subjectInformedAt))} by ${e(r.lift.informedBy)}${r.lift.liftedAt ? `; lifted ${e(day(r.lift.liftedAt))}` : ""}`,
    ]);
  return facts;
}
