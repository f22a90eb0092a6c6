/** The report's inline stylesheet (no external fonts or images: the page fetches nothing). */
export const REPORT_CSS = `
:root{--fg:#1d2330;--muted:#5f6b7a;--line:#e3e7ee;--bg:#f6f8fb;--card:#fff;--red:#c62828;--red-bg:#fdecea;
--amber:#a15c00;--amber-bg:#fff4e0;--green:#1b7a3a;--green-bg:#e6f4ea;--blue:#1f5fbf;--blue-bg:#e8f0fd;--gray-bg:#eef0f3}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#18212f;color:#fff;padding:20px 32px}
header h1{margin:0;font-size:20px;font-weight:600}
header p{margin:4px 0 0;color:#b8c2d1;font-size:13px}
main{padding:24px 32px;max-width:1400px}
h2{font-size:16px;margin:28px 0 10px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;min-width:130px}
.card b{display:block;font-size:24px}
.card span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card.bad b{color:var(--red)}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#fafbfd;color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
tr:last-child td{border-bottom:0}
tr.overdue td{background:#fff8f7}
td.time{white-space:nowrap}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
a{color:var(--blue);text-decoration:none}
a:hover{text-decoration:underline}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap;background:var(--blue-bg);color:var(--blue)}
.s-completed,.o-erased,.o-anonymized,.o-exported,.o-not_found,.st-succeeded{background:var(--green-bg);color:var(--green)}
.s-needs_attention,.o-failed,.st-failed,.flag{background:var(--red-bg);color:var(--red)}
.s-held,.s-compensating,.o-scheduled,.o-manual_required,.o-retained,.st-retrying{background:var(--amber-bg);color:var(--amber)}
.s-withdrawn,.o-none{background:var(--gray-bg);color:var(--muted)}
.flag{font-weight:700;letter-spacing:.03em}
.attention{list-style:none;padding:0;margin:0}
.attention li{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--amber);padding:8px 12px;margin-bottom:6px;border-radius:4px}
.attention li.error{border-left-color:var(--red)}
.ok{color:var(--green)}
.muted{color:var(--muted)}
section.request{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:12px 0;padding:0}
section.request>details>summary{cursor:pointer;padding:12px 16px;font-weight:600;list-style:none}
section.request>details>summary::-webkit-details-marker{display:none}
section.request>details>summary::before{content:"▸ ";color:var(--muted)}
section.request>details[open]>summary::before{content:"▾ "}
.body{padding:0 16px 16px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 12px}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
.timeline{display:flex;flex-wrap:wrap;gap:4px;align-items:center}
.chip{display:inline-flex;gap:4px;align-items:baseline;border-radius:4px;padding:1px 6px;font-size:12px}
.chip small{opacity:.75}
.arrow{color:#b0b8c4}
details.audit{margin-top:12px}
details.audit summary{cursor:pointer;color:var(--muted)}
footer{color:var(--muted);font-size:12px;padding:8px 32px 32px}
`;
