/**
 * The access page's inline stylesheet (no fonts, images or anything fetched). A letter-width
 * column that reflows to a 390-px phone (nothing wider than the screen: long values wrap anywhere,
 * records are one line that truncates), keyboard focus made visible, and a print layout in which
 * every list and record is open.
 */
export const ACCESS_CSS = `
:root{--fg:#1d2330;--muted:#5b6675;--line:#e3e7ee;--bg:#f6f8fb;--card:#fff;--accent:#1f5fbf;--warn:#8a4b00;--warn-bg:#fff4e0}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:8px 12px}
.skip:focus{left:8px;top:8px;z-index:2}
header{background:#fff;border-bottom:1px solid var(--line);padding:20px max(16px,calc((100% - 860px)/2))}
header h1{margin:0;font-size:24px;line-height:1.25}
header p{margin:6px 0 0;color:var(--muted);font-size:13px}
main{max-width:860px;margin:0 auto;padding:8px 16px 40px}
nav.toc{margin:16px 0;font-size:14px}
nav.toc ul{list-style:none;margin:4px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px}
h2{font-size:20px;margin:28px 0 8px;line-height:1.3}
h3{font-size:16px;margin:20px 0 6px}
h4{display:inline;font-size:15px;margin:0}
p{margin:8px 0}
.lead{font-size:16px}
.muted{color:var(--muted)}
.warning{color:var(--warn);background:var(--warn-bg);padding:6px 10px;border-radius:6px}
.placeholder{display:inline-block;border:1px dashed var(--warn);background:var(--warn-bg);color:var(--warn);padding:0 6px;border-radius:4px;font-style:italic}
.placeholder code{font-style:normal;font-size:12px}
.statement{white-space:pre-line}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.count{display:inline-block;min-width:1.8em;text-align:center;padding:0 7px;border-radius:10px;background:#e8eef8;color:#234;font-size:13px;font-weight:600}
.svc-cards{list-style:none;padding:0;margin:12px 0;display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:10px}
.svc-card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.svc-card>a{font-size:16px}
.svc-card .facts{display:block;color:var(--muted);font-size:13px}
.svc-card .facts .count{font-weight:600}
.svc-card .purpose{font-size:13px;margin:6px 0}
.chips{list-style:none;padding:0;margin:6px 0 0;display:flex;flex-wrap:wrap;gap:4px}
.chips li{font-size:12px;background:var(--bg);border:1px solid var(--line);border-radius:10px;padding:0 8px}
section.service,#art15{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:16px 0;padding:2px 16px 12px}
section.service h2,#art15 h2{margin-top:12px}
.meta{color:var(--muted);font-size:13px}
details>summary{cursor:pointer;list-style:none}
details>summary::-webkit-details-marker{display:none}
details>summary::before{content:"▸";display:inline-block;flex:none;width:1.1em;color:var(--muted)}
details[open]>summary::before{content:"▾"}
details.group{margin:4px 0 8px;border:1px solid var(--line);border-radius:6px}
details.group>summary{padding:6px 10px;background:#fafbfd;border-radius:6px;display:flex;align-items:center;gap:8px}
details.group>summary::after{content:"";margin-left:auto}
details.group[open]>summary{border-bottom:1px solid var(--line);border-radius:6px 6px 0 0}
ol.records{list-style:none;margin:0;padding:0}
ol.records>li{border-top:1px solid #eef0f3}
ol.records>li:first-child{border-top:0}
details.record>summary{display:flex;gap:10px;align-items:baseline;padding:5px 10px;white-space:nowrap;overflow:hidden}
details.record>summary time{flex:none;color:var(--muted);font-size:13px;font-variant-numeric:tabular-nums;min-width:6.5em}
details.record>summary .title{flex:1;min-width:0;overflow:hidden;text-overflow:ellipsis}
details.record>summary .clip{flex:none}
details.record[open]>summary{white-space:normal;background:#f3f6fb}
details.record[open]>summary .title{overflow:visible}
details.record>:not(summary){margin-left:10px;margin-right:10px}
dl.fields{display:grid;grid-template-columns:minmax(7em,32%) minmax(0,1fr);gap:2px 14px;margin:6px 0;font-size:14px}
dl.fields dt{color:var(--muted)}
dl.fields dd{margin:0;min-width:0}
details.more{margin:4px 0 10px;font-size:14px}
details.more>summary{color:var(--muted)}
.attached{font-size:14px;margin:4px 0}
ul.files{padding-left:18px;font-size:14px}
.art15-item{border-top:1px solid var(--line);padding-top:2px}
.art15-item:first-of-type{border-top:0}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 14px}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
footer{max-width:860px;margin:0 auto;padding:0 16px 40px;color:var(--muted);font-size:13px}
@media screen and (max-width:560px){
  body{font-size:16px}
  header{padding:16px}
  header h1{font-size:21px}
  main{padding:4px 10px 32px}
  section.service,#art15{padding:2px 10px 10px}
  dl.fields{grid-template-columns:minmax(5.5em,36%) minmax(0,1fr);gap:2px 10px}
  dl.facts{grid-template-columns:minmax(0,1fr)}
  details.record>summary{gap:8px;padding:6px 8px}
  details.record>summary time{min-width:0}
}
@media print{
  @page{size:A4;margin:14mm}
  body{background:#fff;font-size:11pt}
  header{padding:0 0 8px}
  .skip,nav.toc{display:none}
  section.service,#art15{border:0;padding:0;break-inside:auto}
  details::details-content{content-visibility:visible;display:contents}
  details>summary{list-style:none}
  details>summary::-webkit-details-marker{display:none}
  details.record>summary{white-space:normal}
  ol.records>li{break-inside:avoid}
  a{color:inherit}
}
`;
