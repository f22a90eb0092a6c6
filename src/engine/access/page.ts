/**
 * The access package's `index.html`, assembled: a letter from the controller (who, when, what this
 * is), the summary, one section per service, and the Art. 15(1) information. Self-contained (inline
 * CSS, a CSP that forbids any fetch, no script); every value escaped.
 */
import { escapeHtml as e, PAGE_CSP } from "../../html.js";
import type { AccessLanguage } from "../../presentation.js";
import { art15Section, purposeHtml } from "./art15.js";
import { Formatter } from "./format.js";
import { messagesFor } from "./messages.js";
import { type ServiceInput, serviceModel } from "./model.js";
import { serviceSection } from "./service-section.js";
import type { AccessSettings } from "./settings.js";
import { ACCESS_CSS } from "./style.js";
import { summarySection } from "./summary.js";

/** Everything the page is made of. */
export interface AccessPageInput {
  readonly requestId: string;
  /** When the package was prepared (ISO 8601, from the engine's clock). */
  readonly preparedAt: string;
  readonly language: AccessLanguage;
  readonly settings: AccessSettings;
  readonly services: readonly ServiceInput[];
}

export function renderAccessPage(input: AccessPageInput): string {
  const { language, settings } = input;
  const m = messagesFor(language);
  const f = new Formatter(m);
  const services = input.services.map((s) => serviceModel(s, language));
  const controller = settings.controller.name ?? null;
  const prepared = f.date(Date.parse(input.preparedAt));
  const toc = [
    `<li><a href="#summary">${e(m.summary)}</a></li>`,
    ...services.map((s) => `<li><a href="#${e(`svc-${s.id}`)}">${e(s.name)}</a></li>`),
    `<li><a href="#art15">${e(m.art15.heading)}</a></li>`,
  ].join("");
  return `<!doctype html>
<html lang="${e(m.htmlLang)}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(PAGE_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<title>${e(m.title(controller))}</title><style>${ACCESS_CSS}</style></head>
<body><a class="skip" href="#summary">${e(m.skipToSummary)}</a>
<header><h1>${e(m.title(controller))}</h1>
<p>${e(m.request(input.requestId))} · ${e(prepared)} · ${e(m.timesInUtc)}</p></header>
<main><p class="lead">${e(m.intro(controller, prepared))}</p>
<nav class="toc" aria-label="${e(m.onThisPage)}"><b>${e(m.onThisPage)}</b><ul>${toc}</ul></nav>
${summarySection(services, settings, f, language)}
${services.map((s) => serviceSection(s, purposeHtml(settings, s.id, m, language), f, language)).join("\n")}
${art15Section(services, settings, f, language)}
</main><footer><p>${e(m.portability)} ${e(m.checksums)}</p></footer></body></html>
`;
}
