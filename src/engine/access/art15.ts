/**
 * The information GDPR Art. 15(1) (and 15(2)) entitles a person to with their data, one heading per
 * point: who the controller is, purposes (a), categories (b), recipients (c) and transfers outside
 * the EEA (15(2)), retention (d), rights (e), complaint (f), source (g), automated decisions (h).
 * It comes from `createFanout({ controller, purposes, recipients })` and the adapters'
 * presentations; what the controller did not fill in shows as a visible placeholder naming the
 * option, never as an invented statement.
 */
import { escapeHtml as e } from "../../html.js";
import {
  type AccessLanguage,
  DATA_CATEGORIES,
  type DataCategory,
  type LocalizedText,
  localize,
} from "../../presentation.js";
import type { RecipientInfo } from "../types.js";
import type { Formatter } from "./format.js";
import { ART15_KEYS, type Art15Key, type Messages } from "./messages.js";
import type { ServiceModel } from "./model.js";
import type { AccessSettings } from "./settings.js";

/** EEA member states (EU 27 + Iceland, Liechtenstein, Norway): a recipient elsewhere is a transfer (Art. 15(2)). */
const EEA = new Set(
  "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split(" "),
);

/** A visible gap: what the controller did not configure, and the option that fills it. */
export function placeholder(m: Messages, option: string): string {
  return `<span class="placeholder" data-option="${e(option)}">${e(m.placeholder)} <code>${e(option)}</code></span>`;
}

/** Multi-line configured text as HTML (newlines kept). */
function statement(text: LocalizedText, language: AccessLanguage): string {
  return `<span class="statement">${e(localize(text, language))}</span>`;
}

/** The purpose of a service: its own entry in `purposes`, else `"*"`, else a placeholder. */
export function purposeHtml(
  settings: AccessSettings,
  serviceId: string,
  m: Messages,
  language: AccessLanguage,
): string {
  const text = settings.purposes?.[serviceId] ?? settings.purposes?.["*"];
  return text ? statement(text, language) : placeholder(m, `purposes.${serviceId}`);
}

function recipientLine(
  r: RecipientInfo,
  services: readonly ServiceModel[],
  m: Messages,
  language: AccessLanguage,
): string {
  const service = r.adapter ? services.find((s) => s.id === r.adapter) : undefined;
  const parts = [
    `<b>${e(localize(r.name, language))}</b>${service ? ` (${e(service.name)})` : ""}`,
    r.purpose ? statement(r.purpose, language) : "",
    r.country ? `${e(m.art15.country)}: ${e(r.country)}` : "",
  ].filter(Boolean);
  return `<li>${parts.join(" — ")}</li>`;
}

function transfers(settings: AccessSettings, m: Messages, language: AccessLanguage): string {
  const list = settings.recipients;
  if (list === null) return `<p>${placeholder(m, "recipients[].country")}</p>`;
  const outside = list.filter((r) => r.country !== undefined && !EEA.has(r.country));
  const unknown = list.filter((r) => r.country === undefined);
  const rows = outside.map(
    (r) =>
      `<li><b>${e(localize(r.name, language))}</b> — ${e(m.art15.country)}: ${e(r.country)} — ${e(m.art15.safeguards)}: ${
        r.safeguards
          ? statement(r.safeguards, language)
          : placeholder(m, `recipients[${list.indexOf(r)}].safeguards`)
      }</li>`,
  );
  const missing = unknown.length
    ? `<p>${e(m.art15.transfersUnknown)}: ${placeholder(m, `recipients[${list.indexOf(unknown[0]!)}].country`)}</p>`
    : "";
  if (rows.length) return `<ul>${rows.join("")}</ul>${missing}`;
  return missing || `<p>${e(m.art15.noTransfers)}</p>`;
}

