/**
 * The access package's `index.html`: the same data as the JSON files, for the person it is about.
 * Self-contained (inline CSS, a CSP that forbids any fetch, no script); every value escaped. It is
 * written into the package beside the JSON files and covered by the manifest's hashes.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExportRecord, JsonValue } from "../adapter.js";
import { escapeHtml as e, PAGE_CSP } from "../html.js";
import type { AccessManifest } from "./types.js";

const CSS = `body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f6f8fb}
header{background:#18212f;color:#fff;padding:24px 32px}header h1{margin:0;font-size:22px}header p{margin:6px 0 0;color:#b8c2d1}
main{padding:16px 32px 40px;max-width:1100px}nav{margin:12px 0 20px}nav a{margin-right:14px}
section{background:#fff;border:1px solid #e3e7ee;border-radius:8px;margin:16px 0;padding:4px 20px 16px}
h2{font-size:18px;margin:14px 0 4px}h3{font-size:14px;margin:16px 0 6px;color:#5f6b7a;text-transform:uppercase;letter-spacing:.04em}
.record{border-top:1px solid #eef0f3;padding:8px 0}.record:first-of-type{border-top:0}
dl{display:grid;grid-template-columns:minmax(120px,max-content) 1fr;gap:2px 16px;margin:4px 0}dt{color:#5f6b7a}dd{margin:0;word-break:break-word}
dl dl{border-left:2px solid #eef0f3;padding-left:10px}ul{margin:0;padding-left:18px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}.muted{color:#5f6b7a}a{color:#1f5fbf}`;

const MAX_DEPTH = 6;

function value(v: JsonValue, depth: number): string {
  if (v === null) return `<span class="muted">—</span>`;
  if (typeof v !== "object") return e(v);
  if (depth >= MAX_DEPTH) return `<code>${e(JSON.stringify(v))}</code>`;
  if (Array.isArray(v)) {
    if (v.length === 0) return `<span class="muted">none</span>`;
    return `<ul>${v.map((item) => `<li>${value(item, depth + 1)}</li>`).join("")}</ul>`;
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return `<span class="muted">—</span>`;
  return `<dl>${entries.map(([k, item]) => `<dt>${e(k)}</dt><dd>${value(item as JsonValue, depth + 1)}</dd>`).join("")}</dl>`;
}

interface BranchFile {
  readonly records?: readonly ExportRecord[];
  readonly files?: readonly string[];
}

async function readBranch(dir: string, adapter: string): Promise<BranchFile> {
  try {
    return JSON.parse(await readFile(join(dir, `${adapter}.json`), "utf8")) as BranchFile;
  } catch {
    return {};
  }
}

function section(adapter: string, branch: BranchFile, status: string): string {
  const records = branch.records ?? [];
  const byType = new Map<string, ExportRecord[]>();
  for (const r of records) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  const groups = [...byType]
    .map(
      ([type, list]) =>
        `<h3>${e(type)} (${list.length})</h3>${list
          .map((r) => `<div class="record"><code class="muted">${e(r.id)}</code>${value(r.data, 0)}</div>`)
          .join("")}`,
    )
    .join("");
  const files = (branch.files ?? [])
    .map(
      (f) =>
        `<li><a href="${e(f.split("/").map(encodeURIComponent).join("/"))}">${e(f.split("/").at(-1))}</a></li>`,
    )
    .join("");
  return `<section id="${e(`p-${adapter}`)}"><h2>${e(adapter)}</h2>
<p class="muted">${records.length} records${status === "failed" ? " — this provider's export failed; ask us again" : ""}${status === "not_searched" ? " — not searched: we had no identifier this service can look you up by" : ""} · machine-readable copy: <a href="${e(encodeURIComponent(`${adapter}.json`))}">${e(adapter)}.json</a></p>
${groups || (status === "not_searched" ? "" : `<p class="muted">We hold nothing about you here.</p>`)}${files ? `<h3>files</h3><ul>${files}</ul>` : ""}</section>`;
}

/** Renders `index.html` from the branch files already written in `dir`. */
export async function renderAccessIndex(
  dir: string,
  info: Omit<AccessManifest, "schemaVersion" | "files">,
): Promise<string> {
  const adapters = Object.keys(info.adapters);
  const sections: string[] = [];
  for (const adapter of adapters)
    sections.push(
      section(adapter, await readBranch(dir, adapter), info.adapters[adapter]?.status ?? "exported"),
    );
  const total = Object.values(info.adapters).reduce((n, a) => n + a.records, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${e(PAGE_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<title>Your data — access request ${e(info.requestId)}</title><style>${CSS}</style></head>
<body><header><h1>The personal data we hold about you</h1>
<p>${e(total)} records from ${e(adapters.length)} services · prepared ${e(info.completedAt.slice(0, 10))} · request <code>${e(info.requestId)}</code></p></header>
<main><p>This folder is your copy of the data (GDPR art. 15 and 20). This page shows it for reading; the JSON files beside it hold the same data in a machine-readable form, and <code>manifest.json</code> lists every file with its SHA-256 checksum.</p>
<nav>${adapters.map((a) => `<a href="#${e(`p-${a}`)}">${e(a)}</a>`).join("")}</nav>
${sections.join("\n")}
</main></body></html>
`;
}
