/**
 * One service's part of the access page: its records by category and type, each record one line
 * (date and title) that opens to its labelled fields, the fields without a label under "other
 * fields", its attachments linked. Lists longer than {@link OPEN_LIST_MAX} start collapsed with
 * their count, so 2,500 records make a page a person can scroll.
 */
import type { ExportRecord } from "../../adapter.js";
import { escapeHtml as e } from "../../html.js";
import { type AccessLanguage, localize } from "../../presentation.js";
import { clip, type Formatter, htmlToText, labelOf, leaves, pathLabel, valueAt } from "./format.js";
import type { RecordView, ServiceModel, TypeGroup } from "./model.js";

/** A list of at most this many records starts open. */
export const OPEN_LIST_MAX = 10;

/** Field names that usually name a record, for types without a presentation. */
const TITLE_KEYS = [
  "name",
  "Full_Name",
  "title",
  "subject",
  "Subject",
  "number",
  "File_Name",
  "filename",
  "description",
  "email",
  "Email",
];

/** The link of a package file, relative to index.html. */
export const fileHref = (path: string) => path.split("/").map(encodeURIComponent).join("/");
const baseName = (path: string) => path.split("/").at(-1) ?? path;

function textValue(f: Formatter, text: string): string {
  const { text: shown, cut } = clip(text);
  return cut ? `${e(shown)} <small class="muted">(${e(f.messages.cutShort)})</small>` : e(shown);
}

function title(group: TypeGroup, record: ExportRecord, f: Formatter): string {
  const paths = group.spec?.title ?? TITLE_KEYS;
  const parts: string[] = [];
  for (const path of typeof paths === "string" ? [paths] : paths) {
    const value = valueAt(record.data, path);
    if (value === undefined || value === null || value === "" || typeof value === "object") continue;
    parts.push(typeof value === "string" ? htmlToText(value) : f.scalar(value));
    if (!group.spec?.title) break; // the first generic name found is enough
  }
  return clip(parts.join(" "), 120).text;
}

/** Up to two short labelled values (an amount, a status) for a record's one-line summary. */
function summaryFacts(group: TypeGroup, record: ExportRecord, f: Formatter): string {
  const spec = group.spec;
  if (!spec?.fields) return "";
  const skip = new Set([...(typeof spec.title === "string" ? [spec.title] : (spec.title ?? [])), spec.date]);
  const out: string[] = [];
  for (const [path, field] of Object.entries(spec.fields)) {
    if (out.length === 2) break;
    const format = typeof field === "object" && "format" in field ? field.format : "text";
    if (skip.has(path) || format === "date" || format === "boolean") continue;
    const value = f.field(record.data, path, field);
    if (value !== null && value.length <= 40) out.push(value);
  }
  return out.join(" · ");
}

/** Files whose name carries the record's id (`invoice-inv_123.pdf`, `file-1103-contract.pdf`). */
function filesOf(record: ExportRecord, files: ServiceModel["files"]): ServiceModel["files"] {
  const named =
    typeof valueAt(record.data, "file") === "string" ? String(valueAt(record.data, "file")) : null;
  const id = record.id.split("/").at(-1) ?? record.id;
  if (id.length < 4 && !named) return [];
  const token = new RegExp(`(^|[-_.])${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([-_.]|$)`);
  return files.filter((file) => {
    const name = baseName(file.path);
    return name === named || (id.length >= 4 && token.test(name));
  });
}

function fileLinks(files: ServiceModel["files"], f: Formatter): string {
  return files
    .map(
      (file) =>
        `<a class="file" href="${e(fileHref(file.path))}">${e(baseName(file.path))}</a> <small class="muted">${e(f.number(file.bytes))} B</small>`,
    )
    .join(", ");
}

