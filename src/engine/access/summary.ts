/**
 * The summary at the top of the access page: how many records in how many services, then one card
 * per service with its purpose, the kinds of data it holds, its record count and since when.
 */
import { escapeHtml as e } from "../../html.js";
import type { AccessLanguage } from "../../presentation.js";
import { purposeHtml } from "./art15.js";
import type { Formatter } from "./format.js";
import type { ServiceModel } from "./model.js";
import type { AccessSettings } from "./settings.js";

export function summarySection(
  services: readonly ServiceModel[],
  settings: AccessSettings,
  f: Formatter,
  language: AccessLanguage,
): string {
  const m = f.messages;
  const total = services.reduce((n, s) => n + s.count, 0);
  const cards = services
    .map((s) => {
      const facts = [
        `<span class="count">${e(m.records(s.count, f.number(s.count)))}</span>`,
        s.since !== null ? `<span>${e(m.since(f.date(s.since)))}</span>` : "",
        s.status === "failed" ? `<span class="warning">${e(m.failedShort)}</span>` : "",
        s.status === "not_searched" ? `<span class="warning">${e(m.notSearchedShort)}</span>` : "",
      ].filter(Boolean);
      const categories = s.categories.length
        ? `<ul class="chips" aria-label="${e(m.kindsOfData)}">${s.categories.map((c) => `<li>${e(m.categories[c])}</li>`).join("")}</ul>`
        : "";
      return `<li class="svc-card" data-service="${e(s.id)}" data-records="${s.count}"><a href="#${e(`svc-${s.id}`)}"><b>${e(s.name)}</b></a> <span class="facts">${facts.join(' <span aria-hidden="true">·</span> ')}</span>
<p class="purpose">${e(m.usedFor)}: ${purposeHtml(settings, s.id, m, language)}</p>${categories}</li>`;
    })
    .join("\n");
  return `<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">${e(m.summary)}</h2>
<p class="lead">${e(m.summaryLead(m.records(total, f.number(total)), m.services(services.length, f.number(services.length))))}</p>
<ul class="svc-cards">${cards}</ul></section>`;
}