function body(
  key: Art15Key,
  services: readonly ServiceModel[],
  settings: AccessSettings,
  f: Formatter,
  language: AccessLanguage,
): string {
  const m = f.messages;
  const c = settings.controller;
  const text = (value: LocalizedText | undefined, option: string) =>
    value ? statement(value, language) : placeholder(m, option);
  const contact = c.contact ? e(c.contact) : placeholder(m, "controller.contact");
  switch (key) {
    case "controller":
      return `<dl class="facts"><dt>${e(m.art15.name)}</dt><dd>${c.name ? e(c.name) : placeholder(m, "controller.name")}</dd><dt>${e(m.art15.contact)}</dt><dd>${contact}</dd><dt>${e(m.art15.dpo)}</dt><dd>${c.dpo ? e(c.dpo) : placeholder(m, "controller.dpo")}</dd></dl>`;
    case "a": {
      // Services with the same purpose share one line (a `"*"` purpose is one line for all).
      const lines = new Map<string, string[]>();
      for (const s of services) {
        const html = purposeHtml(settings, s.id, m, language);
        lines.set(html, [...(lines.get(html) ?? []), s.name]);
      }
      return `<ul>${[...lines].map(([html, names]) => `<li><b>${e(names.join(", "))}</b>: ${html}</li>`).join("")}</ul>`;
    }
    case "b": {
      const held = DATA_CATEGORIES.filter((cat) => services.some((s) => s.categories.includes(cat)));
      const which = (cat: DataCategory) =>
        services.filter((s) => s.categories.includes(cat)).map((s) => s.name);
      return `<p>${e(m.art15.categoriesLead)}</p><ul>${held
        .map(
          (cat) =>
            `<li>${e(m.categories[cat])} <span class="muted">(${e(which(cat).join(", "))})</span></li>`,
        )
        .join("")}</ul>`;
    }
    case "c": {
      const named = settings.recipients ?? [];
      const byService = services
        .map((s) => {
          const own = named.filter((r) => r.adapter === s.id);
          return `<li><b>${e(s.name)}</b>${own.length ? ` — ${own.map((r) => `${e(localize(r.name, language))}${r.country ? ` (${e(r.country)})` : ""}`).join("; ")}` : ""}</li>`;
        })
        .join("");
      const others = named.filter((r) => r.adapter === undefined);
      const rest =
        settings.recipients === null
          ? `<p>${e(m.art15.otherRecipients)}: ${placeholder(m, "recipients")}</p>`
          : others.length
            ? `<p>${e(m.art15.otherRecipients)}:</p><ul>${others.map((r) => recipientLine(r, services, m, language)).join("")}</ul>`
            : "";
      return `<p>${e(m.art15.processors)}</p><ul>${byService}</ul>${rest}`;
    }
    case "transfers":
      return transfers(settings, m, language);
    case "d": {
      const own = services.filter((s) => s.presentation?.retention);
      return `<p><b>${e(m.art15.ourPolicy)}:</b> ${text(c.retention, "controller.retention")}</p>${
        own.length
          ? `<p><b>${e(m.art15.perService)}:</b></p><ul>${own.map((s) => `<li><b>${e(s.name)}</b>: ${statement(s.presentation!.retention!, language)}</li>`).join("")}</ul>`
          : ""
      }`;
    }
    case "e":
      return `<p>${e(m.art15.rights)} ${e(m.art15.writeTo)}: ${contact}.</p><p>${e(m.portability)}</p>`;
    case "f":
      return `<p>${e(m.art15.complaint)}</p>${c.authority ? `<p>${e(m.art15.authority)}: ${statement(c.authority, language)}</p>` : ""}`;
    case "g":
      return `<p>${e(m.art15.sourceYou)} ${text(c.source, "controller.source")}</p>`;
    case "h":
      return `<p>${text(c.automatedDecisions, "controller.automatedDecisions")}</p>`;
  }
}

/** The "what else you have a right to know" section. */
export function art15Section(
  services: readonly ServiceModel[],
  settings: AccessSettings,
  f: Formatter,
  language: AccessLanguage,
): string {
  const m = f.messages;
  const parts = ART15_KEYS.map(
    (key) =>
      `<section class="art15-item" id="art15-${key}" data-art15="${key}"><h3>${e(m.art15.headings[key])}</h3>${body(key, services, settings, f, language)}</section>`,
  );
  return `<section id="art15" aria-labelledby="art15-h"><h2 id="art15-h">${e(m.art15.heading)}</h2><p>${e(m.art15.lead)}</p>${parts.join("")}</section>`;
}