function recordItem(
  group: TypeGroup,
  view: RecordView,
  service: ServiceModel,
  f: Formatter,
  language: AccessLanguage,
): string {
  const { record } = view;
  const shown = new Set<string>();
  const rows: string[] = [];
  for (const [path, spec] of Object.entries(group.spec?.fields ?? {})) {
    shown.add(path);
    const value = f.field(record.data, path, spec);
    if (value !== null)
      rows.push(`<dt>${e(localize(labelOf(spec), language))}</dt><dd>${textValue(f, value)}</dd>`);
  }
  const rest = leaves(record.data).filter(
    ([path]) => ![...shown].some((s) => path === s || path.startsWith(`${s}.`)),
  );
  const restRows = rest
    .map(([path, value]) => `<dt>${e(pathLabel(path))}</dt><dd>${textValue(f, f.plain(value, path))}</dd>`)
    .join("");
  const files = filesOf(record, service.files);
  const when =
    view.time === null
      ? ""
      : `<time datetime="${e(new Date(view.time).toISOString())}">${e(f.date(view.time))}</time>`;
  const name = title(group, record, f) || `${f.messages.untitled} ${record.id}`;
  const facts = summaryFacts(group, record, f);
  const body = [
    rows.length ? `<dl class="fields">${rows.join("")}</dl>` : "",
    files.length ? `<p class="attached">${e(f.messages.attachment)}: ${fileLinks(files, f)}</p>` : "",
    rest.length
      ? `<details class="more"><summary>${e(f.messages.otherFields(f.number(rest.length)))}</summary><dl class="fields">${restRows}</dl></details>`
      : "",
  ].join("");
  return `<li><details class="record"><summary>${when}<span class="title">${e(name)}${facts ? ` <span class="muted">· ${e(facts)}</span>` : ""}</span>${files.length ? `<span class="clip" aria-hidden="true">📎</span>` : ""}</summary>${body}</details></li>`;
}

function typeGroup(group: TypeGroup, service: ServiceModel, f: Formatter, language: AccessLanguage): string {
  const open = group.records.length <= OPEN_LIST_MAX ? " open" : "";
  const items = group.records.map((view) => recordItem(group, view, service, f, language)).join("");
  return `<details class="group"${open} data-type="${e(group.type)}"><summary><h4>${e(group.label)}</h4><span class="count">${e(f.number(group.records.length))}</span></summary><ol class="records">${items}</ol></details>`;
}

/** The section of one service. `purpose` is already HTML (text or a placeholder). */
export function serviceSection(
  service: ServiceModel,
  purpose: string,
  f: Formatter,
  language: AccessLanguage,
): string {
  const m = f.messages;
  const byCategory = new Map<string, TypeGroup[]>();
  for (const g of service.groups) byCategory.set(g.category, [...(byCategory.get(g.category) ?? []), g]);
  const categories = [...byCategory]
    .map(
      ([category, groups]) =>
        `<h3>${e(m.categories[category as keyof typeof m.categories])}</h3>${groups.map((g) => typeGroup(g, service, f, language)).join("")}`,
    )
    .join("");
  const facts = [
    `${e(m.usedFor)}: ${purpose}`,
    e(m.records(service.count, f.number(service.count))),
    service.since !== null ? e(m.since(f.date(service.since))) : "",
    service.searchedBy?.length
      ? `${e(m.lookedUpBy)}: ${e(service.searchedBy.map((k) => m.identifiers[k]).join(", "))}`
      : "",
    `${e(m.machineReadable)}: <a href="${e(fileHref(`${service.id}.json`))}">${e(service.id)}.json</a>`,
  ].filter(Boolean);
  const failed =
    service.status === "failed"
      ? `<p class="warning" role="note">${e(m.exportFailed)}</p>`
      : service.status === "not_searched"
        ? `<p class="warning" role="note">${e(m.notSearched)}</p>`
        : "";
  const empty =
    service.count === 0 && service.status === "exported" ? `<p class="muted">${e(m.nothingHere)}</p>` : "";
  const files = service.files.length
    ? `<h3>${e(m.attachments)} <span class="count">${e(f.number(service.files.length))}</span></h3><ul class="files">${service.files
        .map((file) => `<li>${fileLinks([file], f)}</li>`)
        .join("")}</ul>`
    : "";
  return `<section class="service" id="${e(`svc-${service.id}`)}" aria-labelledby="${e(`svc-${service.id}-h`)}" data-records="${service.count}">
<h2 id="${e(`svc-${service.id}-h`)}">${e(service.name)}</h2>
<p class="meta">${facts.join(' <span aria-hidden="true">·</span> ')}</p>${failed}${empty}${categories}${files}</section>`;
}
