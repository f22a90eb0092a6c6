/**
 * The report's inline stylesheet (no external fonts or images: the page fetches nothing). Wide
 * tables become stacked rows on a phone; long values wrap instead of overflowing; in print every
 * request is open, starts on a new A4 page, and the audit trail fits the page width.
 */
export const REPORT_CSS = `
:root{--fg:#1d2330;--muted:#5f6b7a;--line:#e3e7ee;--bg:#f6f8fb;--card:#fff;--red:#c62828;--red-bg:#fdecea;
--amber:#8a4b00;--amber-bg:#fff4e0;--green:#1b7a3a;--green-bg:#e6f4ea;--blue:#1f5fbf;--blue-bg:#e8f0fd;--gray-bg:#eef0f3}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:break-word}
dd,.details,.kv,.attention li{overflow-wrap:anywhere}
:focus-visible{outline:3px solid var(--blue);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:8px 12px}
.skip:focus{left:8px;top:8px;z-index:2}
header{background:#18212f;color:#fff;padding:20px 32px}
header h1{margin:0;font-size:20px;font-weight:600}
header h1 code{font-size:18px}
header p{margin:4px 0 0;color:#b8c2d1;font-size:13px}
main{padding:16px 32px 24px;max-width:1400px}
h2{font-size:16px;margin:28px 0 10px}
h3{font-size:14px;margin:0}
h4{font-size:14px;margin:0 0 4px}
.cards{list-style:none;margin:0;padding:0;display:flex;gap:12px;flex-wrap:wrap}
.card{display:block;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:120px;color:inherit;text-decoration:none}
.card b{display:block;font-size:24px}
.card span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.bad b{color:var(--red)}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line)}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#fafbfd;color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em;white-space:nowrap}
tr:last-child td{border-bottom:0}
tr.overdue td{background:#fff8f7}
td.time{white-space:nowrap}
.outcome{margin:1px 0}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
a{color:var(--blue);text-decoration:none}
a:hover{text-decoration:underline}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap;background:var(--blue-bg);color:var(--blue)}
.s-completed,.o-erased,.o-anonymized,.o-exported,.o-not_found,.st-succeeded{background:var(--green-bg);color:var(--green)}
.s-needs_attention,.o-failed,.st-failed,.flag,.r-not_covered{background:var(--red-bg);color:var(--red)}
.s-held,.s-compensating,.o-scheduled,.o-manual_required,.o-retained,.st-retrying,.r-restorable,.r-legal_retention{background:var(--amber-bg);color:var(--amber)}
.s-withdrawn,.o-none,.r-provider_retains{background:var(--gray-bg);color:var(--muted)}
.flag{font-weight:700;letter-spacing:.03em}
.attention{list-style:none;padding:0;margin:0}
.attention>li{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--amber);padding:8px 12px;margin-bottom:6px;border-radius:4px}
.attention>li.error{border-left-color:var(--red)}
.attention>li>ul{margin:4px 0 0;padding-left:18px}
.attention li li.error::marker{color:var(--red)}
.ok{color:var(--green)}
.muted{color:var(--muted)}
.warn-text{color:var(--red)}
section.request{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:12px 0}
section.request>details>summary{cursor:pointer;padding:12px 16px;list-style:none}
section.request>details>summary::-webkit-details-marker{display:none}
section.request>details>summary h3{display:inline}
section.request>details>summary::before{content:"▸ ";color:var(--muted)}
section.request>details[open]>summary::before{content:"▾ "}
.body{padding:0 16px 16px}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 16px;margin:0 0 12px}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
.branches{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr));gap:10px}
.branch{border:1px solid var(--line);border-radius:6px;padding:8px 10px;break-inside:avoid}
.branch .counts{margin:0 0 4px;font-size:13px}
dl.bfacts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 10px;margin:0;font-size:13px}
dl.bfacts dt{color:var(--muted)}
dl.bfacts dd{margin:0;min-width:0}
ul.residuals{margin:0;padding-left:16px}
.timeline{display:inline-flex;flex-wrap:wrap;gap:3px;align-items:center}
.chip{display:inline-flex;gap:4px;align-items:baseline;border-radius:4px;padding:0 5px;font-size:11.5px}
.chip small{opacity:.75}
.arrow{color:#b0b8c4}
details.audit{margin-top:12px}
details.audit>summary{cursor:pointer;color:var(--muted)}
.audit-table{margin-top:6px;font-size:12.5px}
.audit-table td.num{width:3em}
.audit-table .event{font-weight:600}
.audit-table .details{margin-top:2px}
.kv{display:inline-block;margin-right:12px}
.kv .k{color:var(--muted)}
.audit-table td.hash{width:8em}
#legend{margin-top:32px}
.legend-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,360px),1fr));gap:8px 24px}
.legend-grid h3{margin:8px 0 4px}
dl.legend-list{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:4px 10px;margin:0;font-size:13px}
dl.legend-list dd{margin:0}
footer{color:var(--muted);font-size:12px;padding:8px 32px 32px}
@media screen and (max-width:720px){
  body{overflow-wrap:anywhere}
  header{padding:16px}
  main{padding:12px}
  .card{min-width:0;padding:8px 12px}
  table.requests thead{display:none}
  table.requests,table.requests tbody,table.requests tr,table.requests td{display:block;width:100%}
  table.requests tr{border-bottom:1px solid var(--line);padding:6px 0}
  table.requests td{border:0;padding:2px 10px}
  table.requests td::before{content:attr(data-label) ": ";color:var(--muted);font-size:12px}
  td.time{white-space:normal}
  .badge{white-space:normal}
  .audit-table td.hash,.audit-table th:last-child{display:none}
  .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(104px,1fr));gap:8px}
  table.requests td:empty{display:none}
  dl.legend-list{grid-template-columns:minmax(0,1fr)}
  dl.legend-list dd{margin-bottom:4px}
  footer{padding:8px 12px 24px}
}
@media print{
  @page{size:A4;margin:12mm}
  body{background:#fff;font-size:10pt}
  header{background:#fff;color:var(--fg);padding:0 0 6px;border-bottom:2px solid var(--fg)}
  header p{color:var(--muted)}
  main{padding:0;max-width:none}
  .skip{display:none}
  .cards{gap:6px}
  .card{padding:3px 8px;min-width:0}
  .card b{display:inline;font-size:13pt;margin-right:4px}
  .card span{font-size:8pt}
  table{font-size:8.5pt}
  th{font-size:7.5pt}
  .badge{font-size:7.5pt;padding:0 5px}
  section.request{border:0;border-radius:0;break-before:page;margin:0}
  section.request>details>summary{padding:0 0 6px}
  section.request>details>summary::before,section.request>details[open]>summary::before{content:""}
  details::details-content{content-visibility:visible;display:contents}
  details>summary{list-style:none}
  .body{padding:0}
  dl.facts{grid-template-columns:max-content minmax(0,1fr) max-content minmax(0,1fr);font-size:9pt;margin-bottom:8px}
  .branches{display:block;columns:2;column-gap:6px}
  .branch{padding:3px 5px;margin-bottom:6px;break-inside:avoid}
  .branch h4,.branch .counts{font-size:8.5pt}
  dl.bfacts{font-size:7.5pt;line-height:1.3}
  ul.residuals{padding-left:12px}
  .chip{font-size:7pt;padding:0 3px}
  .badge{font-size:7pt}
  .audit-table tr{break-inside:avoid}
  .audit-table{font-size:7.5pt}
  table{table-layout:fixed}
  th,td{overflow-wrap:anywhere;padding:4px 6px}
  th{white-space:normal}
  td.time,.badge{white-space:normal}
  col.c-request{width:19%}col.c-kind{width:7%}col.c-state{width:14%}col.c-subject{width:11%}
  col.c-created,col.c-due{width:10%}col.c-overdue{width:8%}col.c-outcomes{width:21%}
  col.c-seq{width:5%}col.c-at{width:16%}col.c-event{width:64%}col.c-hash{width:15%}
  body.single section.request{break-before:auto}
  #legend{break-before:page}
  #legend h2{margin-top:0}
  .legend-grid{grid-template-columns:1fr 1fr;gap:0 16px}
  dl.legend-list{font-size:8pt;gap:2px 8px}
  .legend-grid .badge{font-size:7pt}
  a{color:inherit}
  footer{padding:8px 0}
}
`;
