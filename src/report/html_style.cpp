// The HTML report's look: one style sheet, a legend and a hover script, all inline so that the
// file works offline. Status classes (s-ok, s-fail, …) set --c and --bg; everything else reads
// them.
#include "report/html_sections.hpp"

namespace baton::report::html {

std::string_view style_sheet() {
  return R"css(
:root {
  --text: #1f2328; --muted-text: #59636e; --faint: #8a939d; --line: #e3e6ea; --page: #f5f6f8;
  --ok: #2f9e5b; --ok-bg: #e6f4ec; --fail: #d64541; --fail-bg: #fbe9e8;
  --ignored: #d99a14; --ignored-bg: #fcf3dc; --muted: #9aa4b0; --muted-bg: #f0f2f4;
  --active: #3a7bd5; --active-bg: #e7effb; --comp: #8257c9; --comp-bg: #f0eafa;
  --compfail: #8e1f1f; --compfail-bg: #f5e2e2;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans",
    "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono",
    monospace;
}
.s-ok { --c: var(--ok); --bg: var(--ok-bg); }
.s-fail { --c: var(--fail); --bg: var(--fail-bg); }
.s-ignored { --c: var(--ignored); --bg: var(--ignored-bg); }
.s-muted { --c: var(--muted); --bg: var(--muted-bg); }
.s-active { --c: var(--active); --bg: var(--active-bg); }
.s-comp { --c: var(--comp); --bg: var(--comp-bg); }
.s-compfail { --c: var(--compfail); --bg: var(--compfail-bg); }
* { box-sizing: border-box; }
html { background: var(--page); }
body { margin: 0; color: var(--text); font: 14px/1.5 var(--sans); -webkit-font-smoothing: antialiased; }
main { max-width: 1240px; margin: 0 auto; padding: 28px 28px 40px; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
h1 { font-size: 26px; line-height: 1.25; margin: 4px 0 6px; font-weight: 650; display: flex;
  align-items: center; gap: 12px; flex-wrap: wrap; }
h2 { font-size: 16px; margin: 0 0 4px; font-weight: 650; }
h3 { font-size: 13px; margin: 16px 0 6px; font-weight: 650; color: var(--muted-text); }
.eyebrow { font-size: 11.5px; letter-spacing: .08em; text-transform: uppercase; color: var(--faint);
  font-weight: 600; }
.description { margin: 0 0 14px; color: var(--muted-text); font-size: 15px; }
.meta { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 10px 24px; margin: 0;
  padding: 14px 18px; background: #fff; border: 1px solid var(--line); border-radius: 12px; }
.meta div { min-width: 0; }
.meta dt { font-size: 11.5px; color: var(--faint); text-transform: uppercase; letter-spacing: .05em; }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px;
  font-weight: 600; line-height: 1.6; color: var(--c); background: var(--bg); white-space: nowrap;
  vertical-align: middle; }
h1 .badge { font-size: 13px; padding: 3px 12px; }
.cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin-top: 16px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 14px 16px 12px; }
.card .label { font-size: 11.5px; color: var(--faint); text-transform: uppercase; letter-spacing: .05em;
  font-weight: 600; }
.card .value { font-size: 26px; font-weight: 650; line-height: 1.3; margin-top: 2px;
  font-variant-numeric: tabular-nums; }
.card.quiet .value { color: var(--faint); }
.card .sub { font-size: 12px; color: var(--muted-text); }
.meter { height: 5px; border-radius: 3px; background: var(--muted-bg); margin: 6px 0 4px; overflow: hidden; }
.meter span { display: block; height: 100%; background: var(--c); border-radius: 3px; }
section.panel { background: #fff; border: 1px solid var(--line); border-radius: 12px;
  padding: 18px 20px; margin-top: 18px; }
.panel-head { display: flex; justify-content: space-between; align-items: baseline; gap: 16px;
  flex-wrap: wrap; margin-bottom: 10px; }
.hint, .note { color: var(--muted-text); font-size: 12.5px; margin: 0; }
.note { margin: 6px 0; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 12px; color: var(--muted-text);
  margin: 0 0 10px; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; }
.sw { width: 14px; height: 10px; border-radius: 3px; background: var(--c); display: inline-block; }
.sw.hatch { background: repeating-linear-gradient(45deg, var(--c) 0 2px, var(--bg) 2px 5px);
  box-shadow: inset 0 0 0 1px var(--c); }
.sw.wait { height: 0; border-radius: 0; background: none; border-top: 2px dashed var(--active); }
.sw.waiting { background: none; border: 1.5px dashed var(--active); }
.sw.critical { height: 0; border-radius: 0; background: none; border-top: 2.5px solid #5b6470; }
.sw.mark { width: 0; height: 12px; border-radius: 0; background: none; border-left: 2px dashed var(--fail); }
.figure { overflow-x: auto; }
svg { display: block; font-family: var(--sans); }
svg.gantt { width: 100%; height: auto; }
svg.graph { margin: 0 auto; }
svg.graph.fit { max-width: 100%; height: auto; }
.gantt text { font-size: 12px; fill: var(--text); }
.gantt .axis text { font-size: 11px; fill: var(--faint); text-anchor: middle; }
.gantt .tick { stroke: #eceef1; }
.gantt .band { fill: transparent; }
.gantt .band.odd { fill: #fafbfc; }
.gantt .row.hl .band { fill: #eef3fb; }
.gantt .phase rect { fill: #f1f3f6; }
.gantt .phase text { font-weight: 650; fill: #3b434c; font-size: 12px; }
.gantt .label { font-family: var(--mono); font-size: 12px; }
.gantt .duration { font-size: 11px; fill: var(--faint); text-anchor: end; }
.gantt .row-note { font-size: 11.5px; fill: var(--faint); font-style: italic; }
.dot { fill: var(--c); }
.bar.attempt { fill: var(--c); }
.bar.compensation.s-comp { fill: url(#hatch-comp); stroke: var(--comp); stroke-width: 1; }
.bar.compensation.s-compfail { fill: url(#hatch-compfail); stroke: var(--compfail); stroke-width: 1; }
.bar:hover, .row.hl .bar { stroke: var(--text); stroke-width: 1.5; }
.hatch-bg-comp { fill: var(--comp-bg); } .hatch-line-comp { fill: var(--comp); }
.hatch-bg-compfail { fill: var(--compfail-bg); } .hatch-line-compfail { fill: var(--compfail); }
.wait { stroke: var(--active); stroke-width: 2; stroke-dasharray: 3 3; }
.bar.waiting { fill: none; stroke: var(--active); stroke-width: 1.5; stroke-dasharray: 4 3; }
.mark line { stroke: var(--ok); stroke-width: 1.2; stroke-dasharray: 3 3; }
.mark path { fill: var(--ok); }
.mark.opens line { stroke: var(--fail); }
.mark.opens path { fill: var(--fail); }
.mark.half line { stroke: var(--active); }
.mark.half path { fill: var(--active); }
.graph .cluster { fill: #f5f7fa; stroke: #dde2e8; }
.graph .cluster-label { font-size: 11px; font-weight: 650; fill: var(--muted-text);
  letter-spacing: .06em; text-transform: uppercase; paint-order: stroke; stroke: #f5f7fa;
  stroke-width: 5px; stroke-linejoin: round; }
.graph .edge { fill: none; stroke: #a3acb7; stroke-width: 1.3; }
.graph .edge.critical { stroke: #5b6470; stroke-width: 2.2; }
.graph .edge.hl { stroke: var(--text); stroke-width: 2.2; }
.graph marker path { fill: #a3acb7; }
.graph #arrow-critical path { fill: #5b6470; }
.graph .node .box { fill: var(--bg); stroke: var(--c); stroke-opacity: .45; }
.graph .node .stripe { fill: var(--c); }
.graph .node text { font-family: var(--mono); font-size: 12px; fill: var(--text); }
.graph .node .detail { font-family: var(--sans); font-size: 11px; fill: var(--muted-text); }
.graph .node .glyph { font-family: var(--sans); font-weight: 700; fill: var(--c); text-anchor: end; }
.graph .node.hl .box { stroke: var(--text); stroke-opacity: 1; stroke-width: 1.6; }
table.grid { width: 100%; border-collapse: collapse; font-size: 13px; }
table.grid th { text-align: left; font-weight: 600; color: var(--muted-text); font-size: 12px;
  border-bottom: 1px solid var(--line); padding: 7px 10px; white-space: nowrap; }
table.grid td { padding: 7px 10px; border-bottom: 1px solid #eef0f3; vertical-align: top;
  overflow-wrap: anywhere; }
table.grid tr:last-child td { border-bottom: 0; }
table.grid tr.hl td, table.grid tbody tr:hover td { background: #f7f9fc; }
table.grid td.num, table.grid th.num { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
td.path { font-family: var(--mono); font-size: 12.5px; }
td .dim, .dim { color: var(--faint); }
pre.command { margin: 4px 0 0; padding: 6px 10px; background: #f3f5f8; border-radius: 6px;
  font: 12.5px var(--mono); white-space: pre-wrap; overflow-wrap: anywhere; }
pre.log-tail { margin: 4px 0 0; padding: 6px 10px; background: #fbf3f2; border-radius: 6px;
  font: 12px var(--mono); color: #6b2a26; white-space: pre-wrap; overflow-wrap: anywhere; }
.log { font-size: 12px; color: var(--muted-text); margin-top: 2px; }
.log code { font-size: 12px; }
.research ul { margin: 0; padding-left: 18px; }
.research li { margin: 2px 0; }
.research p { margin: 0; }
details summary { cursor: pointer; color: var(--muted-text); font-size: 12px; }
dl.outputs { margin: 4px 0 0; display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; }
dl.outputs dt { font-family: var(--mono); font-size: 12px; color: var(--muted-text); }
dl.outputs dd { margin: 0; font-family: var(--mono); font-size: 12px; white-space: pre-wrap; }
.columns h3:first-child { margin-top: 0; }
table.tasks { table-layout: fixed; }
table.tasks td.path:first-child { overflow-wrap: normal; word-break: normal; }
table.tasks .deps { font-size: 12px; color: var(--muted-text); }
.columns { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0 28px; }
footer { margin-top: 22px; text-align: center; color: var(--faint); font-size: 12px; }
@media (max-width: 900px) { .cards, .meta { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .columns { grid-template-columns: 1fr; } }
@media print { html { background: #fff; } section.panel, .card, .meta { break-inside: avoid; } }
)css";
}

// Hovering anything that names a task (bar, row, box, table row) highlights it everywhere.
std::string_view hover_script() {
  return R"js(
(function () {
  function key(el) {
    var owner = el && el.closest ? el.closest('[data-task]') : null;
    return owner ? owner.getAttribute('data-task') : null;
  }
  function mark(k, on) {
    document.querySelectorAll('[data-task]').forEach(function (e) {
      if (e.getAttribute('data-task') === k) e.classList.toggle('hl', on);
    });
    document.querySelectorAll('.edge').forEach(function (e) {
      if (e.getAttribute('data-from') === k || e.getAttribute('data-to') === k) e.classList.toggle('hl', on);
    });
  }
  document.addEventListener('mouseover', function (e) { var k = key(e.target); if (k !== null) mark(k, true); });
  document.addEventListener('mouseout', function (e) { var k = key(e.target); if (k !== null) mark(k, false); });
})();
)js";
}

std::string render_legend(bool timeline) {
  std::string out = R"(<ul class="legend">
<li><span class="sw s-ok"></span>Succeeded</li>
<li><span class="sw s-fail"></span>Failed</li>
<li><span class="sw s-ignored"></span>Failed (ignored)</li>
<li><span class="sw s-active"></span>Running, waiting</li>
<li><span class="sw s-muted"></span>Skipped, cancelled</li>
)";
  if (timeline) {
    out += R"(<li><span class="sw hatch s-comp"></span>Compensation</li>
<li><span class="sw hatch s-compfail"></span>Compensation failed</li>
<li><span class="sw wait"></span>Backoff wait</li>
<li><span class="sw waiting"></span>Waiting for a verdict or a breaker</li>
<li><span class="sw mark"></span>Breaker transition</li>
)";
  } else {
    out += R"(<li><span class="sw s-comp"></span>Compensated</li>
<li><span class="sw s-compfail"></span>Compensation failed</li>
<li><span class="sw critical"></span>Critical path</li>
)";
  }
  return out + "</ul>\n";
}

}  // namespace baton::report::html
